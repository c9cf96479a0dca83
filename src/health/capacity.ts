// Capacity checks, pure: pods per node, nodes vs the pod network (the config rules' own math), service and
// MetalLB address use, node CPU/memory from metrics.k8s.io.
import { maxNodes, podNetworkCapacity, podNetworkProblems, poolAddresses, serviceIps } from '../config/capacity.js';
import type { Cluster } from '../config/model.js';
import { parseNetwork, parsePoolEntry, contains, ipValue, size, type Range } from '../config/net.js';
import { ProblemList } from '../config/problems.js';
import type { NodeSummary } from './summarize.js';
import { check, sample, type Check } from './types.js';

const pct = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 100) : 0);

export function evaluatePodsPerNode(nodes: Iterable<NodeSummary>, perNode: Map<string, number>): Check {
  const full: string[] = [];
  const high: string[] = [];
  let count = 0;
  let pods = 0;
  let cap = 0;
  for (const n of nodes) {
    count++;
    const used = perNode.get(n.name) ?? 0;
    pods += used;
    cap += n.allocatablePods;
    if (n.allocatablePods > 0 && used >= n.allocatablePods) full.push(`${n.name} ${used}/${n.allocatablePods}`);
    else if (n.allocatablePods > 0 && used / n.allocatablePods > 0.9) high.push(`${n.name} ${used}/${n.allocatablePods}`);
  }
  const ev = [`${pods} pods on ${count} nodes, ${cap} allocatable (${pct(pods, cap)}%)`];
  if (full.length) ev.push(`full: ${sample(full)}`);
  if (high.length) ev.push(`above 90%: ${sample(high)}`);
  return check('capacity.pods', 'Pods vs allocatable pods per node', full.length ? 'fail' : high.length ? 'warn' : 'ok', ev,
    'add nodes (kspray add-node) or raise spec.network.maxPodsPerNode within the pod network');
}

/** The config's own pod network capacity verdict for a node count: errors mean the pod network cannot hold it. */
function networkVerdict(c: Cluster, nodes: number): ProblemList {
  const problems = new ProblemList();
  podNetworkProblems(c.config.spec.network, nodes, problems);
  return problems;
}

export function evaluateNetworkCapacity(c: Cluster, nodes: number): Check {
  const p = networkVerdict(c, nodes);
  const plan = podNetworkCapacity(c.config.spec.network);
  const net = c.config.spec.network;
  const holds = p.errors.length === 0 && plan.ok ? ` holds up to ${maxNodes(plan.value)} nodes` : '';
  const ev = [`${nodes} nodes; ${net.plugin} with pod subnet ${net.podSubnet}${holds}`, ...[...p.errors, ...p.warnings].map((x) => x.message)];
  return check('capacity.network', 'Node count vs pod network', p.errors.length ? 'fail' : p.warnings.length ? 'warn' : 'ok', ev, p.errors[0]?.fix ?? p.warnings[0]?.fix);
}

export function evaluateServiceRange(c: Cluster, clusterIps: number): Check {
  const svc = parseNetwork(c.config.spec.network.serviceSubnet);
  const total = serviceIps(c.config.spec.network.serviceSubnet);
  if (!svc.ok || total === undefined) return check('capacity.services', 'Service IP range', 'skip', [svc.ok ? 'no service subnet' : svc.reason]);
  const p = pct(clusterIps, total);
  return check('capacity.services', 'Service IP range', p > 80 ? 'warn' : 'ok', [`${clusterIps}/${total} ClusterIPs of ${svc.range.text} in use (${p}%)`],
    'the service subnet cannot grow in place: remove unused Services, or plan a new cluster with a wider spec.network.serviceSubnet');
}

export function evaluateMetallb(c: Cluster, lbIps: string[]): Check {
  const mlb = c.config.spec.addons.metallb;
  if (!mlb.enabled) return check('capacity.metallb', 'MetalLB pool usage', 'skip', ['MetalLB not enabled']);
  const pools = mlb.pools.map((p) => ({ name: p.name, entries: p.addresses, ranges: p.addresses.map(parsePoolEntry).filter((r): r is { ok: true; range: Range } => r.ok).map((r) => r.range) }));
  const ev: string[] = [];
  let worstPct = 0;
  for (const pool of pools) {
    const total = poolAddresses(pool.entries);
    const used = lbIps.filter((ip) => pool.ranges.some((r) => contains(r, ipValue(ip)))).length;
    worstPct = Math.max(worstPct, pct(used, total));
    ev.push(`pool ${pool.name}: ${used}/${total} addresses (${pct(used, total)}%)`);
  }
  return check('capacity.metallb', 'MetalLB pool usage', worstPct >= 100 ? 'fail' : worstPct > 80 ? 'warn' : 'ok', ev.length ? ev : ['no pools configured'],
    'add addresses to spec.addons.metallb.pools and re-run `kspray deploy`');
}

export interface NodeUsage {
  name: string;
  cpuMilli: number;
  memBytes: number;
}

export function evaluateNodeUsage(usage: NodeUsage[] | undefined, nodes: Map<string, NodeSummary>): Check {
  if (!usage) return check('capacity.usage', 'Node CPU and memory', 'skip', ['metrics API (metrics.k8s.io) not available'], 'install metrics-server (kubespray: metrics_server_enabled) to get node usage');
  const hot: string[] = [];
  for (const u of usage) {
    const n = nodes.get(u.name);
    if (!n) continue;
    const cpu = pct(u.cpuMilli, n.allocatableCpuMilli);
    const mem = pct(u.memBytes, n.allocatableMemBytes);
    if (cpu > 80 || mem > 80) hot.push(`${u.name} cpu ${cpu}% mem ${mem}%`);
  }
  return check('capacity.usage', 'Node CPU and memory', hot.length ? 'warn' : 'ok', hot.length ? [`above 80%: ${sample(hot)}`] : [`${usage.length} node(s) at or below 80% CPU and memory`],
    'add nodes or move workloads off the busy nodes');
}
