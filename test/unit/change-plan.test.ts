// `kspray plan`'s planner: config changes → the operations in the order they run, or the reasons they are refused.
import { describe, expect, it } from 'vitest';
import { planChanges, type ChangePlan } from '../../src/flows/change-plan.js';
import { edit, exampleText, validCluster } from './helpers.js';

const base = exampleText('homelab');
const applied = validCluster(base);
const plan = (changes: Record<string, unknown>) => planChanges(applied, validCluster(edit(base, changes)));
const ops = (p: ChangePlan) => p.operations.map((o) => ('host' in o ? `${o.kind} ${o.host}` : 'limit' in o && o.limit ? `${o.kind} --limit ${o.limit.join(',')}` : o.kind));
const kube04 = { name: 'kube04', address: '192.168.10.240', roles: ['worker'] };

describe('kspray plan', () => {
  it('no changes, and a cluster never applied plans a deploy', () => {
    expect(planChanges(applied, applied)).toEqual({ operations: [], refused: [], changes: [] });
    expect(ops(planChanges(undefined, applied))).toEqual(['deploy']);
  });

  it('a host added to the file is an add-node; a worker needs no etcd backup', () => {
    const p = plan({ 'spec.hosts.6': kube04 });
    expect(ops(p)).toEqual(['add-node kube04']);
    expect(p.refused).toEqual([]);
  });

  it('a host marked remove: true is a remove-node after the other changes; a label on one host reconfigures that host only', () => {
    const p = plan({ 'spec.hosts.5.remove': true, 'spec.hosts.4.labels': { disk: 'ssd' }, 'spec.hosts.6': kube04 });
    expect(ops(p)).toEqual(['add-node kube04', 'reconfigure --limit kube02', 'remove-node kube03']);
    const re = p.operations.find((o) => o.kind === 'reconfigure')!;
    expect(re.kind === 'reconfigure' && re.changes).toEqual([{ file: 'hosts.yaml', host: 'kube02', variable: 'node_labels', new: { disk: 'ssd' } }]);
  });

  it('a cluster-wide variable reconfigures every host, with the variable-level diff', () => {
    const p = plan({ 'spec.extraVars': { kube_log_level: 3 } });
    expect(ops(p)).toEqual(['reconfigure']);
    const re = p.operations[0]!;
    expect(re.kind === 'reconfigure' && re.changes.map((c) => [c.file, c.variable, c.old, c.new])).toEqual([['group_vars/all/zz-kspray-extra.yml', 'kube_log_level', undefined, 3]]);
  });

  it('a new kubespray tag and Kubernetes version is an upgrade through the train, after an etcd backup', () => {
    const p = plan({ 'spec.kubespray.version': 'v2.26.1', 'spec.kubernetes.version': 'v1.30.6' });
    expect(ops(p)).toEqual(['backup', 'upgrade']);
    const up = p.operations[1]!;
    expect(up.kind === 'upgrade' && up.hops.map((h) => `${h.to.tag}/${h.to.kube.minor}.${h.to.kube.patch}`)).toEqual(['v2.26.1/30.6']);
  });

  it('refuses what a running cluster cannot change, naming the path, and plans nothing', () => {
    const p = plan({ 'spec.network.podSubnet': '10.100.0.0/16', 'spec.hosts.6': kube04 });
    expect(p.operations).toEqual([]);
    expect(p.refused.map((r) => r.path)).toEqual(['spec.network.podSubnet']);
    expect(plan({ 'metadata.name': 'other' }).refused.map((r) => r.path)).toEqual(['metadata.name']);
  });

  it('a host that disappears from the file is refused, never removed', () => {
    const text = edit(base, { 'spec.hosts.5': undefined });
    const p = planChanges(applied, validCluster(text));
    expect(p.operations).toEqual([]);
    expect(p.refused[0]!.message).toBe('kube03 (worker) was applied but is no longer in the file');
  });

  it('keeps the safety refusals of remove-node: the first control plane, etcd quorum', () => {
    expect(plan({ 'spec.hosts.0.remove': true }).refused.map((r) => r.message)).toContain('km01 is the first control plane, which kubespray cannot remove');
    expect(plan({ 'spec.hosts.2.remove': true }).refused.map((r) => r.message)).toEqual(['removing km03 leaves 2 etcd members, not an odd number of at least 3']);
  });

  // combinations: [what changes, the operations in the order apply runs them]
  const kube05 = { name: 'kube05', address: '192.168.10.241', roles: ['worker'] };
  const km04 = { name: 'km04', address: '192.168.10.242', roles: ['control-plane', 'etcd'] };
  const km05 = { name: 'km05', address: '192.168.10.243', roles: ['control-plane', 'etcd'] };
  const table: [string, Record<string, unknown>, string[]][] = [
    ['two workers added', { 'spec.hosts.6': kube04, 'spec.hosts.7': kube05 }, ['add-node kube04', 'add-node kube05']],
    ['two etcd members added: a backup first', { 'spec.hosts.6': km04, 'spec.hosts.7': km05 }, ['backup', 'add-node km04', 'add-node km05']],
    ['labels on two hosts', { 'spec.hosts.3.labels': { a: 'b' }, 'spec.hosts.4.labels': { a: 'b' } }, ['reconfigure --limit kube01,kube02']],
    ['a label and a cluster-wide variable: one reconfigure of every host', { 'spec.hosts.3.labels': { a: 'b' }, 'spec.extraVars': { kube_log_level: 3 } }, ['reconfigure']],
    ['a worker removed and a patch upgrade in the same tag', { 'spec.hosts.5.remove': true, 'spec.kubernetes.version': 'v1.29.5' }, ['backup', 'remove-node kube03', 'upgrade']],
    ['a control plane and etcd pair replaced', { 'spec.hosts.6': km04, 'spec.hosts.7': km05, 'spec.hosts.2.remove': true, 'spec.hosts.1.remove': true }, ['backup', 'add-node km04', 'add-node km05', 'remove-node km02', 'remove-node km03']],
    ['a label on a host being removed is no reconfigure', { 'spec.hosts.5.remove': true, 'spec.hosts.5.labels': { a: 'b' } }, ['remove-node kube03']],
    ['a host added already marked for removal is nothing to do', { 'spec.hosts.6': { ...kube04, remove: true } }, []],
  ];
  const older = validCluster(edit(base, { 'spec.kubernetes.version': 'v1.29.3' }));
  for (const [what, changes, expected] of table)
    it(`${what}: ${expected.join(', ') || 'no changes'}`, () => {
      const from = 'spec.kubernetes.version' in changes ? older : applied;
      const p = planChanges(from, validCluster(edit(base, changes)));
      expect(p.refused).toEqual([]);
      expect(ops(p)).toEqual(expected);
    });

  it('a patch upgrade is one hop in the same tag, after a backup', () => {
    const p = planChanges(older, applied);
    expect(ops(p)).toEqual(['backup', 'upgrade']);
    const up = p.operations[1]!;
    expect(up.kind === 'upgrade' && up.hops.map((h) => `${h.from.tag} → ${h.to.tag}`)).toEqual(['v2.25.0 → v2.25.0']);
  });

  it('a refused change stops every other operation; each refusal is listed', () => {
    const p = plan({ 'spec.network.podSubnet': '10.100.0.0/16', 'spec.hosts.5.remove': true, 'spec.hosts.4.labels': { a: 'b' }, 'spec.network.plugin': 'cilium' });
    expect(p.operations).toEqual([]);
    expect(p.refused.map((r) => r.path)).toEqual(['spec.network.podSubnet', 'spec.network.plugin']);
  });

  it('a removed host without a marker is refused even when another is marked', () => {
    const text = edit(edit(base, { 'spec.hosts.4.remove': true }), { 'spec.hosts.5': undefined });
    const p = planChanges(applied, validCluster(text));
    expect(p.operations).toEqual([]);
    expect(p.refused.map((r) => r.message)).toEqual(['kube03 (worker) was applied but is no longer in the file']);
  });
});
