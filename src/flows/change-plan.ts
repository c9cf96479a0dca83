// PURE: what it takes to bring the cluster from what was last applied to what kspray.yaml says now, as operations in
// the order they run. Computed from the two configs alone; never touches a host.
import type { Cluster, NodeHost } from '../config/model.js';
import { etcdMemberName, hostRoles } from '../config/model.js';
import { formatKube } from '../config/releases.js';
import { planTrain, type Hop } from '../config/train.js';
import { inventoryDiff, type VarChange } from '../inventory/var-diff.js';

export type Operation =
  | { kind: 'deploy'; reason: string }
  | { kind: 'backup'; reason: string }
  | { kind: 'add-node'; host: string; roles: string[]; reason: string }
  | { kind: 'reconfigure'; limit?: string[]; reason: string; changes: VarChange[] }
  | { kind: 'remove-node'; host: string; reason: string }
  | { kind: 'upgrade'; hops: Hop[]; reason: string };

export interface Refusal {
  path: string;
  message: string;
  fix: string;
}

export interface ChangePlan {
  operations: Operation[];
  refused: Refusal[];
  /** every variable that changes in the rendered inventory */
  changes: VarChange[];
}

const marked = (h: NodeHost) => h.raw.remove === true;

/** Settings a running cluster cannot change in place: [config path, read, what to do instead]. */
const fixed: [string, (c: Cluster) => unknown, string][] = [
  ['metadata.name', (c) => c.name, 'the cluster name is baked into certificates and the DNS domain: deploy a new cluster and move the workloads'],
  ['spec.network.podSubnet', (c) => c.config.spec.network.podSubnet, 'pods keep their addresses from the old range: deploy a new cluster, or migrate the CNI by hand'],
  ['spec.network.serviceSubnet', (c) => c.config.spec.network.serviceSubnet, 'service IPs and the API server certificate hold the old range: deploy a new cluster'],
  ['spec.network.plugin', (c) => c.config.spec.network.plugin, 'kubespray cannot swap the network plugin of a running cluster: deploy a new cluster'],
  ['spec.network.calico.blockSize', (c) => c.config.spec.network.calico?.blockSize, 'Calico IP pools cannot change their block size in place: keep the old value'],
  ['spec.network.calico.encapsulation', (c) => c.config.spec.network.calico?.encapsulation, 'Calico pools keep their encapsulation once created: keep the old value, or change the pool with calicoctl yourself'],
  ['spec.dns.domain', (c) => c.config.spec.dns.domain ?? c.name, 'the DNS domain is in every pod and certificate: deploy a new cluster'],
  ['spec.etcd.deploymentType', (c) => c.config.spec.etcd.deploymentType, 'etcd cannot move between host, docker and kubeadm deployment on a running cluster: restore a backup into a new cluster'],
];

/** `applied` is the config of the last successful run, undefined when kspray never deployed this cluster. */
export function planChanges(applied: Cluster | undefined, current: Cluster): ChangePlan {
  if (!applied) return { operations: [{ kind: 'deploy', reason: 'nothing has been applied to this cluster yet' }], refused: [], changes: [] };
  const refused: Refusal[] = [];
  for (const [path, read, fix] of fixed) {
    const [a, b] = [read(applied), read(current)];
    if (JSON.stringify(a) !== JSON.stringify(b)) refused.push({ path, message: `${path} changed from ${JSON.stringify(a)} to ${JSON.stringify(b)}: a running cluster cannot change it`, fix });
  }
  const before = new Map(applied.hosts.map((h) => [h.name, h]));
  const after = new Map(current.hosts.map((h) => [h.name, h]));
  const hostPath = (h: string) => `spec.hosts[${current.hosts.findIndex((x) => x.name === h)}]`;
  for (const [name, h] of before)
    if (!after.has(name))
      refused.push({
        path: 'spec.hosts',
        message: `${name} (${hostRoles(h).join(', ')}) was applied but is no longer in the file`,
        fix: `put it back with remove: true to remove it from the cluster (a host that disappears is never removed implicitly)`,
      });
  for (const [name, h] of after) {
    const was = before.get(name);
    if (!was) continue;
    if (hostRoles(was).join() !== hostRoles(h).join())
      refused.push({ path: `${hostPath(name)}.roles`, message: `${name} changes roles from ${hostRoles(was).join(', ')} to ${hostRoles(h).join(', ')}`, fix: 'remove the node (remove: true), apply, then add it back with its new roles' });
    if (was.etcd && h.etcd && etcdMemberName(applied, was) !== etcdMemberName(current, h))
      refused.push({ path: `${hostPath(name)}.etcdMemberName`, message: `${name}'s etcd member name changes from ${etcdMemberName(applied, was)} to ${etcdMemberName(current, h)}`, fix: `pin it: etcdMemberName: ${etcdMemberName(applied, was)}` });
  }
  const first = (c: Cluster) => c.controlPlanes[0]?.name;
  if (first(applied) !== first(current) && current.controlPlanes.some((h) => h.name === first(applied)))
    refused.push({ path: 'spec.hosts', message: `the first control plane moves from ${first(applied)} to ${first(current)}`, fix: `keep ${first(applied)} first among the control-plane hosts; replacing it is a manual procedure` });

  const added = current.hosts.filter((h) => !before.has(h.name) && !marked(h));
  const removed = current.hosts.filter((h) => before.has(h.name) && marked(h));
  for (const h of removed) {
    if (h.name === first(applied)) refused.push({ path: `${hostPath(h.name)}.remove`, message: `${h.name} is the first control plane, which kubespray cannot remove`, fix: 'move another control plane first in the list with a manual procedure, then remove it' });
    if (h.etcd) {
      const left = applied.etcdMembers.filter((m) => !removed.some((r) => r.name === m.name)).length + added.filter((a) => a.etcd).length;
      if (left < 3 || left % 2 === 0)
        refused.push({ path: `${hostPath(h.name)}.remove`, message: `removing ${h.name} leaves ${left} etcd member${left === 1 ? '' : 's'}, not an odd number of at least 3`, fix: 'add an etcd member in the same apply, or keep this one' });
    }
  }

  const operations: Operation[] = [];
  const kubeChanged = applied.config.spec.kubernetes.version !== current.config.spec.kubernetes.version || applied.config.spec.kubespray.version !== current.config.spec.kubespray.version;
  let upgrade: Operation | undefined;
  if (kubeChanged && applied.release && applied.kube && current.kube) {
    const t = planTrain(applied, { release: applied.release, kube: applied.kube }, { kube: current.kube, tag: current.config.spec.kubespray.version });
    if (!t.ok) refused.push({ path: 'spec.kubernetes.version', message: t.reason, fix: t.fix });
    else
      upgrade = {
        kind: 'upgrade',
        hops: t.hops,
        reason: `${applied.config.spec.kubespray.version}/${formatKube(applied.kube, true)} → ${current.config.spec.kubespray.version}/${formatKube(current.kube, true)} in ${t.hops.length} hop${t.hops.length === 1 ? '' : 's'}`,
      };
  }
  // the variable diff of the config as it would be without the version change: the upgrade renders its own
  const changes = inventoryDiff(applied, current);
  const byVersion = new Set(['kube_version']);
  // a host being added renders its own variables; one marked for removal (applied or not) is no reason to reconfigure
  const hostNames = new Set([...added, ...current.hosts.filter(marked)].map((h) => h.name));
  const rest = changes.filter((c) => !byVersion.has(c.variable) && !(c.host && hostNames.has(c.host)) && !(c.variable === 'kspray_pending'));
  const touchesEtcd = added.some((h) => h.etcd || h.controlPlane) || removed.some((h) => h.etcd || h.controlPlane) || !!upgrade;
  if (touchesEtcd) operations.push({ kind: 'backup', reason: 'etcd or the control plane changes: a verified snapshot first' });
  for (const h of added) operations.push({ kind: 'add-node', host: h.name, roles: hostRoles(h), reason: `${h.name} is in the file but was never applied` });
  if (rest.length) {
    const onlyHosts = rest.every((c) => c.host && c.file === 'hosts.yaml' && c.variable !== '(groups)');
    const limit = onlyHosts ? [...new Set(rest.map((c) => c.host!))] : undefined;
    operations.push({
      kind: 'reconfigure',
      ...(limit ? { limit } : {}),
      reason: `${rest.length} rendered variable${rest.length === 1 ? '' : 's'} changed${limit ? ` on ${limit.join(', ')} only` : ''}`,
      changes: rest,
    });
  }
  for (const h of removed) operations.push({ kind: 'remove-node', host: h.name, reason: `${h.name} is marked remove: true` });
  if (upgrade) operations.push(upgrade);
  return { operations: refused.length ? [] : operations, refused, changes };
}
