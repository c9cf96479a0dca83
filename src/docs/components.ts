// PURE: what the configured kubespray release deploys, at which version (configured, or the release's default), on
// which ports, and the kubespray variables behind it.
import type { Cluster } from '../config/model.js';
import { releaseAddonVersions } from '../config/release-addons.js';
import type { DocComponent } from './schema.js';

export interface ReleaseVersions {
  /** where the release's versions were read */
  from: 'checkout' | 'release-table' | 'none';
  /** add-on versions by kubespray variable */
  addons: Record<string, string>;
}

/** The add-on versions from the checkout when it is the configured release's, else from what kspray ships for the release. */
export function releaseVersions(c: Cluster, checkoutAddons?: Record<string, string>): ReleaseVersions {
  if (checkoutAddons) return { from: 'checkout', addons: checkoutAddons };
  const tag = c.release?.tag;
  return tag ? { from: 'release-table', addons: { ...(releaseAddonVersions[tag] ?? {}) } } : { from: 'none', addons: {} };
}

type Port = DocComponent['ports'][number];
const tcp = (port: number, purpose: string): Port => ({ port, protocol: 'tcp', purpose });
const udp = (port: number, purpose: string): Port => ({ port, protocol: 'udp', purpose });

export function components(c: Cluster, rv: ReleaseVersions): DocComponent[] {
  const spec = c.config.spec;
  const kube = spec.kubernetes.version;
  const rel = c.release?.components;
  const relSource: DocComponent['versionSource'] = rv.from === 'checkout' ? 'checkout' : rel ? 'release-table' : 'unknown';
  const fromRelease = (v: string | undefined): Pick<DocComponent, 'version' | 'versionSource'> => (v ? { version: v, versionSource: relSource } : { versionSource: 'unknown' });
  const addon = (variable: string, configured?: string) =>
    configured ? { version: configured.replace(/^v/, ''), versionSource: 'config' as const } : rv.addons[variable] ? { version: rv.addons[variable], versionSource: relSource } : { versionSource: 'unknown' as const };
  const k = { version: kube.replace(/^v/, ''), versionSource: 'kubernetes' as const };
  const cps = 'control planes';
  const all = 'every node';
  const lb = spec.apiServer.loadBalancer;
  const out: DocComponent[] = [
    { name: 'kube-apiserver', ...k, runsOn: cps, ports: [tcp(spec.apiServer.port, 'HTTPS API')], kubesprayVars: ['kube_version', 'kube_apiserver_port'], settings: [`port ${spec.apiServer.port}`, 'authorization: Node, RBAC (kubespray default)'] },
    { name: 'kube-controller-manager', ...k, runsOn: `${cps} (leader election)`, ports: [tcp(10257, 'HTTPS metrics/health')], kubesprayVars: ['kube_version'], settings: [] },
    { name: 'kube-scheduler', ...k, runsOn: `${cps} (leader election)`, ports: [tcp(10259, 'HTTPS metrics/health')], kubesprayVars: ['kube_version'], settings: [] },
    {
      name: 'etcd',
      ...fromRelease(rel?.etcd),
      runsOn: spec.etcd.deploymentType === 'kubeadm' ? `${cps} (static pods)` : `etcd members (${spec.etcd.deploymentType === 'host' ? 'systemd service' : 'docker'})`,
      ports: [tcp(2379, 'clients (TLS)'), tcp(2380, 'peers (TLS)'), tcp(2381, 'metrics')],
      kubesprayVars: ['etcd_version', 'etcd_deployment_type', 'etcd_data_dir', ...(spec.etcd.quotaBackendBytes ? ['etcd_quota_backend_bytes'] : []), ...(spec.etcd.memoryLimit ? ['etcd_memory_limit'] : [])],
      settings: [`data dir ${spec.etcd.dataDir}`, ...(spec.etcd.quotaBackendBytes ? [`quota ${spec.etcd.quotaBackendBytes} bytes`] : [])],
    },
    { name: 'kubelet', ...k, runsOn: all, ports: [tcp(10250, 'kubelet API'), tcp(10248, 'health (localhost)')], kubesprayVars: ['kube_version', 'kubelet_max_pods'], settings: [`max pods ${spec.network.maxPodsPerNode}`] },
    { name: 'kube-proxy', ...k, runsOn: all, ports: [tcp(10249, 'metrics (localhost)'), tcp(10256, 'health')], kubesprayVars: ['kube_proxy_mode', 'kube_proxy_strict_arp'], settings: [`mode ${spec.kubeProxy.mode}`, `strict ARP ${spec.kubeProxy.strictArp ? 'on' : 'off'}`] },
  ];
  if (spec.containerRuntime.type === 'containerd')
    out.push({ name: 'containerd', ...fromRelease(rel?.containerd), runsOn: all, ports: [], kubesprayVars: ['container_manager', 'containerd_version', 'containerd_storage_dir'], settings: [`storage ${spec.containerRuntime.containerd.storageDir}`, 'socket /run/containerd/containerd.sock'] });
  else out.push({ name: spec.containerRuntime.type, versionSource: 'unknown', runsOn: all, ports: [], kubesprayVars: ['container_manager'], settings: [] });
  if (rv.addons.runc_version) out.push({ name: 'runc', ...addon('runc_version'), runsOn: all, ports: [], kubesprayVars: ['runc_version'], settings: [] });
  if (lb.type === 'local')
    out.push({
      name: `${lb.proxy} (API server proxy)`,
      ...addon(lb.proxy === 'nginx' ? 'nginx_image_tag' : 'haproxy_image_tag'),
      runsOn: 'every node without a control plane',
      ports: [tcp(spec.apiServer.port, `127.0.0.1:${spec.apiServer.port} → every kube-apiserver`)],
      kubesprayVars: ['loadbalancer_apiserver_localhost', 'loadbalancer_apiserver_type', 'loadbalancer_apiserver_port'],
      settings: [],
    });
  if (spec.network.plugin === 'calico') {
    const cal = spec.network.calico;
    const ports = [tcp(9099, 'felix health (localhost)')];
    const backend = cal.networkBackend ?? (cal.encapsulation === 'vxlan' ? 'vxlan' : 'bird');
    if (backend === 'bird') ports.unshift(tcp(179, 'BGP between nodes'));
    if (cal.encapsulation === 'vxlan') ports.unshift(udp(4789, 'VXLAN'));
    if (cal.encapsulation === 'ipip') ports.unshift({ port: 4, protocol: 'ip', purpose: 'IP-in-IP (IP protocol 4)' });
    out.push({ name: 'Calico', ...fromRelease(rel?.calico), runsOn: all, ports, kubesprayVars: ['calico_version', 'calico_ipip_mode', 'calico_vxlan_mode', 'calico_network_backend', 'calico_pool_blocksize', 'calico_bpf_enabled'], settings: [`${cal.encapsulation} ${cal.encapsulationMode}`, `dataplane ${cal.dataplane}`, `block /${cal.blockSize}`] });
  } else out.push({ name: spec.network.plugin, versionSource: 'unknown', runsOn: all, ports: [], kubesprayVars: ['kube_network_plugin'], settings: [] });
  if (spec.dns.mode === 'coredns' || spec.dns.mode === 'coredns_dual')
    out.push({ name: 'CoreDNS', ...addon('coredns_version'), runsOn: 'Deployment, scaled by dns-autoscaler (at least 2 replicas)', ports: [udp(53, 'DNS'), tcp(53, 'DNS'), tcp(9153, 'metrics')], kubesprayVars: ['dns_mode', 'coredns_version', 'dns_domain', 'upstream_dns_servers'], settings: [`domain ${spec.dns.domain ?? c.name}`] });
  if (spec.dns.nodelocaldns.enabled)
    out.push({ name: 'NodeLocal DNS', ...addon('nodelocaldns_version'), runsOn: `${all} (DaemonSet)`, ports: [udp(53, `DNS on ${spec.dns.nodelocaldns.ip}`), tcp(9253, 'metrics')], kubesprayVars: ['enable_nodelocaldns', 'nodelocaldns_ip', 'nodelocaldns_version'], settings: [`listens on ${spec.dns.nodelocaldns.ip}`] });
  const a = spec.addons;
  if (a.metallb.enabled)
    out.push({ name: 'MetalLB', ...addon('metallb_version'), runsOn: `controller Deployment + speaker on ${all}`, ports: [tcp(7472, 'metrics'), tcp(7946, 'memberlist'), udp(7946, 'memberlist')], kubesprayVars: ['metallb_enabled', 'metallb_namespace', 'metallb_config', 'metallb_version'], settings: [`namespace ${a.metallb.namespace}`, ...a.metallb.pools.map((p) => `pool ${p.name}: ${p.addresses.join(', ')} (${p.mode})`)] });
  if (a.certManager.enabled)
    out.push({ name: 'cert-manager', ...addon('cert_manager_version'), runsOn: 'Deployments (controller, cainjector, webhook)', ports: [tcp(10250, 'webhook (pod port)')], kubesprayVars: ['cert_manager_enabled', 'cert_manager_version'], settings: [`namespace ${a.certManager.namespace}`] });
  if (a.argocd.enabled)
    out.push({ name: 'Argo CD', ...addon('argocd_version', a.argocd.version), runsOn: 'Deployments (server, repo-server, application-controller, redis, dex)', ports: [tcp(8080, 'argocd-server (pod port)')], kubesprayVars: ['argocd_enabled', 'argocd_namespace', 'argocd_version'], settings: [`namespace ${a.argocd.namespace}`] });
  return out;
}
