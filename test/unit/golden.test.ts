// Golden inventories: the example configs rendered for releases on each side of kubespray's format changes.
// UPDATE_GOLDEN=1 npx vitest run --project unit test/unit/golden.test.ts rewrites test/fixtures/golden/.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderInventory, type RenderedFile } from '../../src/inventory/render.js';
import { exampleText, repoPath, validCluster, withRelease } from './helpers.js';

// a fixed digest keeps the goldens independent of comment edits in the examples
const meta = { source: 'kspray.yaml', digest: '0'.repeat(64) };
const update = process.env.UPDATE_GOLDEN === '1';
const goldenRoot = repoPath('test', 'fixtures', 'golden');

const cases: { name: string; text: () => string }[] = [
  { name: 'homelab-v2.25.0', text: () => exampleText('homelab') },
  // last release that keeps the `v` prefix, and the first that builds k8s_cluster at run time (kspray declares it anyway)
  { name: 'homelab-v2.27.1', text: () => withRelease(exampleText('homelab'), 'v2.27.1', 'v1.31.9') },
  // no `v`, no group_vars/etcd.yml: the etcd member vars move to group_vars/all/etcd.yml
  { name: 'homelab-v2.29.1', text: () => withRelease(exampleText('homelab'), 'v2.29.1', 'v1.33.7') },
  { name: 'starter-v2.25.0', text: () => exampleText('starter') },
];

function readTree(dir: string): RenderedFile[] {
  const out: RenderedFile[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push({ path: relative(dir, p), content: readFileSync(p, 'utf8') });
    }
  };
  walk(dir);
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

const render = (text: string) => renderInventory(validCluster(text), meta);

describe('golden inventories', () => {
  for (const c of cases)
    it(`renders ${c.name} exactly as test/fixtures/golden/${c.name}`, () => {
      const files = [...render(c.text())].sort((a, b) => a.path.localeCompare(b.path));
      const dir = join(goldenRoot, c.name);
      if (update) {
        rmSync(dir, { recursive: true, force: true });
        for (const f of files) {
          mkdirSync(dirname(join(dir, f.path)), { recursive: true });
          writeFileSync(join(dir, f.path), f.content);
        }
      }
      const golden = readTree(dir);
      expect(files.map((f) => f.path), 'file list (UPDATE_GOLDEN=1 to accept)').toEqual(golden.map((f) => f.path));
      for (const [i, f] of files.entries()) expect(f.content, `${c.name}/${f.path} (UPDATE_GOLDEN=1 to accept)`).toBe(golden[i]!.content);
    });

  it('renders byte-identical output twice for the same config', () => {
    for (const c of cases) expect(render(c.text())).toEqual(render(c.text()));
  });
});

describe('release format changes', () => {
  const files = (name: string) => Object.fromEntries(render(cases.find((c) => c.name === name)!.text()).map((f) => [f.path, parse(f.content) as Record<string, any>]));

  it('declares k8s_cluster for every release: kubespray v2.27+ would build it from the --limit hosts only', () => {
    for (const name of ['homelab-v2.25.0', 'homelab-v2.27.1', 'homelab-v2.29.1'])
      expect(files(name)['hosts.yaml']!.all.children.k8s_cluster, name).toEqual({ children: { kube_control_plane: {}, kube_node: {}, calico_rr: {} } });
  });

  it('keeps the v prefix up to v2.27 and drops it from v2.28', () => {
    expect(files('homelab-v2.27.1')['group_vars/k8s_cluster/k8s-cluster.yml']!.kube_version).toBe('v1.31.9');
    expect(files('homelab-v2.29.1')['group_vars/k8s_cluster/k8s-cluster.yml']!.kube_version).toBe('1.33.7');
  });

  it('moves the etcd member vars into group_vars/all/etcd.yml from v2.29', () => {
    const v29 = files('homelab-v2.29.1');
    expect(v29['group_vars/etcd.yml']).toBeUndefined();
    expect(v29['group_vars/all/etcd.yml']).toMatchObject({ etcd_memory_limit: '2048M', etcd_quota_backend_bytes: '2147483648', etcd_data_dir: '/var/lib/etcd' });
  });
});

describe('homelab v2.25.0 rendering carries every value of the architecture', () => {
  const f = Object.fromEntries(render(exampleText('homelab')).map((x) => [x.path, parse(x.content) as Record<string, any>]));
  const k8s = f['group_vars/k8s_cluster/k8s-cluster.yml']!;
  const hosts = f['hosts.yaml']!.all;

  it('names the cluster and pins Kubernetes v1.29.5', () => {
    expect(k8s).toMatchObject({ cluster_name: 'homelab-kubespray', kube_version: 'v1.29.5' });
  });

  it('has km01–km03 as control plane + etcd and kube01–kube03 as workers', () => {
    const ips = { km01: '234', km02: '235', km03: '236', kube01: '237', kube02: '238', kube03: '239' };
    for (const [name, last] of Object.entries(ips))
      expect(hosts.hosts[name]).toMatchObject({ ansible_host: `192.168.10.${last}`, ip: `192.168.10.${last}`, access_ip: `192.168.10.${last}` });
    expect(Object.keys(hosts.children.kube_control_plane.hosts)).toEqual(['km01', 'km02', 'km03']);
    expect(Object.keys(hosts.children.etcd.hosts)).toEqual(['km01', 'km02', 'km03']);
    expect(Object.keys(hosts.children.kube_node.hosts)).toEqual(['kube01', 'kube02', 'kube03']);
    expect(['km01', 'km02', 'km03'].map((h) => hosts.hosts[h].etcd_member_name)).toEqual(['etcd1', 'etcd2', 'etcd3']);
  });

  it('configures containerd storage, log line size and gRPC message size', () => {
    expect(f['group_vars/all/containerd.yml']).toEqual({
      containerd_storage_dir: '/var/lib/containerd',
      containerd_max_container_log_line_size: 16384,
      containerd_grpc_max_recv_message_size: 16777216,
    });
    expect(k8s.container_manager).toBe('containerd');
  });

  it('runs etcd on the hosts with its data dir, a 2 GiB quota and the 2048M limit', () => {
    expect(f['group_vars/all/etcd.yml']).toEqual({ etcd_data_dir: '/var/lib/etcd', etcd_deployment_type: 'host' });
    expect(f['group_vars/etcd.yml']).toEqual({ etcd_memory_limit: '2048M', etcd_quota_backend_bytes: '2147483648' });
  });

  it('uses Calico IPIP on the iptables dataplane with the default address plan', () => {
    expect(f['group_vars/k8s_cluster/k8s-net-calico.yml']).toMatchObject({ calico_ipip_mode: 'Always', calico_vxlan_mode: 'Never', calico_network_backend: 'bird', calico_bpf_enabled: false });
    expect(k8s).toMatchObject({ kube_network_plugin: 'calico', kube_pods_subnet: '10.233.64.0/18', kube_service_addresses: '10.233.0.0/18', kube_network_node_prefix: 24 });
  });

  it('runs kube-proxy in iptables mode with strict ARP', () => {
    expect(k8s).toMatchObject({ kube_proxy_mode: 'iptables', kube_proxy_strict_arp: true });
  });

  it('uses CoreDNS with nodelocaldns 169.254.25.10 and upstream 192.168.10.1', () => {
    expect(k8s).toMatchObject({ dns_mode: 'coredns', enable_nodelocaldns: true, nodelocaldns_ip: '169.254.25.10' });
    expect(f['group_vars/all/all.yml']!.upstream_dns_servers).toEqual(['192.168.10.1']);
  });

  it('proxies the API server through a local nginx on every node', () => {
    expect(f['group_vars/all/all.yml']).toMatchObject({ loadbalancer_apiserver_localhost: true, loadbalancer_apiserver_type: 'nginx', loadbalancer_apiserver_port: 6443 });
  });

  it('enables MetalLB layer 2 on 192.168.100.0/24, cert-manager and ArgoCD', () => {
    expect(f['group_vars/k8s_cluster/addons.yml']).toMatchObject({
      metallb_enabled: true,
      metallb_config: { address_pools: { default: { ip_range: ['192.168.100.0/24'], auto_assign: true } }, layer2: ['default'] },
      cert_manager_enabled: true,
      argocd_enabled: true,
    });
  });
});
