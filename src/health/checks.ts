// Pure evaluators: plain summaries in, checks out. No I/O here (the unit tests drive these directly).
import { apiVersionFrom, fmt, kubeletSkew, parseVersion, sameVersion, type Ver } from './skew.js';
import type { NodeSummary, WorkloadSummary } from './summarize.js';
import { check, sample, type Check } from './types.js';

export interface Probe {
  code: number;
  body: string;
}

/** `/readyz?verbose` / `/livez?verbose`: which named checks fail ("[-]etcd failed: reason withheld"). */
export function evaluateProbe(kind: 'readyz' | 'livez', p: Probe): Check {
  const failing = p.body.split('\n').filter((l) => l.startsWith('[-]')).map((l) => l.slice(3).split(' ')[0]!);
  const title = kind === 'readyz' ? 'API server ready' : 'API server live';
  if (p.code === 200 && failing.length === 0) return check(`api.${kind}`, title, 'ok', [`/${kind}: ok`]);
  return check(`api.${kind}`, title, 'fail', [`/${kind}: HTTP ${p.code}`, ...(failing.length ? [`failing: ${failing.join(', ')}`] : [])], 'check the kube-apiserver logs on the control planes; failing etcd checks point at etcd (see the etcd checks)');
}

export function evaluateApiVersion(info: { gitVersion?: string; emulationMajor?: string; emulationMinor?: string }, configured: Ver | undefined): Check {
  const v = apiVersionFrom(info);
  if (!v) return check('api.version', 'API server version', 'warn', [`unparseable version "${info.gitVersion ?? ''}"`]);
  const ev = [`kube-apiserver ${fmt(v.binary)}${v.emulated ? ` emulating ${fmt(v.effective)}` : ''}`];
  if (!configured) return check('api.version', 'API server version', 'ok', ev);
  ev.push(`configured ${fmt(configured)}`);
  const matches = v.emulated ? v.effective.major === configured.major && v.effective.minor === configured.minor : sameVersion(v.binary, configured);
  return check('api.version', 'API server version', matches ? 'ok' : 'warn', ev, 'an upgrade is incomplete or the config is out of date: run `kspray upgrade --to <version>` or fix spec.kubernetes.version');
}

export interface ExpectedNode {
  name: string;
  controlPlane: boolean;
  worker: boolean;
  labels: Record<string, string>;
  taints: string[];
}

const CP_LABEL = 'node-role.kubernetes.io/control-plane';
const CP_TAINT = 'node-role.kubernetes.io/control-plane:NoSchedule';

export function evaluateNodes(expected: ExpectedNode[], found: Map<string, NodeSummary>, unexpected: string[], configured: Ver | undefined, api: Ver | undefined): Check[] {
  const present = expected.filter((e) => found.has(e.name));
  const missing = expected.filter((e) => !found.has(e.name)).map((e) => e.name);
  const out: Check[] = [];
  out.push(
    check('nodes.registered', 'Every host is a Node', missing.length ? 'fail' : 'ok', missing.length ? [`missing from the API: ${sample(missing)}`] : [`${expected.length}/${expected.length} hosts registered`],
      'the kubelet on those hosts is not running or cannot reach the API server: check `systemctl status kubelet` and `journalctl -u kubelet` there, or re-run `kspray deploy`'),
  );
  const nodes = present.map((e) => found.get(e.name)!);
  const notReady = nodes.filter((n) => n.ready !== 'True');
  out.push(
    check('nodes.ready', 'Nodes Ready', notReady.length ? 'fail' : 'ok',
      notReady.length ? notReady.slice(0, 8).map((n) => `${n.name}: Ready=${n.ready}${n.readyReason ? ` (${n.readyReason})` : ''}`).concat(notReady.length > 8 ? [`and ${notReady.length - 8} more`] : []) : [`${nodes.length}/${nodes.length} Ready`],
      'check the kubelet and container runtime on those nodes (`journalctl -u kubelet`), and the CNI pods on them'),
  );
  const pressured = nodes.filter((n) => n.pressure.length);
  out.push(
    check('nodes.pressure', 'No memory, disk or PID pressure', pressured.length ? 'warn' : 'ok',
      pressured.length ? pressured.slice(0, 8).map((n) => `${n.name}: ${n.pressure.join(', ')}`) : ['no pressure conditions'],
      'free memory/disk on those nodes or move workloads; the kubelet evicts pods under pressure'),
  );
  out.push(evaluateVersions(nodes, configured, api));
  out.push(evaluateRoles(present, found));
  out.push(
    check('nodes.unexpected', 'No Nodes outside the config', unexpected.length ? 'warn' : 'ok', unexpected.length ? [`${unexpected.length} Node(s) not in the config: ${sample(unexpected)}`] : ['every Node is a configured host'],
      'add them to spec.hosts (kspray add-node), or delete stale Nodes with `kubectl delete node NAME`'),
  );
  return out;
}

function evaluateVersions(nodes: NodeSummary[], configured: Ver | undefined, api: Ver | undefined): Check {
  const fails: string[] = [];
  const warns: string[] = [];
  for (const n of nodes) {
    const v = parseVersion(n.kubeletVersion);
    if (!v) {
      warns.push(`${n.name}: kubelet version "${n.kubeletVersion}" unparseable`);
      continue;
    }
    const skew = api ? kubeletSkew(v, api) : { ok: true as const };
    if (!skew.ok) fails.push(`${n.name}: ${skew.reason}`);
    else if (configured && !sameVersion(v, configured)) warns.push(`${n.name}: kubelet ${fmt(v)}, configured ${fmt(configured)}`);
  }
  const status = fails.length ? 'fail' : warns.length ? 'warn' : 'ok';
  const ev = [...fails, ...warns];
  return check('nodes.version', 'Kubelet versions (skew policy)', status,
    ev.length ? ev.slice(0, 8).concat(ev.length > 8 ? [`and ${ev.length - 8} more`] : []) : [`${nodes.length} kubelet(s) at ${configured ? fmt(configured) : 'the same version'}${api ? `, within skew of the API server ${fmt(api)}` : ''}`],
    fails.length ? 'upgrade the lagging nodes (kspray upgrade) — kubelets may not be newer than, or more than 3 minors behind, the API server' : 'finish the upgrade (re-run `kspray upgrade --to <configured>`) so every kubelet runs the configured version');
}

function evaluateRoles(expected: ExpectedNode[], found: Map<string, NodeSummary>): Check {
  const problems: string[] = [];
  for (const e of expected) {
    const n = found.get(e.name)!;
    if (e.controlPlane && !(CP_LABEL in n.labels)) problems.push(`${e.name}: missing label ${CP_LABEL}`);
    if (!e.controlPlane && CP_LABEL in n.labels) problems.push(`${e.name}: labelled control-plane but configured as ${e.worker ? 'worker' : 'non-control-plane'}`);
    const wantTaints = [...e.taints, ...(e.controlPlane && !e.worker ? [CP_TAINT] : [])];
    for (const t of wantTaints) if (!n.taints.includes(t)) problems.push(`${e.name}: missing taint ${t}`);
    if (e.controlPlane && e.worker && n.taints.includes(CP_TAINT)) problems.push(`${e.name}: is also a worker but has taint ${CP_TAINT}`);
    for (const [k, v] of Object.entries(e.labels)) if (n.labels[k] !== v) problems.push(`${e.name}: label ${k}=${v} ${k in n.labels ? `is ${n.labels[k]}` : 'missing'}`);
  }
  return check('nodes.roles', 'Roles, labels and taints match the config', problems.length ? 'warn' : 'ok',
    problems.length ? problems.slice(0, 8).concat(problems.length > 8 ? [`and ${problems.length - 8} more`] : []) : [`${expected.length} node(s) match`],
    're-run `kspray deploy` to apply node_labels/node_taints, or fix them with `kubectl label`/`kubectl taint`');
}

export interface ExpectedWorkload {
  kind: 'DaemonSet' | 'Deployment';
  namespace: string;
  name: string;
  why: string;
}

export function evaluateWorkloads(expected: ExpectedWorkload[], found: Map<string, WorkloadSummary>): Check[] {
  return expected.map((w) => {
    const key = `${w.kind}/${w.namespace}/${w.name}`;
    const id = `workloads.${w.namespace}.${w.name}`;
    const title = `${w.kind} ${w.namespace}/${w.name}`;
    const s = found.get(key);
    if (!s) return check(id, title, 'fail', [`not found (expected: ${w.why})`], `re-run \`kspray deploy\`; check \`kubectl -n ${w.namespace} get ${w.kind.toLowerCase()}\``);
    const ok = s.desired > 0 ? s.ready >= s.desired && s.updated >= s.desired && s.available >= s.desired : w.kind === 'Deployment' ? false : true;
    const ev = w.kind === 'DaemonSet' ? `${s.ready}/${s.desired} ready, ${s.updated} up to date, ${s.available} available` : `${s.available}/${s.desired} available, ${s.ready} ready, ${s.updated} up to date`;
    const none = s.desired === 0 && w.kind === 'DaemonSet' ? ['no node runs it (0 desired)'] : [];
    return check(id, title, ok && !none.length ? 'ok' : s.ready === 0 && s.desired > 0 ? 'fail' : 'warn', [ev, ...none],
      `inspect the pods: \`kubectl -n ${w.namespace} get pods -l ... -o wide\` and \`kubectl -n ${w.namespace} describe ${w.kind.toLowerCase()} ${w.name}\``);
  });
}
