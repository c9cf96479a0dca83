// PURE: hosts.yaml in the layout every kubespray release v2.24–v2.31 accepts.
import type { Cluster, NodeHost } from '../config/model.js';
import { etcdMemberName } from '../config/model.js';

type Obj = Record<string, unknown>;

function hostVars(c: Cluster, h: NodeHost): Obj {
  const { spec } = c.config;
  const o: Obj = { ansible_host: h.address, ip: h.ip, access_ip: h.accessIp };
  if (h.raw.ssh?.user) o.ansible_user = h.raw.ssh.user;
  if (h.raw.ssh?.port) o.ansible_port = h.raw.ssh.port;
  if (h.raw.ssh?.keyFile) o.ansible_ssh_private_key_file = h.raw.ssh.keyFile;
  // explicit, so removing an earlier member never renames the others
  if (h.etcd) o.etcd_member_name = etcdMemberName(c, h);
  if (h.raw.labels && Object.keys(h.raw.labels).length) o.node_labels = h.raw.labels;
  if (h.raw.taints?.length) o.node_taints = h.raw.taints;
  if (h.pending) o.kspray_pending = true;
  void spec;
  // verbatim per-host variables win, as a host variable in the inventory would
  return { ...o, ...h.raw.vars };
}

const group = (hosts: NodeHost[]) => ({ hosts: Object.fromEntries(hosts.map((h) => [h.name, {}])) });

export function hostsDocument(c: Cluster): Obj {
  const { spec } = c.config;
  const allHosts: Obj = Object.fromEntries(c.hosts.map((h) => [h.name, hostVars(c, h)]));
  const children: Obj = {
    kube_control_plane: group(c.controlPlanes),
    etcd: group(c.etcdMembers),
    kube_node: group(c.workers),
    calico_rr: { hosts: {} },
    // declared for every release: from v2.27 kubespray builds it at run time in a play that --limit also limits, so
    // undeclared it would hold only the limited hosts, the others losing group_vars/k8s_cluster/*; and v2.27–v2.28's
    // facts.yml targets it before anything builds it
    k8s_cluster: { children: { kube_control_plane: {}, kube_node: {}, calico_rr: {} } },
  };
  // further groups (hosts[].groups), in the order they first appear
  for (const h of c.hosts)
    for (const g of h.raw.groups ?? []) {
      const body = (children[g] ??= { hosts: {} }) as { hosts: Obj };
      body.hosts[h.name] = {};
    }
  const b = spec.ssh.bastion;
  if (b) {
    allHosts.bastion = { ansible_host: b.address, ansible_port: b.port, ...(b.user ?? spec.ssh.user ? { ansible_user: b.user ?? spec.ssh.user } : {}) };
    children.bastion = { hosts: { bastion: {} } };
  }
  return { all: { hosts: allHosts, children } };
}
