// Host identities and group membership, as kubespray's inventory layout and asserts require them.
import { addressKind, isIPv4, isIPv6 } from '../net.js';
import { hostPath, type Rule } from './context.js';

// kubespray's "Stop if bad hostname" regex (RFC 1123 subdomain)
const hostnameRe = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export const identityRules: Rule[] = [
  function hostNames({ cluster, problems }) {
    const seen = new Map<string, number>();
    for (const h of cluster.hosts) {
      if (!hostnameRe.test(h.name))
        problems.error(
          'hosts/bad-name',
          hostPath(h.index, 'name'),
          `"${h.name}" is not a valid node name (kubespray asserts lower-case letters, digits, "-" and "." only, starting and ending alphanumeric)`,
          `rename it, e.g. "${h.name.toLowerCase().replace(/[^a-z0-9.-]/g, '-').replace(/^[-.]+|[-.]+$/g, '') || 'node1'}"`,
        );
      if (h.name === 'bastion')
        problems.error('hosts/reserved-name', hostPath(h.index, 'name'), '"bastion" is reserved for the SSH jump host', 'configure a jump host under spec.ssh.bastion and rename this node');
      const first = seen.get(h.name);
      if (first !== undefined)
        problems.error('hosts/duplicate-name', hostPath(h.index, 'name'), `duplicate host name "${h.name}" (also spec.hosts[${first}])`, 'give every host a unique name');
      else seen.set(h.name, h.index);
    }
  },

  function hostAddresses({ cluster, problems }) {
    const byAddress = new Map<string, number>();
    const byIp = new Map<string, number>();
    for (const h of cluster.hosts) {
      const prev = byAddress.get(h.address);
      if (prev !== undefined)
        problems.error('hosts/duplicate-address', hostPath(h.index, 'address'), `address ${h.address} is also used by spec.hosts[${prev}]`, 'each host needs its own SSH address');
      else byAddress.set(h.address, h.index);
      const prevIp = byIp.get(h.ip);
      if (prevIp !== undefined && prevIp !== prev)
        problems.error('hosts/duplicate-ip', hostPath(h.index, h.raw.ip ? 'ip' : 'address'), `internal ip ${h.ip} is also used by spec.hosts[${prevIp}]`, 'each node needs its own internal ip');
      else byIp.set(h.ip, h.index);
      for (const key of ['ip', 'accessIp'] as const) {
        const v = h.raw[key];
        if (v !== undefined && !isIPv4(v))
          problems.error(
            'hosts/bad-ip',
            hostPath(h.index, key),
            isIPv6(v) ? `"${v}" is an IPv6 address; kspray builds IPv4 clusters, so the node ${key === 'ip' ? 'ip' : 'access ip'} must be IPv4` : `"${v}" is not an IPv4 address`,
            'write a plain address like 10.0.0.11 (no prefix)',
          );
      }
      const kind = addressKind(h.address);
      if (kind === 'bad' || kind === 'bad-ipv4')
        problems.error(
          'hosts/bad-address',
          hostPath(h.index, 'address'),
          kind === 'bad-ipv4' ? `"${h.address}" is not a valid IPv4 address` : `"${h.address}" is neither an IP address nor a host name (letters, digits, "-" and "." only)`,
          'write the IPv4 address (e.g. 192.168.10.21) or DNS name ssh reaches the host at',
        );
      else if (h.raw.ip === undefined && kind !== 'ipv4')
        problems.error(
          'hosts/ip-required',
          hostPath(h.index, 'ip'),
          kind === 'ipv6'
            ? `address "${h.address}" is IPv6, and kspray builds IPv4 clusters, so kubespray cannot use it as the node ip`
            : `address "${h.address}" is a name, not an IP address, so kubespray cannot use it as the node ip`,
          "set ip to the node's internal IPv4 address",
        );
      const dupRoles = h.raw.roles.filter((r, i) => h.raw.roles.indexOf(r) !== i);
      if (dupRoles.length) problems.error('hosts/duplicate-role', hostPath(h.index, 'roles'), `role "${dupRoles[0]}" is listed twice`, 'list each role once');
    }
  },

  function groups({ cluster, problems }) {
    const { spec } = cluster.config;
    if (cluster.hosts.length === 0) {
      problems.error('hosts/empty', 'spec.hosts', 'no hosts', 'list the cluster nodes under spec.hosts');
      return;
    }
    if (cluster.controlPlanes.length === 0)
      problems.error('hosts/no-control-plane', 'spec.hosts', 'no host has the control-plane role (kubespray asserts kube_control_plane is not empty)', 'add "control-plane" to the roles of at least one host');
    const kubeadmEtcd = spec.etcd.deploymentType === 'kubeadm';
    const n = cluster.etcdMembers.length;
    if (!kubeadmEtcd && n === 0)
      problems.error('etcd/empty', 'spec.hosts', 'no host has the etcd role (kubespray: "Group \'etcd\' cannot be empty in external etcd mode")', 'give the etcd role to 1, 3 or 5 hosts, usually the control planes');
    if (n > 0 && n % 2 === 0)
      problems.error(
        'etcd/even',
        'spec.hosts',
        `${n} etcd members need ${n / 2 + 1} for quorum and tolerate ${n / 2 - 1} failure(s), no more than ${n - 1} members would; kubespray refuses an even count`,
        `use ${n - 1} or ${n + 1} hosts with the etcd role`,
      );
    if (n === 1) problems.warn('etcd/single', 'spec.hosts', 'a single etcd member: losing that host loses the cluster state', 'use 3 etcd members for fault tolerance, and schedule kspray etcd-backup');
    if (cluster.release && !cluster.release.workersOptional && cluster.workers.length === 0)
      problems.error(
        'hosts/no-workers',
        'spec.hosts',
        `kubespray ${cluster.release.tag} asserts kube_node is not empty, and no host has the worker role`,
        'add "worker" to some hosts (a control plane may also be a worker), or use kubespray v2.26 or later',
      );
    const names = new Set<string>();
    for (const h of cluster.etcdMembers) {
      const name = h.raw.etcdMemberName;
      if (name && names.has(name)) problems.error('etcd/duplicate-member-name', hostPath(h.index, 'etcdMemberName'), `etcd member name "${name}" is used twice`, 'member names must be unique');
      if (name) names.add(name);
    }
    if (cluster.hosts.some((h) => h.user === undefined))
      problems.warn('ssh/no-user', 'spec.ssh.user', 'no SSH user: ssh falls back to your local user name', 'set spec.ssh.user to the account with sudo on the nodes');
  },
];
