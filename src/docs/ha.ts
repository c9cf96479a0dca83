// PURE: the failure table, computed from the topology: etcd quorum, what each failure domain takes with it, and the
// answers for control-plane and worker losses.
import { clusterCapacity, schedulable } from '../config/capacity.js';
import type { Cluster, NodeHost } from '../config/model.js';
import type { DocModel, DocScenario } from './schema.js';

export const failureDomainOf = (h: NodeHost) => h.raw.failureDomain ?? h.name;

/** etcd's members: the etcd group, or the control planes where kubeadm runs etcd without one. */
export const etcdHosts = (c: Cluster) => (c.etcdMembers.length || c.config.spec.etcd.deploymentType !== 'kubeadm' ? c.etcdMembers : c.controlPlanes);

export const quorumOf = (members: number) => Math.floor(members / 2) + 1;

export function failureDomains(c: Cluster): { name: string; configured: boolean; nodes: NodeHost[] }[] {
  const m = new Map<string, NodeHost[]>();
  for (const h of c.hosts) {
    const list = m.get(failureDomainOf(h));
    if (list) list.push(h);
    else m.set(failureDomainOf(h), [h]);
  }
  return [...m].map(([name, nodes]) => ({ name, configured: nodes.some((n) => n.raw.failureDomain !== undefined), nodes })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function scenario(c: Cluster, name: string, lost: NodeHost[]): DocScenario {
  const gone = new Set(lost.map((h) => h.name));
  const etcd = etcdHosts(c);
  const etcdLeft = etcd.filter((h) => !gone.has(h.name)).length;
  const quorum = etcd.length === 0 || etcdLeft >= quorumOf(etcd.length);
  const cpLeft = c.controlPlanes.filter((h) => !gone.has(h.name)).length;
  const left = c.hosts.filter((h) => !gone.has(h.name));
  const cap = clusterCapacity({ ...c, hosts: left });
  const nodesLeft = left.filter(schedulable).length;
  const podsLeft = cap.ok ? cap.value.schedulablePods : 0;
  const external = c.config.spec.apiServer.loadBalancer.type === 'external';
  const apiReachable = quorum && cpLeft > 0;
  const verdict = !quorum
    ? `etcd quorum lost: ${etcdLeft} of ${etcd.length} members left, ${quorumOf(etcd.length)} needed. The API servers cannot read or write cluster state; running pods keep running, nothing is scheduled or healed until the members return (or \`kspray etcd-restore\`)`
    : cpLeft === 0
      ? 'no API server left: running pods keep running, nothing is scheduled or healed'
      : `keeps working: ${cpLeft} API server${cpLeft === 1 ? '' : 's'}${external ? ' behind the external load balancer (if it survives)' : ' behind the local proxy on every node'}, ${nodesLeft} schedulable node${nodesLeft === 1 ? '' : 's'} for ${podsLeft} pods`;
  return { scenario: name, nodesLost: lost.map((h) => h.name), etcdMembersLeft: etcdLeft, etcdQuorum: quorum, controlPlanesLeft: cpLeft, apiReachable, schedulableNodesLeft: nodesLeft, schedulablePodsLeft: apiReachable ? podsLeft : 0, verdict };
}

export function haSection(c: Cluster): DocModel['highAvailability'] {
  const etcd = etcdHosts(c);
  const spec = c.config.spec;
  const q = quorumOf(etcd.length);
  const scenarios: DocScenario[] = [];
  const domains = failureDomains(c);
  for (const d of domains) if (d.configured) scenarios.push(scenario(c, `failure domain ${d.name} down`, d.nodes));
  // the worst k control planes: etcd members first, as they cost quorum too
  const etcdNames = new Set(etcd.map((h) => h.name));
  const cps = [...c.controlPlanes].sort((a, b) => Number(etcdNames.has(b.name)) - Number(etcdNames.has(a.name)));
  for (let k = 1; k <= cps.length; k++) scenarios.push(scenario(c, `${k} of ${cps.length} control planes down`, cps.slice(0, k)));
  const separateEtcd = etcd.filter((h) => !h.controlPlane);
  for (let k = 1; k <= separateEtcd.length; k++) scenarios.push(scenario(c, `${k} of ${separateEtcd.length} dedicated etcd members down`, separateEtcd.slice(0, k)));
  const workers = c.hosts.filter(schedulable).filter((h) => !h.controlPlane);
  if (workers.length) scenarios.push(scenario(c, `1 of ${workers.length} workers down`, workers.slice(0, 1)));
  const lb = spec.apiServer.loadBalancer;
  const port = spec.apiServer.port;
  const apiServers = c.controlPlanes.map((h) => `${h.name} ${h.accessIp}:${port}`).join(', ');
  const apiServerPath =
    lb.type === 'local'
      ? [`kubelet, kube-proxy and pods on a node without a control plane → ${lb.proxy} on 127.0.0.1:${port} (every such node)`, `control planes → their own kube-apiserver`, `→ kube-apiserver: ${apiServers}`, `→ etcd: ${etcd.map((h) => h.name).join(', ')} (quorum ${q} of ${etcd.length})`]
      : [`every client → external load balancer ${lb.address}:${lb.port}`, `→ kube-apiserver: ${apiServers}`, `→ etcd: ${etcd.map((h) => h.name).join(', ')} (quorum ${q} of ${etcd.length})`];
  return {
    etcd: { members: etcd.length, quorum: etcd.length ? q : 0, toleratedFailures: etcd.length ? etcd.length - q : 0, deployment: spec.etcd.deploymentType },
    controlPlanes: c.controlPlanes.length,
    apiServerPath,
    scenarios,
  };
}
