// A hand-made kubespray inventory for lab hosts (stand-in for `kspray render` until the renderer lands).
import fs from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import type { LabHost, LabInfo } from './info.js';

export interface InventoryOptions {
  /** host names to include; default: every non-spare host */
  hosts?: string[];
  /** extra group_vars/all values (e.g. { etcd_quota_backend_bytes: '4294967296' }) */
  vars?: Record<string, unknown>;
  kubeVersion?: string;
}

/** Writes <dir>/hosts.yaml, group_vars/{all,k8s_cluster}/*.yml and host_vars for sudo passwords. Returns hosts.yaml. */
export function writeInventory(info: LabInfo, dir: string, opts: InventoryOptions = {}): string {
  const hosts = opts.hosts ? opts.hosts.map((n) => mustFind(info, n)) : info.hosts.filter((h) => !h.spare);
  const etcd = hosts.filter((h) => h.roles.includes('etcd'));
  const group = (list: LabHost[]) => ({ hosts: Object.fromEntries(list.map((h) => [h.name, {}])) });
  const inventory = {
    all: {
      hosts: Object.fromEntries(
        hosts.map((h) => [
          h.name,
          {
            ansible_host: h.address,
            ip: h.address,
            access_ip: h.address,
            ...(h.roles.includes('etcd') ? { etcd_member_name: `etcd${etcd.indexOf(h) + 1}` } : {}),
          },
        ]),
      ),
      children: {
        kube_control_plane: group(hosts.filter((h) => h.roles.includes('control-plane'))),
        etcd: group(etcd),
        kube_node: group(hosts.filter((h) => h.roles.includes('worker'))),
        calico_rr: { hosts: {} },
        k8s_cluster: { children: { kube_control_plane: {}, kube_node: {}, calico_rr: {} } },
      },
    },
  };
  const write = (rel: string, data: unknown, mode = 0o644) => {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), stringify(data), { mode });
  };
  write('hosts.yaml', inventory);
  write('group_vars/all/all.yml', { bin_dir: '/usr/local/bin', ...opts.vars });
  write('group_vars/all/etcd.yml', { etcd_data_dir: '/var/lib/etcd', etcd_deployment_type: 'host' });
  write('group_vars/k8s_cluster/k8s-cluster.yml', {
    kube_version: opts.kubeVersion ?? info.kubernetesVersion,
    cluster_name: 'cluster.local',
    kube_network_plugin: 'calico',
    kube_service_addresses: '10.233.0.0/18',
    kube_pods_subnet: '10.233.64.0/18',
  });
  for (const h of hosts.filter((x) => x.sudoPassword !== undefined))
    write(`host_vars/${h.name}.yml`, { ansible_become_password: h.sudoPassword }, 0o600);
  return path.join(dir, 'hosts.yaml');
}

function mustFind(info: LabInfo, name: string): LabHost {
  const h = info.hosts.find((x) => x.name === name);
  if (!h) throw new Error(`lab has no host ${name}`);
  return h;
}
