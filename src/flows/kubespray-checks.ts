// The flows' "Kubespray checks" phase: the checkout's own inventory checks before the first playbook touches a host.
import { formatProblem } from '../config/problems.js';
import { KsprayError } from '../errors.js';
import type { Phase } from './flow.js';
import { formatDuration } from '../playbooks/events.js';

export const KUBESPRAY_CHECKS = 'Kubespray checks';

export function kubesprayChecksPhase(o: { extraVars?: Record<string, unknown> } = {}): Phase {
  return {
    title: KUBESPRAY_CHECKS,
    when: (fc) => !fc.skipKubesprayChecks,
    plan: (fc) => [
      `run kubespray ${fc.ws.cluster.config.spec.kubespray.version}'s own inventory checks from ${fc.ws.kubesprayDir} on this machine ` +
        '(the defaults role, roles/validate_inventory, the host-independent part of 0040-verify-settings.yml) against the inventory rendered into a private temp dir; touches no host',
    ],
    async run(fc) {
      const { ws } = fc;
      const r = fc.reporter;
      const { runKubesprayChecks } = await import('../kubespray/checks.js');
      const out = await runKubesprayChecks({
        cluster: ws.cluster,
        text: ws.loaded.text,
        file: ws.loaded.file,
        kubesprayDir: ws.kubesprayDir,
        ansiblePlaybook: ws.ansiblePlaybook,
        callbackDir: ws.callbackDir,
        ...(o.extraVars ? { extraVars: o.extraVars } : {}),
        ...(fc.interrupts ? { signal: fc.interrupts.signal } : {}),
      });
      if (!out.available) {
        r.warn(`${out.reason}; continuing without them`);
        return;
      }
      if (out.problems.length)
        throw new KsprayError('ConfigInvalid', `kubespray ${ws.cluster.config.spec.kubespray.version} rejects the config (${out.problems.length} check(s) failed); nothing was run on the hosts`, {
          details: out.problems.map(formatProblem),
          hint: 'fix the config (`kspray validate --kubespray` shows the same), or pass --skip-kubespray-checks in an emergency',
        });
      r.info(`kubespray's checks passed in ${formatDuration(out.durationMs)} (${out.sources.join(', ')})`);
      if (out.hostChecks.length) r.info(`checked by deploy's preflight on the host: ${out.hostChecks.join('; ')}`);
    },
  };
}
