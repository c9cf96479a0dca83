// `kspray docs --live`: what the document adds from the running cluster: hardware from the fact cache (with the
// Kubernetes API filling what the cache lacks), CPU/memory allocatable and requested, the kubeconfig's certificate
// expiry. An API that cannot be reached is recorded in the model, not thrown.
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Cluster } from '../config/model.js';
import { isKsprayError } from '../errors.js';
import { loadKubeConfig, type KubeconfigSource } from '../health/run.js';
import { KubeClient } from '../health/kube-client.js';
import { allInOrder } from '../health/settle.js';
import { quantity } from '../health/summarize.js';
import { readFactCache, type Hardware } from './facts.js';
import type { DocLive } from './schema.js';

type Obj = Record<string, any>;

export interface LiveInput {
  cluster: Cluster;
  factCacheDir: string;
  /** the fact cache directory as the document shows it */
  factCacheShown: string;
  kubeconfig: KubeconfigSource & { file: string };
  /** given with --kubeconfig: a missing file is then a usage error, not a stated absence */
  kubeconfigExplicit: boolean;
  now: Date;
  timeoutMs?: number;
}

export interface ApiNode {
  name: string;
  hardware: Hardware;
  cpuMilli: number;
  memBytes: number;
}

const DAY = 86_400_000;

/** A pod's effective request: the larger of its containers' sum and its largest init container, plus overhead. */
export function podRequests(p: Obj): { cpuMilli: number; memBytes: number } {
  const req = (c: Obj) => ({ cpu: quantity(c?.resources?.requests?.cpu) * 1000, mem: quantity(c?.resources?.requests?.memory) });
  const sum = (p.spec?.containers ?? []).map(req).reduce((a: { cpu: number; mem: number }, b: { cpu: number; mem: number }) => ({ cpu: a.cpu + b.cpu, mem: a.mem + b.mem }), { cpu: 0, mem: 0 });
  const init = (p.spec?.initContainers ?? []).map(req);
  const over = p.spec?.overhead ?? {};
  return {
    cpuMilli: Math.round(Math.max(sum.cpu, ...init.map((i: { cpu: number }) => i.cpu)) + quantity(over.cpu) * 1000),
    memBytes: Math.round(Math.max(sum.mem, ...init.map((i: { mem: number }) => i.mem)) + quantity(over.memory)),
  };
}

export function apiNode(n: Obj): ApiNode {
  const cap = n.status?.capacity ?? {};
  const alloc = n.status?.allocatable ?? {};
  const info = n.status?.nodeInfo ?? {};
  const cpus = quantity(cap.cpu);
  const hardware: Hardware = {
    ...(Number.isInteger(cpus) && cpus > 0 ? { cpus } : {}),
    ...(cap.memory ? { memoryMb: Math.round(quantity(cap.memory) / 2 ** 20) } : {}),
    // the filesystem the kubelet keeps pods' data on: the one disk size the API knows
    ...(cap['ephemeral-storage'] ? { disks: [{ name: 'kubelet filesystem', bytes: Math.round(quantity(cap['ephemeral-storage'])) }] } : {}),
    ...(info.osImage ? { os: String(info.osImage) } : {}),
    ...(info.kernelVersion ? { kernel: String(info.kernelVersion) } : {}),
  };
  return { name: n.metadata?.name ?? '', hardware, cpuMilli: Math.round(quantity(alloc.cpu) * 1000), memBytes: Math.round(quantity(alloc.memory)) };
}

async function fromApi(k: KubeClient): Promise<{ nodes: Map<string, ApiNode>; pods: number; cpuMilli: number; memBytes: number }> {
  const nodes = new Map<string, ApiNode>();
  const r = { pods: 0, cpuMilli: 0, memBytes: 0 };
  await allInOrder([
    k.list('/api/v1/nodes', (items) => items.forEach((n) => { const a = apiNode(n); nodes.set(a.name, a); })),
    k.list('/api/v1/pods?fieldSelector=status.phase!%3DSucceeded,status.phase!%3DFailed', (items) => {
      for (const p of items) {
        if (!p.spec?.nodeName) continue;
        const q = podRequests(p);
        r.pods++;
        r.cpuMilli += q.cpuMilli;
        r.memBytes += q.memBytes;
      }
    }),
  ]);
  return { nodes, ...r };
}

/** The first certificate kspray can see expire: the kubeconfig user's client certificate (embedded or a file). */
export function kubeconfigCertificate(user: { certData?: string; certFile?: string } | null | undefined, now: Date): DocLive['certificate'] {
  const pem = user?.certData ? Buffer.from(user.certData, 'base64') : user?.certFile ? readFileSync(user.certFile) : undefined;
  if (!pem) return { found: false, reason: 'the kubeconfig user authenticates without a client certificate' };
  const x = new X509Certificate(pem);
  const notAfter = new Date(x.validTo);
  return { found: true, what: 'kubeconfig client certificate', subject: x.subject.replace(/\n/g, ', '), notAfter: notAfter.toISOString(), daysLeft: Math.floor((notAfter.getTime() - now.getTime()) / DAY) };
}

export async function collectLive(i: LiveInput): Promise<DocLive> {
  const names = i.cluster.hosts.map((h) => h.name);
  const cache = await readFactCache(i.factCacheDir, names);
  const kc = await loadKubeConfig(i.kubeconfig).catch((e: unknown) => {
    // the default kubeconfig not fetched yet is a state the document states; a named one that is wrong is a usage error
    if (i.kubeconfigExplicit || !isKsprayError(e)) throw e;
    return e;
  });
  if (!('getCurrentUser' in kc))
    return { ...base(i, names, cache), kubernetes: { reachable: false, server: '', error: kc.message, ...(kc.hint ? { hint: kc.hint } : {}) }, certificate: { found: false, reason: kc.message } };
  let certificate: DocLive['certificate'];
  try {
    certificate = kubeconfigCertificate(kc.getCurrentUser(), i.now);
  } catch (e) {
    certificate = { found: false, reason: `the kubeconfig client certificate cannot be read: ${(e as Error).message}` };
  }
  let api: Awaited<ReturnType<typeof fromApi>> | undefined;
  let kubernetes: DocLive['kubernetes'];
  const server = kc.getCurrentCluster()?.server ?? '';
  try {
    const k = await KubeClient.create(kc, { timeoutMs: i.timeoutMs ?? 10_000 });
    try {
      api = await fromApi(k);
    } finally {
      k.close();
    }
    const sum = (f: (n: ApiNode) => number) => [...api!.nodes.values()].reduce((a, n) => a + f(n), 0);
    kubernetes = { reachable: true, server, nodes: api.nodes.size, allocatableCpuMilli: sum((n) => n.cpuMilli), allocatableMemoryBytes: sum((n) => n.memBytes), pods: api.pods, requestedCpuMilli: api.cpuMilli, requestedMemoryBytes: api.memBytes };
  } catch (e) {
    if (!isKsprayError(e)) throw e;
    kubernetes = { reachable: false, server, error: e.message, ...(e.hint ? { hint: e.hint } : {}) };
  }
  return { ...base(i, names, cache, api?.nodes), kubernetes, certificate };
}

const base = (i: LiveInput, names: string[], cache: Map<string, Hardware | undefined>, api?: Map<string, ApiNode>) => ({
  collectedAt: i.now.toISOString(),
  factCache: i.factCacheShown,
  nodes: names.map((name) => liveNode(name, cache.get(name), api?.get(name)?.hardware)),
});

/** Fact-cache values first; the API's Node status fills what the cache lacks, each field saying where it came from. */
export function liveNode(name: string, facts: Hardware | undefined, fromApi: Hardware | undefined): DocLive['nodes'][number] {
  const hardware: Hardware = {};
  const from: Record<string, 'facts' | 'kubernetes'> = {};
  for (const key of ['cpus', 'memoryMb', 'disks', 'os', 'kernel'] as const) {
    const [v, src] = facts?.[key] !== undefined ? [facts[key], 'facts' as const] : fromApi?.[key] !== undefined ? [fromApi[key], 'kubernetes' as const] : [undefined, undefined];
    if (v === undefined || !src) continue;
    (hardware as Record<string, unknown>)[key] = v;
    from[key] = src;
  }
  return { name, cachedFacts: facts !== undefined, hardware, from };
}
