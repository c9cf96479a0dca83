// PURE: the kubespray variables a cluster config stands for, placed in the group_vars file the release's sample uses.
import type { Cluster } from '../config/model.js';
import { formatKube } from '../config/releases.js';
import { proxyCommand } from '../ssh/options.js';

export type Vars = Record<string, unknown>;
export interface VarsFile {
  /** path relative to the inventory dir */
  path: string;
  vars: Vars;
}

const clean = (v: Vars): Vars => Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined));

function apiServerVars(c: Cluster): Vars {
  const lb = c.config.spec.apiServer.loadBalancer;
  if (lb.type === 'external')
    return clean({
      loadbalancer_apiserver_localhost: false,
      loadbalancer_apiserver: { address: lb.address, port: lb.port },
      apiserver_loadbalancer_domain_name: lb.domainName,
    });
  return { loadbalancer_apiserver_localhost: true, loadbalancer_apiserver_type: lb.proxy, loadbalancer_apiserver_port: c.config.spec.apiServer.port };
}

/**
 * With a jump host, kubespray's own ansible_ssh_common_args would disable host-key checking for it
 * (StrictHostKeyChecking=no in kubespray-defaults); kspray's ProxyCommand verifies the jump host too.
 * kspray sets KSPRAY_KNOWN_HOSTS and KSPRAY_SSH_KEY for its runs; standalone runs fall back to the inventory's state dir.
 */
function bastionVars(c: Cluster): Vars {
  const b = c.config.spec.ssh.bastion;
  if (!b) return {};
  const user = b.user ?? c.config.spec.ssh.user;
  const proxy = proxyCommand(
    { address: b.address, port: b.port, ...(user ? { user } : {}) },
    {
      knownHostsFile: "{{ lookup('env', 'KSPRAY_KNOWN_HOSTS') | default(inventory_dir + '/../known_hosts', true) }}",
      identity: "{{ ('-i ' + lookup('env', 'KSPRAY_SSH_KEY')) if lookup('env', 'KSPRAY_SSH_KEY') else '' }}",
    },
  );
  return { ansible_ssh_common_args: `-o ProxyCommand="${proxy}"` };
}

function etcdVars(c: Cluster): { all: Vars; members: Vars } {
  const e = c.config.spec.etcd;
  return {
    all: { etcd_data_dir: e.dataDir, etcd_deployment_type: e.deploymentType },
    members: clean({
      etcd_memory_limit: e.memoryLimit,
      etcd_quota_backend_bytes: e.quotaBackendBytes === undefined ? undefined : String(e.quotaBackendBytes),
    }),
  };
}

function clusterVars(c: Cluster): Vars {
  const { spec } = c.config;
  const sec = spec.security;
  const r = c.release;
  const vPrefix = r ? r.vPrefix : true;
  // pod-security-admission wants "v1.29" whatever the release's kube_version format
  const psVersion = c.kube ? `v${c.kube.major}.${c.kube.minor}` : undefined;
  return clean({
    kube_version: c.kube ? formatKube(c.kube, vPrefix) : spec.kubernetes.version,
    kube_network_plugin: spec.network.plugin,
    kube_service_addresses: spec.network.serviceSubnet,
    kube_pods_subnet: spec.network.podSubnet,
    kube_network_node_prefix: spec.network.nodePrefix,
    kubelet_max_pods: spec.network.maxPodsPerNode,
    kube_apiserver_port: spec.apiServer.port,
    kube_proxy_mode: spec.kubeProxy.mode,
    kube_proxy_strict_arp: spec.kubeProxy.strictArp,
    cluster_name: c.name,
    // rendered explicitly: kubespray would otherwise derive it from cluster_name
    dns_domain: spec.dns.domain ?? c.name,
    dns_mode: spec.dns.mode,
    enable_nodelocaldns: spec.dns.nodelocaldns.enabled,
    nodelocaldns_ip: spec.dns.nodelocaldns.ip,
    container_manager: spec.containerRuntime.type,
    kubernetes_audit: sec.auditLog.enabled,
    ...(sec.auditLog.enabled
      ? {
          audit_log_path: sec.auditLog.path,
          audit_log_maxage: sec.auditLog.maxAgeDays,
          audit_log_maxbackups: sec.auditLog.maxBackups,
          audit_log_maxsize: sec.auditLog.maxSizeMb,
        }
      : {}),
    kube_encrypt_secret_data: sec.encryptSecrets.enabled,
    ...(sec.encryptSecrets.enabled ? { kube_encryption_algorithm: sec.encryptSecrets.provider } : {}),
    kube_pod_security_use_default: sec.podSecurity.enabled,
    ...(sec.podSecurity.enabled
      ? {
          kube_pod_security_default_enforce: sec.podSecurity.enforce,
          kube_pod_security_default_enforce_version: psVersion,
          kube_pod_security_default_audit: sec.podSecurity.audit,
          kube_pod_security_default_audit_version: psVersion,
          kube_pod_security_default_warn: sec.podSecurity.warn,
          kube_pod_security_default_warn_version: psVersion,
          kube_pod_security_exemptions_namespaces: sec.podSecurity.exemptNamespaces,
        }
      : {}),
    auto_renew_certificates: sec.autoRenewCertificates.enabled,
    ...(sec.autoRenewCertificates.enabled ? { auto_renew_certificates_systemd_calendar: sec.autoRenewCertificates.calendar } : {}),
  });
}

function calicoVars(c: Cluster): Vars {
  const k = c.config.spec.network.calico;
  const backend = k.networkBackend ?? (k.encapsulation === 'vxlan' ? 'vxlan' : 'bird');
  return clean({
    calico_network_backend: backend,
    calico_ipip_mode: k.encapsulation === 'ipip' ? k.encapsulationMode : 'Never',
    calico_vxlan_mode: k.encapsulation === 'vxlan' ? k.encapsulationMode : 'Never',
    calico_pool_blocksize: k.blockSize,
    calico_bpf_enabled: k.dataplane === 'ebpf',
    calico_pool_name: k.poolName,
  });
}

function addonVars(c: Cluster): Vars {
  const a = c.config.spec.addons;
  const mlb = a.metallb;
  const layer2 = mlb.pools.filter((p) => p.mode === 'layer2').map((p) => p.name);
  return clean({
    metallb_enabled: mlb.enabled,
    metallb_speaker_enabled: mlb.enabled,
    // only the sample defines it for v2.25–v2.29, so it is always rendered
    metallb_namespace: mlb.namespace,
    ...(mlb.enabled && mlb.pools.length
      ? {
          metallb_config: {
            address_pools: Object.fromEntries(mlb.pools.map((p) => [p.name, { ip_range: p.addresses, auto_assign: p.autoAssign }])),
            ...(layer2.length ? { layer2 } : {}),
          },
        }
      : {}),
    cert_manager_enabled: a.certManager.enabled,
    cert_manager_namespace: a.certManager.namespace,
    argocd_enabled: a.argocd.enabled,
    argocd_namespace: a.argocd.namespace,
    argocd_version: a.argocd.version,
  });
}

function containerdVars(c: Cluster): Vars {
  const d = c.config.spec.containerRuntime.containerd;
  return clean({
    containerd_storage_dir: d.storageDir,
    containerd_max_container_log_line_size: d.maxContainerLogLineSize,
    containerd_grpc_max_recv_message_size: d.grpcMaxRecvMessageSize,
    containerd_grpc_max_send_message_size: d.grpcMaxSendMessageSize,
  });
}

/** Every modelled variable, by file, for the configured release (extraVars not included). */
export function modelledVarFiles(c: Cluster): VarsFile[] {
  const etcd = etcdVars(c);
  const etcdFileExists = c.release ? c.release.etcdGroupVarsFile : true;
  const upstream = c.config.spec.dns.upstreamServers;
  const files: VarsFile[] = [
    {
      path: 'group_vars/all/all.yml',
      vars: { ...(c.config.spec.ssh.user ? { ansible_user: c.config.spec.ssh.user } : {}), ...bastionVars(c), ...apiServerVars(c), ...(upstream ? { upstream_dns_servers: upstream } : {}) },
    },
    { path: 'group_vars/all/containerd.yml', vars: containerdVars(c) },
    { path: 'group_vars/all/etcd.yml', vars: etcdFileExists ? etcd.all : { ...etcd.all, ...etcd.members } },
    ...(etcdFileExists ? [{ path: 'group_vars/etcd.yml', vars: etcd.members }] : []),
    { path: 'group_vars/k8s_cluster/k8s-cluster.yml', vars: clusterVars(c) },
    ...(c.config.spec.network.plugin === 'calico' ? [{ path: 'group_vars/k8s_cluster/k8s-net-calico.yml', vars: calicoVars(c) }] : []),
    { path: 'group_vars/k8s_cluster/addons.yml', vars: addonVars(c) },
  ];
  return files;
}

export const EXTRA_VARS_FILE = 'group_vars/all/zz-kspray-extra.yml';
/** spec.groupVars.<g>: in the group's directory, beside kspray's own files for it; Ansible reads a group's file and directory alike */
export const groupVarsFile = (group: string) => `group_vars/${group}/zz-kspray-group-vars.yml`;

/** Every variable the user states verbatim (extraVars, groupVars): a modelled variable of the same name is then not rendered. */
export function verbatimNames(c: Cluster): Set<string> {
  const names = new Set(Object.keys(c.config.spec.extraVars));
  for (const vars of Object.values(c.config.spec.groupVars ?? {})) for (const k of Object.keys(vars)) names.add(k);
  return names;
}

/** Modelled files with user extraVars and groupVars applied: a colliding modelled variable is dropped so the verbatim one wins everywhere. */
export function groupVarFiles(c: Cluster): VarsFile[] {
  const extra = c.config.spec.extraVars;
  const verbatim = verbatimNames(c);
  const out = modelledVarFiles(c).map((f) => ({
    path: f.path,
    vars: Object.fromEntries(Object.entries(f.vars).filter(([k]) => !verbatim.has(k))),
  }));
  if (Object.keys(extra).length) out.push({ path: EXTRA_VARS_FILE, vars: extra });
  for (const [g, vars] of Object.entries(c.config.spec.groupVars ?? {}).sort(([a], [b]) => a.localeCompare(b)))
    if (Object.keys(vars).length) out.push({ path: groupVarsFile(g), vars });
  return out;
}
