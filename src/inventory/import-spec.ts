// PURE: kubespray variable values → the spec fields kspray models. Best effort by design: a value that does not fit
// a field leaves it unset, and import-map.ts proves every field by rendering it back (what does not come back equal
// is carried verbatim instead).
import type { Vars } from './import-groups.js';

type Obj = Record<string, unknown>;

export const isTemplated = (v: unknown): boolean => typeof v === 'string' && (v.includes('{{') || v.includes('{%'));
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' && !isTemplated(v) && !v.startsWith('$ANSIBLE_VAULT;') ? v : undefined);
const int = (v: unknown): number | undefined => (typeof v === 'number' && Number.isInteger(v) ? v : undefined);
const bool = (v: unknown): boolean | undefined => (typeof v === 'boolean' ? v : undefined);
const oneOf = <T extends string>(v: unknown, allowed: readonly T[]): T | undefined => (allowed.includes(v as T) ? (v as T) : undefined);
const strList = (v: unknown): string[] | undefined => (Array.isArray(v) && v.every((x) => str(x) !== undefined) ? (v as string[]) : undefined);
const strMap = (v: unknown): Record<string, string> | undefined =>
  v && typeof v === 'object' && !Array.isArray(v) && Object.values(v).every((x) => str(x) !== undefined) ? (v as Record<string, string>) : undefined;

/** Objects without their undefined members (and empty objects), so the schema's defaults apply there. */
export function clean(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(clean);
  if (!v || typeof v !== 'object') return v;
  const out: Obj = {};
  for (const [k, x] of Object.entries(v)) {
    const c = clean(x);
    if (c === undefined || (c && typeof c === 'object' && !Array.isArray(c) && !Object.keys(c).length)) continue;
    out[k] = c;
  }
  return out;
}

/** Where kspray renders each group-level variable it models (every other one goes to k8s_cluster; host ones to hosts.yaml). */
const ALL_SCOPE = new Set([
  'ansible_user',
  'ansible_ssh_common_args',
  'loadbalancer_apiserver_localhost',
  'loadbalancer_apiserver',
  'loadbalancer_apiserver_type',
  'loadbalancer_apiserver_port',
  'apiserver_loadbalancer_domain_name',
  'upstream_dns_servers',
  'containerd_storage_dir',
  'containerd_max_container_log_line_size',
  'containerd_grpc_max_recv_message_size',
  'containerd_grpc_max_send_message_size',
  'etcd_data_dir',
  'etcd_deployment_type',
]);
const ETCD_SCOPE = new Set(['etcd_memory_limit', 'etcd_quota_backend_bytes']);
export type Scope = 'all' | 'etcd' | 'k8s_cluster';
export const scopeOf = (name: string, etcdFile: boolean): Scope => (ALL_SCOPE.has(name) ? 'all' : ETCD_SCOPE.has(name) ? (etcdFile ? 'etcd' : 'all') : 'k8s_cluster');

function loadBalancer(g: (n: string) => unknown): Obj {
  const lb = g('loadbalancer_apiserver') as Obj | undefined;
  if (lb && typeof lb === 'object' && str(lb.address))
    return { type: 'external', address: lb.address, port: int(lb.port), domainName: str(g('apiserver_loadbalancer_domain_name')) };
  return { type: 'local', proxy: oneOf(g('loadbalancer_apiserver_type'), ['nginx', 'haproxy']) };
}

function calico(g: (n: string) => unknown): Obj {
  const modes = ['Always', 'CrossSubnet'] as const;
  const [ipip, vxlan] = [oneOf(g('calico_ipip_mode'), modes), oneOf(g('calico_vxlan_mode'), modes)];
  const encapsulation = ipip ? 'ipip' : vxlan ? 'vxlan' : 'none';
  const backend = oneOf(g('calico_network_backend'), ['bird', 'vxlan', 'none']);
  return {
    encapsulation,
    encapsulationMode: ipip ?? vxlan,
    dataplane: bool(g('calico_bpf_enabled')) ? 'ebpf' : 'iptables',
    blockSize: int(g('calico_pool_blocksize')),
    // only where it is not the one kspray derives from the encapsulation
    networkBackend: backend === (encapsulation === 'vxlan' ? 'vxlan' : 'bird') ? undefined : backend,
    poolName: str(g('calico_pool_name')),
  };
}

function metallbPools(v: unknown): Obj[] | undefined {
  const cfg = v as { address_pools?: Record<string, { ip_range?: unknown; auto_assign?: unknown }>; layer2?: unknown } | undefined;
  if (!cfg || typeof cfg !== 'object' || !cfg.address_pools) return undefined;
  const layer2 = strList(cfg.layer2) ?? [];
  return Object.entries(cfg.address_pools).map(([name, p]) => ({ name, addresses: strList(p.ip_range), autoAssign: bool(p.auto_assign), mode: layer2.includes(name) ? 'layer2' : 'layer3' }));
}

function security(g: (n: string) => unknown): Obj {
  const level = ['privileged', 'baseline', 'restricted'] as const;
  return {
    auditLog: { enabled: bool(g('kubernetes_audit')), path: str(g('audit_log_path')), maxAgeDays: int(g('audit_log_maxage')), maxBackups: int(g('audit_log_maxbackups')), maxSizeMb: int(g('audit_log_maxsize')) },
    encryptSecrets: { enabled: bool(g('kube_encrypt_secret_data')), provider: oneOf(g('kube_encryption_algorithm'), ['secretbox', 'aescbc', 'aesgcm', 'identity', 'kms']) },
    podSecurity: {
      enabled: bool(g('kube_pod_security_use_default')),
      enforce: oneOf(g('kube_pod_security_default_enforce'), level),
      audit: oneOf(g('kube_pod_security_default_audit'), level),
      warn: oneOf(g('kube_pod_security_default_warn'), level),
      exemptNamespaces: strList(g('kube_pod_security_exemptions_namespaces')),
    },
    autoRenewCertificates: { enabled: bool(g('auto_renew_certificates')), calendar: str(g('auto_renew_certificates_systemd_calendar')) },
  };
}

/** The cluster-wide spec sections, from each variable's value where kspray renders it (`g`). */
export function specSections(g: (n: string) => unknown, clusterName: string): Obj {
  const domain = str(g('dns_domain'));
  return {
    ssh: { user: str(g('ansible_user')) },
    containerRuntime: {
      type: oneOf(g('container_manager'), ['containerd', 'crio', 'docker']),
      containerd: {
        storageDir: str(g('containerd_storage_dir')),
        maxContainerLogLineSize: int(g('containerd_max_container_log_line_size')),
        grpcMaxRecvMessageSize: int(g('containerd_grpc_max_recv_message_size')),
        grpcMaxSendMessageSize: int(g('containerd_grpc_max_send_message_size')),
      },
    },
    etcd: {
      deploymentType: oneOf(g('etcd_deployment_type'), ['host', 'docker', 'kubeadm']),
      dataDir: str(g('etcd_data_dir')),
      memoryLimit: typeof g('etcd_memory_limit') === 'string' && /^\d+[KMG]?$/.test(g('etcd_memory_limit') as string) ? g('etcd_memory_limit') : undefined,
      quotaBackendBytes: typeof g('etcd_quota_backend_bytes') === 'string' && /^\d+$/.test(g('etcd_quota_backend_bytes') as string) ? Number(g('etcd_quota_backend_bytes')) : undefined,
    },
    network: {
      plugin: oneOf(g('kube_network_plugin'), ['calico', 'cilium', 'flannel', 'kube-ovn', 'kube-router', 'macvlan', 'weave', 'cni', 'custom_cni', 'cloud', 'none']),
      podSubnet: str(g('kube_pods_subnet')),
      serviceSubnet: str(g('kube_service_addresses')),
      nodePrefix: int(g('kube_network_node_prefix')),
      maxPodsPerNode: int(g('kubelet_max_pods')),
      calico: calico(g),
    },
    kubeProxy: { mode: oneOf(g('kube_proxy_mode'), ['iptables', 'ipvs', 'nftables']), strictArp: bool(g('kube_proxy_strict_arp')) },
    dns: {
      mode: oneOf(g('dns_mode'), ['coredns', 'coredns_dual', 'manual', 'none']),
      domain: domain === clusterName ? undefined : domain,
      nodelocaldns: { enabled: bool(g('enable_nodelocaldns')), ip: str(g('nodelocaldns_ip')) },
      upstreamServers: strList(g('upstream_dns_servers')),
    },
    apiServer: { port: int(g('kube_apiserver_port')), loadBalancer: loadBalancer(g) },
    addons: {
      metallb: { enabled: bool(g('metallb_enabled')), namespace: str(g('metallb_namespace')), pools: metallbPools(g('metallb_config')) },
      certManager: { enabled: bool(g('cert_manager_enabled')), namespace: str(g('cert_manager_namespace')) },
      argocd: { enabled: bool(g('argocd_enabled')), namespace: str(g('argocd_namespace')), version: str(g('argocd_version')) },
    },
    security: security(g),
  };
}

/** One host's spec entry from what it sees (`eff`); `sshUser` is the cluster-wide user, not repeated per host. */
export function hostEntry(name: string, roles: string[], eff: Vars, o: { sshUser?: string; etcdMemberName?: string; groups: string[] }): Obj {
  const user = str(eff.ansible_user);
  const member = str(eff.etcd_member_name) ?? o.etcdMemberName;
  return {
    name,
    address: str(eff.ansible_host) ?? name,
    ip: str(eff.ip),
    accessIp: str(eff.access_ip),
    roles,
    labels: strMap(eff.node_labels),
    taints: strList(eff.node_taints),
    ssh: { user: user === o.sshUser ? undefined : user, port: int(eff.ansible_port), keyFile: str(eff.ansible_ssh_private_key_file) },
    etcdMemberName: member && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(member) ? member : undefined,
    groups: o.groups.length ? o.groups : undefined,
  };
}
