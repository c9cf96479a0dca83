// kspray remove-node: remove-node.yml with node=NAME always set (≤ v2.27 it otherwise targets every host).
import { etcdMemberName, type Cluster } from '../config/model.js';
import { removeHost } from '../config/edit.js';
import { KsprayError } from '../errors.js';
import type { Workspace } from '../workspace.js';
import { checkConfigText, configPhase } from './config-update.js';
import { kubesprayChecksPhase } from './kubespray-checks.js';
import type { Phase } from './flow.js';
import { playbookPhase, renderPhase } from './steps.js';

export interface RemoveNodeOptions {
  name: string;
  unreachable: boolean;
  allowEvenEtcd?: boolean;
}

export const firstControlPlaneProcedure = (name: string) => [
  `${name} is the first control-plane/etcd host; kubespray cannot remove it directly (docs/operations/nodes.md "Replacing a first control plane node"):`,
  `  1. move ${name} out of the first position in spec.hosts (kspray renders groups in config order), then \`kspray render\``,
  '  2. run cluster.yml (or upgrade-cluster.yml) so the other control planes take over: `kspray deploy`',
  `  3. \`kspray remove-node ${name}\``,
  '  4. fix the server and CA data in kube-public/cluster-info: kubectl edit cm -n kube-public cluster-info',
  '  5. add the replacement with `kspray add-node NAME --role control-plane`, then run cluster.yml --limit kube_control_plane',
];

/** Checks that need only the config; returns the config text without the host (etcd names pinned). */
export function planRemoveNode(ws: Workspace, o: RemoveNodeOptions): string {
  const c = ws.cluster;
  const h = c.hosts.find((x) => x.name === o.name);
  if (!h) throw new KsprayError('BadArgument', `${o.name} is not a host of ${c.name}`, { hint: `hosts: ${c.hosts.map((x) => x.name).join(', ')}` });
  if (c.controlPlanes[0] === h || c.etcdMembers[0] === h)
    throw new KsprayError('BadArgument', `refusing to remove ${o.name}: it is the first ${c.controlPlanes[0] === h ? 'control plane' : 'etcd member'}`, { details: firstControlPlaneProcedure(o.name) });
  if (h.etcd) {
    const left = c.etcdMembers.length - 1;
    if (left === 0) throw new KsprayError('BadArgument', `refusing to remove ${o.name}: it is the last etcd member`);
    if (left % 2 === 0 && !o.allowEvenEtcd)
      throw new KsprayError('BadArgument', `removing ${o.name} leaves ${left} etcd members: quorum ${left / 2 + 1} of ${left}, tolerating ${left / 2 - 1} failure(s) — no better than ${left - 1}`, {
        hint: 'add a replacement member first, or pass --allow-even-etcd to accept the reduced fault tolerance for now',
      });
  }
  if (h.controlPlane && c.controlPlanes.length === 1) throw new KsprayError('BadArgument', `refusing to remove ${o.name}: it is the only control plane`);
  const next = withoutHost(ws.loaded.text, c, o.name);
  checkConfigText(next, `removing ${o.name}`);
  return next;
}

/** `text` (the config of `c`) without host `name`; when it was an etcd member the others' member names are pinned. */
export function withoutHost(text: string, c: Cluster, name: string): string {
  const h = c.hosts.find((x) => x.name === name);
  // pin etcd names so the remaining members keep theirs when positions shift
  const pin = h?.etcd ? Object.fromEntries(c.etcdMembers.filter((m) => m !== h).map((m) => [m.name, etcdMemberName(c, m)])) : {};
  return removeHost(text, name, pin);
}

export function removeNodePhases(ws: Workspace, o: RemoveNodeOptions): Phase[] {
  const next = planRemoveNode(ws, o);
  const wasEtcd = ws.cluster.hosts.find((x) => x.name === o.name)!.etcd;
  const extraVars: Record<string, unknown> = { node: o.name, skip_confirmation: true };
  if (o.unreachable) Object.assign(extraVars, { reset_nodes: false, allow_ungraceful_removal: true });
  return [
    kubesprayChecksPhase(),
    renderPhase(),
    playbookPhase(`Run remove-node.yml -e node=${o.name}`, () => ({ playbook: 'remove-node.yml', extraVars })),
    configPhase(`Drop ${o.name} from the config`, `remove ${o.name} from spec.hosts${wasEtcd ? ' and pin the remaining etcd member names' : ''}`, () => next, `removing ${o.name}`),
    renderPhase(),
    ...(wasEtcd ? [playbookPhase('Update etcd members on the control planes (cluster.yml)', () => ({ playbook: 'cluster.yml' }))] : []),
  ];
}
