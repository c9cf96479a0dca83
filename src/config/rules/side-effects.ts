// Warnings: settings kubespray silently ignores, and settings with effects the user may not expect.
import { has, type Rule } from './context.js';

export const sideEffectRules: Rule[] = [
  function etcdMemoryLimit({ cluster, problems }) {
    const e = cluster.config.spec.etcd;
    if (e.memoryLimit !== undefined && e.deploymentType !== 'docker')
      problems.warn(
        'etcd/memory-limit-ignored',
        'spec.etcd.memoryLimit',
        `kubespray applies etcd_memory_limit only to docker-deployed etcd; with deploymentType ${e.deploymentType} it has no effect`,
        'limit memory with a systemd drop-in (MemoryMax=) on the etcd service, or remove the setting',
      );
    if (e.quotaBackendBytes !== undefined && e.quotaBackendBytes > 8 * 1024 ** 3)
      problems.warn('etcd/quota-large', 'spec.etcd.quotaBackendBytes', `${e.quotaBackendBytes} bytes exceeds the 8 GiB etcd recommends`, 'keep the quota at or below 8589934592');
    if (e.quotaBackendBytes === undefined && cluster.release && cluster.release.etcdGroupVarsFile)
      problems.warn('etcd/quota-unset', 'spec.etcd.quotaBackendBytes', `kubespray ${cluster.release.tag} writes no quota, so etcd uses its 2 GiB default silently`, 'set quotaBackendBytes (e.g. 2147483648) to make the limit explicit');
  },

  function strictArp({ cluster, problems }) {
    const p = cluster.config.spec.kubeProxy;
    if (p.strictArp && p.mode !== 'ipvs')
      problems.warn(
        'kube-proxy/strict-arp-iptables',
        'spec.kubeProxy.strictArp',
        `strictARP is an ipvs setting; with kube-proxy mode ${p.mode} kube-proxy ignores it (MetalLB layer 2 works without it in this mode)`,
        'keep it if you plan to switch to ipvs; otherwise it can be removed',
      );
  },

  function dnsDomain({ cluster, problems, input }) {
    const { spec } = cluster.config;
    if (spec.dns.domain === undefined && cluster.name !== 'cluster.local')
      problems.warn(
        'dns/domain-from-name',
        'spec.dns.domain',
        `unset, so kubespray derives the DNS domain from the cluster name: services resolve as *.svc.${cluster.name}, not *.svc.cluster.local`,
        `set spec.dns.domain: ${cluster.name} to keep that, or cluster.local for the usual domain`,
      );
    void input;
  },

  function calicoNodePrefix({ cluster, problems, input }) {
    const net = cluster.config.spec.network;
    if (net.plugin === 'calico' && has(input, ['spec', 'network', 'nodePrefix']))
      problems.warn(
        'calico/node-prefix',
        'spec.network.nodePrefix',
        `Calico IPAM does not use the /${net.nodePrefix} node range: it assigns /${net.calico.blockSize} blocks (${2 ** (32 - net.calico.blockSize)} addresses) and borrows more, and pods per node are capped by maxPodsPerNode (${net.maxPodsPerNode}), not ${2 ** (32 - net.nodePrefix) - 2}`,
        'size pods per node with spec.network.maxPodsPerNode; nodePrefix only sizes the node CIDRs kube-controller-manager records',
      );
  },

  function pendingHosts({ cluster, problems }) {
    for (const h of cluster.hosts)
      if (h.pending)
        problems.warn('hosts/pending', `spec.hosts[${h.index}].pending`, `${h.name} was added but its playbook run did not finish`, `re-run \`kspray add-node ${h.name}\` (it resumes the add) or run \`kspray remove-node ${h.name}\``);
  },
];
