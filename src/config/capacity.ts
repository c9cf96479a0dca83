// PURE: what the address plan holds, with each plugin's real allocation. The one source of these numbers for the
// config rules, `kspray validate`, `kspray health` and `kspray docs`.
import type { Cluster, NodeHost } from './model.js';
import { parseNetwork, parsePoolEntry, size } from './net.js';
import type { ProblemList } from './problems.js';

/** How the pod subnet is handed to nodes. */
export type PodAllocation =
  // Calico IPAM ignores the per-node CIDR: nodes claim blockSize blocks from the pool and borrow more when full
  | { kind: 'calico-blocks'; blockSize: number; blocks: number; addressesPerBlock: number; blocksPerNode: number }
  // every other plugin uses the node's podCIDR from kube-controller-manager (kube_network_node_prefix)
  | { kind: 'node-cidr'; nodePrefix: number; nodeRanges: number; addressesPerRange: number };

export interface PodNetworkCapacity {
  plugin: string;
  podSubnet: string;
  podPrefix: number;
  podAddresses: number;
  allocation: PodAllocation;
  maxPodsPerNode: number;
  /** pods one node can run: kubelet's max pods, capped by the node's range where the plugin has one */
  podsPerNode: number;
  /** nodes the pod subnet holds when each one runs podsPerNode pods */
  nodesAtMaxPods: number;
  /** Calico: nodes the subnet holds at one block each (fewer pods per node, borrowed blocks exhausted) */
  nodesAtOneBlock?: number;
  /** the kube_network_node_prefix node CIDRs the subnet splits into (kube-controller-manager assigns one per node) */
  nodeCidrs: number;
}

/** The configuration problem that stops the plan from being computed at all. */
export type CapacityProblem =
  | { kind: 'pod-subnet'; reason: string }
  | { kind: 'node-prefix'; podPrefix: number }
  | { kind: 'block-size'; podPrefix: number; blockSize: number };

export function podNetworkCapacity(net: Cluster['config']['spec']['network']): { ok: true; value: PodNetworkCapacity } | { ok: false; problem: CapacityProblem } {
  const pods = parseNetwork(net.podSubnet);
  if (!pods.ok) return { ok: false, problem: { kind: 'pod-subnet', reason: pods.reason } };
  const podPrefix = pods.range.prefix!;
  if (net.nodePrefix < podPrefix) return { ok: false, problem: { kind: 'node-prefix', podPrefix } };
  const nodeCidrs = 2 ** (net.nodePrefix - podPrefix);
  const base = { plugin: net.plugin, podSubnet: net.podSubnet, podPrefix, podAddresses: Number(size(pods.range)), maxPodsPerNode: net.maxPodsPerNode, nodeCidrs };
  if (net.plugin === 'calico') {
    const bs = net.calico.blockSize;
    if (bs < podPrefix) return { ok: false, problem: { kind: 'block-size', podPrefix, blockSize: bs } };
    const blocks = 2 ** (bs - podPrefix);
    const addressesPerBlock = 2 ** (32 - bs);
    const blocksPerNode = Math.ceil(net.maxPodsPerNode / addressesPerBlock);
    return {
      ok: true,
      value: {
        ...base,
        allocation: { kind: 'calico-blocks', blockSize: bs, blocks, addressesPerBlock, blocksPerNode },
        podsPerNode: net.maxPodsPerNode,
        nodesAtMaxPods: Math.floor(blocks / blocksPerNode),
        nodesAtOneBlock: blocks,
      },
    };
  }
  const addressesPerRange = 2 ** (32 - net.nodePrefix) - 2;
  return {
    ok: true,
    value: {
      ...base,
      allocation: { kind: 'node-cidr', nodePrefix: net.nodePrefix, nodeRanges: nodeCidrs, addressesPerRange },
      podsPerNode: Math.min(net.maxPodsPerNode, Math.max(addressesPerRange, 0)),
      nodesAtMaxPods: nodeCidrs,
    },
  };
}

/**
 * Whether the pod network holds `nodes` nodes with the plugin's real allocation: errors when it cannot, warnings when
 * it is short of headroom. The config's `capacity` rule (validate) and health's node-count check both use it.
 */
export function podNetworkProblems(net: Cluster['config']['spec']['network'], nodes: number, problems: ProblemList): void {
  const plan = podNetworkCapacity(net);
  if (!plan.ok) {
    const p = plan.problem;
    if (p.kind === 'node-prefix')
      problems.error('network/node-prefix', 'spec.network.nodePrefix', `/${net.nodePrefix} per node is larger than the whole pod subnet /${p.podPrefix}`, p.podPrefix >= 30 ? `widen the pod subnet (e.g. 10.233.64.0/18); a /${p.podPrefix} cannot hold one node's pods` : `use a node prefix between ${p.podPrefix} and 30`);
    else if (p.kind === 'block-size')
      problems.error('calico/block-size', 'spec.network.calico.blockSize', `block /${p.blockSize} is larger than the pod subnet /${p.podPrefix}`, `use a block size between ${p.podPrefix} and 32 (default 26)`);
    return;
  }
  const { allocation: a, nodeCidrs } = plan.value;
  if (a.kind === 'calico-blocks') {
    const bs = a.blockSize;
    if (a.blocks < nodes)
      problems.error('network/too-many-nodes', 'spec.network.podSubnet', `${nodes} nodes but the pod subnet holds only ${a.blocks} Calico /${bs} blocks (one per node at least)`, 'widen spec.network.podSubnet or use a larger spec.network.calico.blockSize');
    else if (a.blocks < nodes * a.blocksPerNode)
      problems.warn('network/pod-headroom', 'spec.network.podSubnet', `${nodes} nodes × ${net.maxPodsPerNode} pods need ${nodes * a.blocksPerNode} /${bs} blocks, the pool has ${a.blocks}`, 'widen spec.network.podSubnet');
    if (nodeCidrs < nodes)
      problems.warn('calico/node-cidrs', 'spec.network.nodePrefix', `only ${nodeCidrs} /${net.nodePrefix} node CIDRs fit in ${net.podSubnet}; kube-controller-manager will report CIDRNotAvailable for the other nodes (Calico IPAM itself is unaffected)`, 'raise nodePrefix or widen the pod subnet');
    return;
  }
  if (a.nodeRanges < nodes)
    problems.error('network/too-many-nodes', 'spec.network.nodePrefix', `${nodes} nodes but ${net.podSubnet} split into /${net.nodePrefix} holds only ${a.nodeRanges} (kubespray: "Not enough IPs are available for the desired node count")`, 'widen the pod subnet or raise nodePrefix');
  if (net.maxPodsPerNode > a.addressesPerRange)
    problems.error('network/max-pods', 'spec.network.maxPodsPerNode', `${net.maxPodsPerNode} pods per node do not fit in a /${net.nodePrefix} (${a.addressesPerRange} addresses; kubespray: "Do not schedule more pods on a node than inet addresses are available")`, `lower maxPodsPerNode to ${a.addressesPerRange} or lower nodePrefix`);
}

/** Most nodes the pod subnet can hold at all (Calico: one block each; others: one node CIDR each). */
export const maxNodes = (p: PodNetworkCapacity) => p.nodesAtOneBlock ?? p.nodesAtMaxPods;

/** Nodes workloads are scheduled on: kube_node members without a NoSchedule or NoExecute taint. */
export const schedulable = (h: NodeHost) => h.worker && !(h.raw.taints ?? []).some((t) => /:(NoSchedule|NoExecute)$/.test(t));

export interface ClusterCapacity {
  pods: PodNetworkCapacity;
  nodes: number;
  schedulableNodes: number;
  /** pods the schedulable nodes may run together: min(podsPerNode × nodes, what the pod subnet hands them) */
  schedulablePods: number;
  /** which of the two bounds applied */
  podsLimitedBy: 'max-pods' | 'pod-subnet';
  /** ClusterIPs: the service subnet less its network and broadcast addresses */
  serviceIps?: number;
  /** MetalLB addresses per pool (all addresses of each entry; MetalLB assigns network and broadcast addresses too) */
  metallb: { name: string; addresses: number }[];
}

export function clusterCapacity(c: Cluster): { ok: true; value: ClusterCapacity } | { ok: false; problem: CapacityProblem } {
  const spec = c.config.spec;
  const p = podNetworkCapacity(spec.network);
  if (!p.ok) return p;
  const pods = p.value;
  const nodes = c.hosts.filter(schedulable).length;
  const byMaxPods = pods.podsPerNode * nodes;
  // what the subnet hands the schedulable nodes: Calico lends any free block; node CIDRs run out per node
  const bySubnet =
    pods.allocation.kind === 'calico-blocks' ? pods.podAddresses : Math.min(nodes, pods.allocation.nodeRanges) * pods.podsPerNode;
  const svc = serviceIps(spec.network.serviceSubnet);
  const mlb = spec.addons.metallb;
  const metallb = mlb.enabled ? mlb.pools.map((pool) => ({ name: pool.name, addresses: poolAddresses(pool.addresses) })) : [];
  return {
    ok: true,
    value: {
      pods,
      nodes: c.hosts.length,
      schedulableNodes: nodes,
      schedulablePods: Math.min(byMaxPods, bySubnet),
      podsLimitedBy: byMaxPods <= bySubnet ? 'max-pods' : 'pod-subnet',
      ...(svc !== undefined ? { serviceIps: svc } : {}),
      metallb,
    },
  };
}

/** ClusterIPs a service subnet holds: all but its network and broadcast addresses; undefined when it is no network. */
export function serviceIps(serviceSubnet: string): number | undefined {
  const svc = parseNetwork(serviceSubnet);
  return svc.ok ? Math.max(Number(size(svc.range)) - 2, 0) : undefined;
}

/** Addresses of a MetalLB pool's entries (unparseable entries count none; validate reports them). */
export const poolAddresses = (entries: readonly string[]) =>
  entries.map(parsePoolEntry).reduce((a, r) => a + (r.ok ? Number(size(r.range)) : 0), 0);
