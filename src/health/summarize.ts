// Raw API objects → the few fields health needs. Items are summarised as pages arrive, so a list of
// thousands never stays in memory as full objects.

type Obj = Record<string, any>;

export interface NodeSummary {
  name: string;
  ready: 'True' | 'False' | 'Unknown';
  readyReason?: string;
  pressure: string[];
  kubeletVersion: string;
  internalIp?: string;
  labels: Record<string, string>;
  taints: string[];
  allocatablePods: number;
  allocatableCpuMilli: number;
  allocatableMemBytes: number;
  unschedulable: boolean;
}

const unit: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, m: 1e-3, n: 1e-9, u: 1e-6 };

/** Kubernetes quantity ("3800m", "8Gi", "16384Ki", "2") as a number of base units. */
export function quantity(q: unknown): number {
  if (typeof q === 'number') return q;
  const m = /^([0-9.]+(?:e[0-9]+)?)([a-zA-Z]*)$/.exec(String(q ?? '').trim());
  if (!m) return 0;
  return Number(m[1]) * (m[2] ? (unit[m[2]] ?? 1) : 1);
}

export const taintText = (t: Obj) => `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`;

export function summarizeNode(n: Obj): NodeSummary {
  const conds: Obj[] = n.status?.conditions ?? [];
  const ready = conds.find((c) => c.type === 'Ready');
  const alloc = n.status?.allocatable ?? {};
  const ip = (n.status?.addresses ?? []).find((a: Obj) => a.type === 'InternalIP')?.address;
  return {
    name: n.metadata?.name ?? '',
    ready: ready?.status === 'True' ? 'True' : ready?.status === 'False' ? 'False' : 'Unknown',
    ...(ready?.reason ? { readyReason: String(ready.reason) } : {}),
    pressure: conds.filter((c) => /Pressure$/.test(c.type) && c.status === 'True').map((c) => String(c.type)),
    kubeletVersion: n.status?.nodeInfo?.kubeletVersion ?? '',
    ...(ip ? { internalIp: ip } : {}),
    labels: n.metadata?.labels ?? {},
    taints: (n.spec?.taints ?? []).map(taintText),
    allocatablePods: quantity(alloc.pods),
    allocatableCpuMilli: quantity(alloc.cpu) * 1000,
    allocatableMemBytes: quantity(alloc.memory),
    unschedulable: Boolean(n.spec?.unschedulable),
  };
}

/** Only nodes kspray knows keep their labels/taints; the rest keep what capacity checks need. */
export function slimNode(s: NodeSummary, known: boolean): NodeSummary {
  return known ? s : { ...s, labels: {}, taints: [] };
}

export interface WorkloadSummary {
  kind: 'DaemonSet' | 'Deployment';
  namespace: string;
  name: string;
  desired: number;
  ready: number;
  updated: number;
  available: number;
}

export function summarizeWorkload(kind: 'DaemonSet' | 'Deployment', o: Obj): WorkloadSummary {
  const s = o.status ?? {};
  const base = { kind, namespace: o.metadata?.namespace ?? '', name: o.metadata?.name ?? '' };
  if (kind === 'DaemonSet')
    return { ...base, desired: s.desiredNumberScheduled ?? 0, ready: s.numberReady ?? 0, updated: s.updatedNumberScheduled ?? 0, available: s.numberAvailable ?? 0 };
  return { ...base, desired: o.spec?.replicas ?? 1, ready: s.readyReplicas ?? 0, updated: s.updatedReplicas ?? 0, available: s.availableReplicas ?? 0 };
}

/** Running pods per node (Succeeded/Failed pods do not count against the node's pod limit). */
export class PodCounter {
  readonly perNode = new Map<string, number>();
  total = 0;
  add(p: Obj): void {
    const phase = p.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') return;
    const node = p.spec?.nodeName;
    if (!node) return;
    this.total++;
    this.perNode.set(node, (this.perNode.get(node) ?? 0) + 1);
  }
}

/** Services: allocated ClusterIPs and LoadBalancer ingress IPs. */
export class ServiceCounter {
  clusterIps = 0;
  readonly lbIps: string[] = [];
  add(s: Obj): void {
    for (const ip of s.spec?.clusterIPs ?? (s.spec?.clusterIP ? [s.spec.clusterIP] : [])) if (ip && ip !== 'None' && !String(ip).includes(':')) this.clusterIps++;
    if (s.spec?.type === 'LoadBalancer') for (const i of s.status?.loadBalancer?.ingress ?? []) if (i.ip) this.lbIps.push(String(i.ip));
  }
}
