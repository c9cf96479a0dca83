// kspray rebase records the config as applied only when the cluster's Nodes match it: which node checks decide.
import { describe, expect, it } from 'vitest';
import { rebaseMismatches } from '../../src/flows/rebase.js';
import { evaluateNodes } from '../../src/health/checks.js';
import { expectedNodes } from '../../src/health/expect.js';
import type { NodeSummary } from '../../src/health/summarize.js';
import { parseVersion } from '../../src/health/skew.js';
import { edit, exampleText, validCluster } from './helpers.js';

const cluster = validCluster(edit(exampleText('homelab'), { 'spec.hosts.4.labels': { disk: 'ssd' } }));
const CP = 'node-role.kubernetes.io/control-plane';

/** The Nodes a cluster deployed from this config shows, with `change` applied to them. */
function nodes(change: (n: NodeSummary) => void = () => undefined): Map<string, NodeSummary> {
  const m = new Map<string, NodeSummary>();
  for (const e of expectedNodes(cluster)) {
    const n: NodeSummary = {
      name: e.name,
      ready: 'True',
      pressure: [],
      kubeletVersion: 'v1.29.5',
      labels: { ...e.labels, ...(e.controlPlane ? { [CP]: '' } : {}) },
      taints: [...e.taints, ...(e.controlPlane && !e.worker ? [`${CP}:NoSchedule`] : [])],
      allocatablePods: 110,
      allocatableCpuMilli: 4000,
      allocatableMemBytes: 8 << 30,
      unschedulable: false,
    };
    change(n);
    m.set(n.name, n);
  }
  return m;
}
const judge = (found: Map<string, NodeSummary>, unexpected: string[] = []) =>
  rebaseMismatches(evaluateNodes(expectedNodes(cluster), found, unexpected, parseVersion('v1.29.5'), parseVersion('v1.29.5')));

describe('kspray rebase: the Nodes against the config', () => {
  it('Nodes as the config describes them: nothing in the way', () => {
    expect(judge(nodes())).toEqual([]);
  });

  it('a host that is no Node, a Node outside the config, another label or another kubelet version: refused, each named', () => {
    const missing = nodes();
    missing.delete('kube03');
    expect(judge(missing)).toEqual(['Every host is a Node: missing from the API: kube03']);
    expect(judge(nodes(), ['kube09'])).toEqual(['No Nodes outside the config: 1 Node(s) not in the config: kube09']);
    expect(judge(nodes((n) => void (n.name === 'kube02' && delete n.labels.disk)))).toEqual(['Roles, labels and taints match the config: kube02: label disk=ssd missing']);
    expect(judge(nodes((n) => void (n.name === 'kube01' && (n.kubeletVersion = 'v1.29.3'))))).toEqual(['Kubelet versions (skew policy): kube01: kubelet v1.29.3, configured v1.29.5']);
  });

  it('a Node under pressure or not Ready does not stop it: the config still describes it', () => {
    const sick = nodes((n) => {
      if (n.name !== 'kube01') return;
      n.ready = 'False';
      n.pressure = ['MemoryPressure'];
    });
    expect(judge(sick)).toEqual([]);
  });
});
