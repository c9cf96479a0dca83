// kspray rebase: record the config as applied when the applied state was lost, once the cluster's Nodes match it.
import { KsprayError } from '../errors.js';
import type { Check } from '../health/types.js';
import type { Phase } from './flow.js';
import { adminClient } from './wait-ready.js';

/** The node checks that must pass: every host a Node, no Node outside the config, roles and labels, versions. */
export const REBASE_CHECKS = ['nodes.registered', 'nodes.unexpected', 'nodes.roles', 'nodes.version'];

/** What keeps the config from being recorded as applied: each failed or warned node check's evidence. */
export function rebaseMismatches(checks: Check[]): string[] {
  return checks.filter((c) => REBASE_CHECKS.includes(c.id) && c.status !== 'ok').flatMap((c) => c.evidence.map((e) => `${c.title}: ${e}`));
}

export function rebasePhases(): Phase[] {
  return [
    {
      title: 'Check the Nodes against the config',
      plan: (fc) => [
        `fetch /etc/kubernetes/admin.conf over SSH, list the Nodes, and refuse unless they are ${fc.ws.cluster.hosts.filter((h) => h.controlPlane || h.worker).length} configured hosts with their roles, labels, taints and Kubernetes ${fc.ws.cluster.config.spec.kubernetes.version}`,
        `record ${fc.ws.loaded.file} as what the cluster runs (applied.yaml)`,
      ],
      async run(fc) {
        const { nodeChecks } = await import('../health/run.js');
        const { client } = await adminClient(fc);
        const checks = await nodeChecks(client, fc.ws.cluster).finally(() => client.close());
        const bad = rebaseMismatches(checks);
        if (bad.length)
          throw new KsprayError('ConfigInvalid', `the cluster's Nodes do not match ${fc.ws.loaded.file}; nothing was recorded`, {
            details: bad,
            hint: `make ${fc.ws.loaded.file} describe the cluster as it runs (hosts, roles, labels, spec.kubernetes.version), then rebase again`,
          });
        for (const c of checks) fc.reporter.info(`${c.title}: ${c.evidence.join('; ')}`);
      },
    },
  ];
}
