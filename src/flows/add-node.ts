// kspray add-node: kubespray's documented procedure per role (docs/operations/nodes.md).
import { addHost, setHostField } from '../config/edit.js';
import type { Cluster } from '../config/model.js';
import type { roleValues } from '../config/schema.js';
import { KsprayError } from '../errors.js';
import { checkConfigText, configPhase } from './config-update.js';
import { kubesprayChecksPhase } from './kubespray-checks.js';
import type { FlowContext, Phase } from './flow.js';
import { flowPool } from './ssh.js';
import { factsPhase, playbookPhase, preflightPhase, renderPhase } from './steps.js';
import { waitReadyPhase, type WaitOptions } from './wait-ready.js';

export interface AddNodeOptions {
  name: string;
  address: string;
  ip?: string;
  roles: (typeof roleValues)[number][];
  ignorePreflight?: string[];
  allowEvenEtcd?: boolean;
  /** the host is already in the config: as pending (an add-node that failed), or declared there and never applied */
  resume: boolean;
  declared?: boolean;
  wait?: WaitOptions;
}

/** Quorum arithmetic for the message when an etcd add would leave an even member count. */
export function etcdQuorumNote(n: number): string {
  const q = (k: number) => Math.floor(k / 2) + 1;
  return `${n} members need ${q(n)} for quorum and tolerate ${n - q(n)} failure(s); ${n - 1} members tolerate ${n - 1 - q(n - 1)} — the extra member adds load and risk without adding fault tolerance`;
}

/** `cluster`, when given, is the config of `text` (already valid): a host already in it needs no second validation. */
export function planAddNode(text: string, o: AddNodeOptions, cluster?: Cluster): string {
  const host = { name: o.name, address: o.address, ...(o.ip ? { ip: o.ip } : {}), roles: o.roles, pending: true };
  const next = o.resume ? text : addHost(text, host);
  const etcd = (o.resume && cluster ? cluster : checkConfigText(next, `adding ${o.name}`).cluster!).etcdMembers.length;
  if (o.roles.includes('etcd') && etcd % 2 === 0 && !o.allowEvenEtcd)
    throw new KsprayError('BadArgument', `adding ${o.name} as an etcd member leaves ${etcd} members`, {
      details: [etcdQuorumNote(etcd)],
      hint: 'add two etcd members (one at a time, the second right after), or pass --allow-even-etcd if you add the next one next',
    });
  return next;
}

async function restartNginxProxies(fc: FlowContext): Promise<void> {
  // documented step after adding a control plane: nodes must reload the proxy's upstream list
  const nodes = fc.ws.cluster.hosts.filter((h) => !h.controlPlane);
  const res = await flowPool(fc).forEachHost(nodes, async (s) => {
    const r = await s.exec(['sh', '-c', 'command -v crictl >/dev/null || { echo "crictl not installed"; exit 0; }; crictl ps --name nginx-proxy -q | xargs -r crictl stop'], { sudo: true });
    return r.code === 0 ? r.stdout.trim() || 'restarted' : `failed: ${r.stderr.trim()}`;
  });
  for (const r of res) fc.reporter.host(r.host, r.ok ? `nginx-proxy: ${r.value}` : fc.reporter.color.red(`nginx-proxy: ${String(r.error)}`));
}

export function addNodePhases(o: AddNodeOptions, text: string, cluster?: Cluster): Phase[] {
  const next = planAddNode(text, o, cluster);
  const cp = o.roles.includes('control-plane');
  const etcd = o.roles.includes('etcd');
  const limitEtcd = ['etcd', 'kube_control_plane'];
  const phases: Phase[] = [
    configPhase(
      o.declared ? `Add ${o.name} as the config declares it` : o.resume ? `Resume adding ${o.name}` : `Add ${o.name} to the config (pending)`,
      o.declared
        ? `${o.name} (${o.address}, ${o.roles.join('+')}) is in spec.hosts and was never applied`
        : o.resume
          ? `${o.name} is already in the config as pending`
          : `append ${o.name} (${o.address}, ${o.roles.join('+')}) to spec.hosts with pending: true`,
      () => next,
      `adding ${o.name}`,
    ),
    // on the config with the new host in it
    kubesprayChecksPhase(),
    preflightPhase({ ignore: o.ignorePreflight ?? [], hosts: () => [o.name] }),
    renderPhase(),
  ];
  if (etcd) {
    phases.push(
      factsPhase(),
      playbookPhase('Join etcd (cluster.yml --limit etcd,kube_control_plane)', () => ({ playbook: 'cluster.yml', limit: limitEtcd, extraVars: { ignore_assert_errors: true, etcd_retries: 10 } })),
      playbookPhase('Reconfigure control planes (upgrade-cluster.yml --limit etcd,kube_control_plane)', () => ({ playbook: 'upgrade-cluster.yml', limit: limitEtcd, extraVars: { ignore_assert_errors: true, etcd_retries: 10 } })),
    );
  } else if (cp) {
    phases.push(playbookPhase('Run cluster.yml (new control plane appended last)', () => ({ playbook: 'cluster.yml' })), {
      title: 'Restart nginx-proxy on the nodes',
      when: (fc) => fc.ws.cluster.config.spec.apiServer.loadBalancer.type === 'local',
      plan: () => ['on every non-control-plane node: crictl ps --name nginx-proxy -q | xargs crictl stop'],
      run: restartNginxProxies,
    });
  } else {
    phases.push(
      // kubespray v2.27+ refuses --limit without a fact cache for the other hosts; older releases need it too (docs)
      factsPhase(),
      playbookPhase(`Run scale.yml --limit ${o.name}`, () => ({ playbook: 'scale.yml', limit: [o.name] })),
    );
  }
  phases.push(
    configPhase(`Mark ${o.name} as added`, `remove pending: true from ${o.name} in the config`, (fc) => (fc.ws.cluster.hosts.find((h) => h.name === o.name)?.pending ? setHostField(fc.ws.loaded.text, o.name, 'pending', undefined) : fc.ws.loaded.text), `finishing ${o.name}`),
    renderPhase(),
  );
  if (o.wait) phases.push(waitReadyPhase(() => [o.name], o.wait));
  return phases;
}
