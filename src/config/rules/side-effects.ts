// Warnings: settings kubespray silently ignores, and settings with effects the user may not expect.
import { modelledVarFiles } from '../../inventory/group-vars.js';
import { isTemplate, overriddenField } from '../effective.js';
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

  function extraVarCollisions({ cluster, problems }) {
    const extra = cluster.config.spec.extraVars;
    if (!Object.keys(extra).length) return;
    const modelled = new Map<string, string>();
    for (const f of modelledVarFiles(cluster)) for (const k of Object.keys(f.vars)) modelled.set(k, f.path);
    for (const k of Object.keys(extra)) {
      const field = overriddenField(k);
      // a template is only resolved by Ansible during the run: kspray cannot check what it stands for
      if (field && isTemplate(extra[k])) {
        problems.error('extra-vars/templated-override', `spec.extraVars.${k}`, `${k} overrides ${field} with a template, which cannot be checked before the run (kubespray fails mid-run when it does not resolve to a valid value)`, `write the value itself, or set ${field}`);
        continue;
      }
      const file = modelled.get(k);
      if (file)
        problems.warn('extra-vars/collision', `spec.extraVars.${k}`, `overrides ${k}, which kspray renders from a modelled setting (${file})`, 'set the modelled field instead, or keep this override on purpose');
    }
  },
];
