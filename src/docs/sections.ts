// PURE: the smaller sections of the document: cluster design, nodes, security, capacity, backup, upgrade train.
import { clusterCapacity, schedulable } from '../config/capacity.js';
import { etcdMemberName, type Cluster } from '../config/model.js';
import { canDeploy, formatKube, releases, parseKubeVersion, type KubeVersion } from '../config/releases.js';
import { compareVersions } from '../kubespray/defaults-vars.js';
import type { BackupMeta } from '../etcd/store.js';
import { etcdHosts, failureDomainOf } from './ha.js';
import type { DocModel } from './schema.js';

export function clusterSection(c: Cluster, releaseFacts: DocModel['cluster']['releaseFacts']): DocModel['cluster'] {
  const spec = c.config.spec;
  const net = spec.network;
  const cal = net.calico;
  const lb = spec.apiServer.loadBalancer;
  return {
    name: c.name,
    kubernetes: spec.kubernetes.version,
    kubespray: spec.kubespray.version,
    releaseFacts,
    containerRuntime: spec.containerRuntime.type,
    cni: net.plugin === 'calico' ? { plugin: 'calico', mode: cal.encapsulation === 'none' ? 'no encapsulation (BGP routing)' : `${cal.encapsulation.toUpperCase()} ${cal.encapsulationMode}`, dataplane: cal.dataplane } : { plugin: net.plugin },
    kubeProxy: { mode: spec.kubeProxy.mode, strictArp: spec.kubeProxy.strictArp },
    apiServerLoadBalancing: lb.type === 'local' ? `local ${lb.proxy} on every node without a control plane, proxying 127.0.0.1:${spec.apiServer.port} to every API server` : `external load balancer ${lb.address}:${lb.port}${lb.domainName ? ` (${lb.domainName})` : ''}`,
    dnsDomain: spec.dns.domain ?? c.name,
    nodes: { total: c.hosts.length, controlPlanes: c.controlPlanes.length, etcd: etcdHosts(c).length, workers: c.workers.length },
  };
}

export function nodesSection(c: Cluster): DocModel['nodes'] {
  return c.hosts.map((h) => ({
    name: h.name,
    roles: [...h.raw.roles],
    address: h.address,
    ip: h.ip,
    accessIp: h.accessIp,
    failureDomain: failureDomainOf(h),
    failureDomainFromConfig: h.raw.failureDomain !== undefined,
    ...(h.etcd ? { etcdMemberName: etcdMemberName(c, h) } : {}),
    schedulable: schedulable(h),
    labels: h.raw.labels ?? {},
    // kubespray taints control planes that are not also workers
    taints: [...(h.controlPlane && !h.worker ? ['node-role.kubernetes.io/control-plane:NoSchedule'] : []), ...(h.raw.taints ?? [])],
    pending: h.pending,
  }));
}

export function securitySection(c: Cluster): DocModel['security'] {
  const s = c.config.spec.security;
  return [
    { topic: 'Authentication', state: 'x509 client certificates (admin kubeconfig, kubelets), service account tokens (projected, bound); no OIDC configured', kubesprayVars: ['kube_oidc_auth'] },
    { topic: 'Authorization', state: 'Node and RBAC authorizers (kubespray default authorization_modes)', kubesprayVars: ['authorization_modes'] },
    { topic: 'API server transport', state: `TLS only on port ${c.config.spec.apiServer.port}; etcd peers and clients use TLS certificates kubespray issues`, kubesprayVars: ['kube_apiserver_port'] },
    { topic: 'Audit log', state: s.auditLog.enabled ? `on: ${s.auditLog.path}, ${s.auditLog.maxAgeDays} days, ${s.auditLog.maxBackups} files of ${s.auditLog.maxSizeMb} MB` : 'off', kubesprayVars: ['kubernetes_audit', 'audit_log_path', 'audit_log_maxage', 'audit_log_maxbackups', 'audit_log_maxsize'] },
    { topic: 'Secrets at rest', state: s.encryptSecrets.enabled ? `encrypted in etcd with ${s.encryptSecrets.provider}` : 'not encrypted in etcd (base64 only)', kubesprayVars: ['kube_encrypt_secret_data', 'kube_encryption_algorithm'] },
    { topic: 'Pod security', state: s.podSecurity.enabled ? `admission defaults: enforce ${s.podSecurity.enforce}, audit ${s.podSecurity.audit}, warn ${s.podSecurity.warn}; exempt ${s.podSecurity.exemptNamespaces.join(', ')}` : 'no cluster-wide default (privileged unless a namespace sets a level)', kubesprayVars: ['kube_pod_security_use_default', 'kube_pod_security_default_enforce'] },
    { topic: 'Certificates', state: `kubeadm: component certificates valid 1 year, CA 10 years; ${s.autoRenewCertificates.enabled ? `renewed by a systemd timer (${s.autoRenewCertificates.calendar})` : 'renewed on every upgrade; no renewal timer (auto_renew_certificates off)'}`, kubesprayVars: ['auto_renew_certificates', 'auto_renew_certificates_systemd_calendar'] },
  ];
}

export function capacitySection(c: Cluster): DocModel['capacity'] {
  const cap = clusterCapacity(c);
  if (!cap.ok) return undefined;
  const v = cap.value;
  const a = v.pods.allocation;
  return {
    plugin: v.pods.plugin,
    allocation: a.kind === 'calico-blocks' ? `Calico IPAM blocks of /${a.blockSize} (${a.addressesPerBlock} addresses), ${a.blocksPerNode} per node at ${v.pods.maxPodsPerNode} pods` : `one /${a.nodePrefix} per node (${a.addressesPerRange} pod addresses)`,
    maxPodsPerNode: v.pods.maxPodsPerNode,
    podsPerNode: v.pods.podsPerNode,
    schedulableNodes: v.schedulableNodes,
    schedulablePods: v.schedulablePods,
    podsLimitedBy: v.podsLimitedBy,
    podAddresses: v.pods.podAddresses,
    nodesAtMaxPods: v.pods.nodesAtMaxPods,
    ...(v.pods.nodesAtOneBlock !== undefined ? { nodesAtOneBlock: v.pods.nodesAtOneBlock } : {}),
    ...(a.kind === 'calico-blocks' ? { blocksPerNode: a.blocksPerNode } : {}),
    nodeCount: v.nodes,
    ...(v.serviceIps !== undefined ? { serviceIps: v.serviceIps } : {}),
    metallbAddresses: v.metallb.map((p) => ({ pool: p.name, addresses: p.addresses })),
  };
}

export function backupSection(c: Cluster, dir: string, last?: { file: string; meta: BackupMeta }): DocModel['backup'] {
  const b = c.config.spec.etcd.backup;
  return {
    dir,
    keep: b.keep,
    ...(b.maxAgeDays !== undefined ? { maxAgeDays: b.maxAgeDays } : {}),
    encrypted: Boolean(b.ageRecipients?.length),
    schedule: 'not part of the config: `kspray etcd-backup schedule --daily` installs a systemd timer on the operator machine',
    ...(last ? { lastVerified: { file: last.file, time: last.meta.time, member: last.meta.member, size: last.meta.size, degraded: last.meta.degraded } } : {}),
  };
}

/** kubespray one minor release at a time (its newest patch), each taking Kubernetes at most one minor further. */
export function upgradeSection(c: Cluster): DocModel['upgrade'] {
  const spec = c.config.spec;
  const current = `kubespray ${spec.kubespray.version}, Kubernetes ${spec.kubernetes.version}`;
  const parsed = parseKubeVersion(spec.kubernetes.version);
  if (!parsed) return { current, steps: [], note: 'the Kubernetes version is not x.y.z: no train computed' };
  const minorOf = (tag: string) => tag.split('.').slice(0, 2).join('.');
  const newest = new Map<string, string>();
  for (const r of releases) if (compareVersions(r.tag, spec.kubespray.version) > 0) newest.set(minorOf(r.tag), r.tag);
  const steps: DocModel['upgrade']['steps'] = [];
  let kube: KubeVersion = parsed;
  for (const tag of newest.values()) {
    const r = releases.find((x) => x.tag === tag)!;
    const nextMinor = `${kube.major}.${kube.minor + 1}`;
    const target: KubeVersion | undefined = r.kube[nextMinor] !== undefined ? { ...kube, minor: kube.minor + 1, patch: r.kube[nextMinor]! } : r.kube[`${kube.major}.${kube.minor}`] !== undefined ? { ...kube, patch: r.kube[`${kube.major}.${kube.minor}`]! } : undefined;
    if (!target || !canDeploy(r, target)) break;
    kube = target;
    steps.push({ kubespray: tag, kubernetes: formatKube(target, true) });
  }
  return { current, steps, note: steps.length ? "from kspray's release table: one kubespray minor release at a time (its newest patch), Kubernetes one minor per step; `kspray upgrade --to` checks each step" : 'no newer kubespray release in kspray\'s release table' };
}
