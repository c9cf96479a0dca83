import { describe, expect, it } from 'vitest';
import { evaluateApiVersion, evaluateNodes, evaluateProbe, evaluateWorkloads, type ExpectedNode } from './checks.js';
import { apiVersionFrom, kubeletSkew, parseVersion } from './skew.js';
import { quantity, summarizeNode, summarizeWorkload, type NodeSummary } from './summarize.js';
import { formatTable, exitCodeFor } from './report.js';
import { summarize } from './run.js';

const v = (s: string) => parseVersion(s)!;

function node(name: string, o: { ready?: string; version?: string; cp?: boolean; taints?: object[]; labels?: Record<string, string>; pressure?: string[] } = {}) {
  return summarizeNode({
    metadata: { name, labels: { ...(o.cp ? { 'node-role.kubernetes.io/control-plane': '' } : {}), ...o.labels } },
    spec: { taints: o.taints ?? (o.cp ? [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] : []) },
    status: {
      conditions: [{ type: 'Ready', status: o.ready ?? 'True', reason: o.ready === 'False' ? 'KubeletNotReady' : 'KubeletReady' }, ...(o.pressure ?? []).map((t) => ({ type: t, status: 'True' }))],
      nodeInfo: { kubeletVersion: o.version ?? 'v1.34.3' },
      allocatable: { pods: '110', cpu: '3800m', memory: '16384Ki' },
    },
  });
}

const expected: ExpectedNode[] = [
  { name: 'km01', controlPlane: true, worker: false, labels: {}, taints: [] },
  { name: 'kube01', controlPlane: false, worker: true, labels: { zone: 'a' }, taints: ['gpu=true:NoSchedule'] },
];
const byName = (...ns: NodeSummary[]) => new Map(ns.map((n) => [n.name, n]));
const find = <T extends { id: string }>(cs: T[], id: string) => cs.find((c) => c.id === id)!;

describe('skew policy', () => {
  it('allows kubelets up to 3 minors older than a 1.28+ API server, 2 before', () => {
    expect(kubeletSkew(v('v1.31.0'), v('v1.34.1')).ok).toBe(true);
    expect(kubeletSkew(v('v1.30.9'), v('v1.34.1'))).toMatchObject({ ok: false, reason: expect.stringContaining('4 minors behind') });
    expect(kubeletSkew(v('v1.24.0'), v('v1.27.0')).ok).toBe(false);
    expect(kubeletSkew(v('v1.25.0'), v('v1.27.0')).ok).toBe(true);
  });
  it('never allows a kubelet newer than the API server', () => {
    expect(kubeletSkew(v('v1.35.0'), v('v1.34.9'))).toMatchObject({ ok: false, reason: expect.stringContaining('newer') });
  });
  it('uses the emulated version when the API server reports one', () => {
    expect(apiVersionFrom({ gitVersion: 'v1.37.2', emulationMajor: '1', emulationMinor: '34' })).toMatchObject({ emulated: true, effective: { major: 1, minor: 34 } });
    expect(apiVersionFrom({ gitVersion: 'v1.37.2', emulationMajor: '1', emulationMinor: '37' })).toMatchObject({ emulated: false });
  });
});

describe('API server checks', () => {
  it('names the failing readyz checks', () => {
    const c = evaluateProbe('readyz', { code: 500, body: '[+]ping ok\n[-]etcd failed: reason withheld\n[-]informer-sync failed\nreadyz check failed' });
    expect(c.status).toBe('fail');
    expect(c.evidence).toContain('failing: etcd, informer-sync');
  });
  it('warns when the API server does not run the configured version', () => {
    expect(evaluateApiVersion({ gitVersion: 'v1.34.3' }, v('v1.34.3')).status).toBe('ok');
    expect(evaluateApiVersion({ gitVersion: 'v1.34.2' }, v('v1.34.3')).status).toBe('warn');
    expect(evaluateApiVersion({ gitVersion: 'v1.37.2', emulationMajor: '1', emulationMinor: '34' }, v('v1.34.3')).status).toBe('ok');
  });
});

describe('node checks', () => {
  const good = () => byName(node('km01', { cp: true }), node('kube01', { labels: { zone: 'a' }, taints: [{ key: 'gpu', value: 'true', effect: 'NoSchedule' }] }));
  it('a healthy set of nodes is all ok', () => {
    const cs = evaluateNodes(expected, good(), [], v('v1.34.3'), v('v1.34.3'));
    expect(cs.map((c) => c.status)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'ok']);
  });
  it('fails a NotReady node and a missing one, warns about unexpected ones', () => {
    const cs = evaluateNodes(expected, byName(node('km01', { cp: true, ready: 'False' })), ['stray1'], v('v1.34.3'), v('v1.34.3'));
    expect(find(cs, 'nodes.ready')).toMatchObject({ status: 'fail', evidence: ['km01: Ready=False (KubeletNotReady)'] });
    expect(find(cs, 'nodes.registered')).toMatchObject({ status: 'fail', evidence: ['missing from the API: kube01'] });
    expect(find(cs, 'nodes.unexpected')).toMatchObject({ status: 'warn', evidence: ['1 Node(s) not in the config: stray1'] });
  });
  it('reports pressure, version drift and skew', () => {
    const ns = good();
    ns.set('kube01', { ...ns.get('kube01')!, kubeletVersion: 'v1.34.2', pressure: ['DiskPressure'] });
    let cs = evaluateNodes(expected, ns, [], v('v1.34.3'), v('v1.34.3'));
    expect(find(cs, 'nodes.pressure').status).toBe('warn');
    expect(find(cs, 'nodes.version')).toMatchObject({ status: 'warn', evidence: ['kube01: kubelet v1.34.2, configured v1.34.3'] });
    ns.set('kube01', { ...ns.get('kube01')!, kubeletVersion: 'v1.30.0' });
    cs = evaluateNodes(expected, ns, [], v('v1.34.3'), v('v1.34.3'));
    expect(find(cs, 'nodes.version').status).toBe('fail');
  });
  it('checks roles, labels and taints the config implies', () => {
    const cs = evaluateNodes(expected, byName(node('km01', { cp: true, taints: [] }), node('kube01')), [], undefined, undefined);
    expect(find(cs, 'nodes.roles').evidence).toEqual([
      'km01: missing taint node-role.kubernetes.io/control-plane:NoSchedule',
      'kube01: missing taint gpu=true:NoSchedule',
      'kube01: label zone=a missing',
    ]);
  });
  it('keeps evidence bounded with thousands of unexpected nodes', () => {
    const many = Array.from({ length: 5000 }, (_, i) => `seed-${i}`);
    const c = find(evaluateNodes(expected, good(), many, undefined, undefined), 'nodes.unexpected');
    expect(c.evidence[0]).toMatch(/^5000 Node\(s\) not in the config: seed-0, .* and 4992 more$/);
  });
});

describe('workloads', () => {
  const ds = (ready: number) => summarizeWorkload('DaemonSet', { metadata: { name: 'calico-node', namespace: 'kube-system' }, status: { desiredNumberScheduled: 6, numberReady: ready, updatedNumberScheduled: 6, numberAvailable: ready } });
  const want = [{ kind: 'DaemonSet' as const, namespace: 'kube-system', name: 'calico-node', why: 'calico' }];
  it('ok when every pod is ready, warn when some are not, fail when none or missing', () => {
    expect(evaluateWorkloads(want, new Map([['DaemonSet/kube-system/calico-node', ds(6)]]))[0]!.status).toBe('ok');
    expect(evaluateWorkloads(want, new Map([['DaemonSet/kube-system/calico-node', ds(4)]]))[0]).toMatchObject({ status: 'warn', evidence: ['4/6 ready, 6 up to date, 4 available'] });
    expect(evaluateWorkloads(want, new Map([['DaemonSet/kube-system/calico-node', ds(0)]]))[0]!.status).toBe('fail');
    expect(evaluateWorkloads(want, new Map())[0]!.status).toBe('fail');
  });
});

describe('quantities and report', () => {
  it('parses Kubernetes quantities', () => {
    expect(quantity('3800m')).toBeCloseTo(3.8);
    expect(quantity('16384Ki')).toBe(16 * 1024 * 1024);
    expect(quantity('110')).toBe(110);
  });
  it('formats a table, a summary and the exit code', () => {
    const r = summarize('lab', evaluateNodes(expected, byName(node('km01', { cp: true })), [], undefined, undefined));
    expect(r.status).toBe('fail');
    expect(exitCodeFor(r.status)).toBe(11);
    expect(exitCodeFor('warn')).toBe(10);
    expect(exitCodeFor('ok')).toBe(0);
    const t = formatTable(r);
    expect(t.at(-1)).toBe('lab: FAIL — 5 ok, 0 warning(s), 1 failure(s), 0 skipped');
    expect(t.find((l) => l.startsWith('FAIL'))).toMatch(/^FAIL  Every host is a Node\s+missing from the API: kube01$/);
  });
});
