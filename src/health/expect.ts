// What the config implies the cluster should contain: Nodes (roles, labels, taints) and kube-system workloads.
import type { Cluster } from '../config/model.js';
import type { ExpectedNode, ExpectedWorkload } from './checks.js';

export function expectedNodes(c: Cluster): ExpectedNode[] {
  return c.hosts
    .filter((h) => !h.pending && (h.controlPlane || h.worker))
    .map((h) => ({ name: h.name, controlPlane: h.controlPlane, worker: h.worker, labels: h.raw.labels ?? {}, taints: h.raw.taints ?? [] }));
}

export function expectedWorkloads(c: Cluster): ExpectedWorkload[] {
  const { spec } = c.config;
  const ks = 'kube-system';
  const out: ExpectedWorkload[] = [];
  const calico = spec.network.plugin === 'calico';
  const ebpf = calico && spec.network.calico.dataplane === 'ebpf';
  if (calico) out.push({ kind: 'DaemonSet', namespace: ks, name: 'calico-node', why: 'network.plugin: calico' });
  if (!ebpf) out.push({ kind: 'DaemonSet', namespace: ks, name: 'kube-proxy', why: 'kube-proxy runs unless Calico eBPF replaces it' });
  if (spec.dns.nodelocaldns.enabled) out.push({ kind: 'DaemonSet', namespace: ks, name: 'nodelocaldns', why: 'dns.nodelocaldns.enabled' });
  if (spec.dns.mode === 'coredns' || spec.dns.mode === 'coredns_dual') out.push({ kind: 'Deployment', namespace: ks, name: 'coredns', why: `dns.mode: ${spec.dns.mode}` });
  if (calico) out.push({ kind: 'Deployment', namespace: ks, name: 'calico-kube-controllers', why: 'network.plugin: calico' });
  const a = spec.addons;
  if (a.metallb.enabled) out.push({ kind: 'Deployment', namespace: a.metallb.namespace, name: 'controller', why: 'addons.metallb.enabled' });
  if (a.certManager.enabled) out.push({ kind: 'Deployment', namespace: a.certManager.namespace, name: 'cert-manager', why: 'addons.certManager.enabled' });
  if (a.argocd.enabled) out.push({ kind: 'Deployment', namespace: a.argocd.namespace, name: 'argocd-server', why: 'addons.argocd.enabled' });
  return out;
}
