// One health pass: kubeconfig → API probes → paginated lists summarised as they arrive → pure evaluators,
// with etcd checked over SSH alongside. Shared by `kspray health` and the wait-ready phase.
import { existsSync } from 'node:fs';
import type { KubeConfig } from '@kubernetes/client-node';
import type { Cluster } from '../config/model.js';
import { isKsprayError, KsprayError } from '../errors.js';
import { evaluateMetallb, evaluateNetworkCapacity, evaluateNodeUsage, evaluatePodsPerNode, evaluateServiceRange, type NodeUsage } from './capacity.js';
import { evaluateApiVersion, evaluateNodes, evaluateProbe, evaluateWorkloads } from './checks.js';
import { certChecks } from './certs.js';
import { etcdChecks } from './etcd.js';
import { clusterPool } from '../ssh/pool.js';
import { expectedNodes, expectedWorkloads } from './expect.js';
import { KubeClient } from './kube-client.js';
import { allInOrder } from './settle.js';
import { apiVersionFrom, parseVersion, type Ver } from './skew.js';
import { PodCounter, ServiceCounter, slimNode, summarizeNode, summarizeWorkload, type NodeSummary, type WorkloadSummary } from './summarize.js';
import { check, worst, type Check, type CheckStatus } from './types.js';

export type KubeconfigSource = { file: string; context?: string } | { yaml: string };

export interface HealthInput {
  cluster: Cluster;
  configDir: string;
  knownHostsFile: string;
  kubeconfig: KubeconfigSource;
  becomePassword?: string;
  timeoutMs?: number;
  skipEtcd?: boolean;
  skipCerts?: boolean;
}

export interface HealthReport {
  cluster: string;
  status: CheckStatus;
  counts: Record<CheckStatus, number>;
  checks: Check[];
}

export async function loadClient(src: KubeconfigSource, timeoutMs = 10_000): Promise<KubeClient> {
  return KubeClient.create(await loadKubeConfig(src), { timeoutMs });
}

/** The kubeconfig as @kubernetes/client-node reads it, on the requested context; usage errors name the file. */
export async function loadKubeConfig(src: KubeconfigSource): Promise<KubeConfig> {
  const { KubeConfig } = await import('@kubernetes/client-node');
  const kc = new KubeConfig();
  if ('yaml' in src) kc.loadFromString(src.yaml);
  else {
    if (!existsSync(src.file)) throw new KsprayError('BadArgument', `kubeconfig ${src.file} does not exist`, { hint: 'fetch it with `kspray kubeconfig`, or pass --kubeconfig FILE' });
    try {
      kc.loadFromFile(src.file);
    } catch (e) {
      throw new KsprayError('BadArgument', `kubeconfig ${src.file} cannot be read: ${(e as Error).message}`, { cause: e, hint: 'fetch a fresh one with `kspray kubeconfig`' });
    }
    if (src.context) {
      if (!kc.getContextObject(src.context)) throw new KsprayError('BadArgument', `kubeconfig ${src.file} has no context "${src.context}"`, { hint: `contexts: ${kc.getContexts().map((c) => c.name).join(', ') || 'none'}` });
      kc.setCurrentContext(src.context);
    }
  }
  return kc;
}

export function summarize(name: string, checks: Check[]): HealthReport {
  const counts: Record<CheckStatus, number> = { ok: 0, warn: 0, fail: 0, skip: 0 };
  for (const c of checks) counts[c.status]++;
  return { cluster: name, status: worst(checks.map((c) => c.status)), counts, checks };
}

export async function collectHealth(i: HealthInput): Promise<HealthReport> {
  const c = i.cluster;
  // one SSH session per host for the etcd and certificate checks, closed when the pass ends
  const pool = clusterPool(c, { configDir: i.configDir, knownHostsFile: i.knownHostsFile, timeoutMs: 10_000, ...(i.becomePassword !== undefined ? { becomePassword: i.becomePassword } : {}) });
  try {
    const ssh = allInOrder<[Check[], Check[]]>([i.skipEtcd ? Promise.resolve([]) : etcdChecks(c, pool), i.skipCerts ? Promise.resolve([]) : certChecks(c, pool, i.kubeconfig)]);
    const client = await loadClient(i.kubeconfig, i.timeoutMs).catch((e: unknown) => {
      // the kubeconfig's error is the one reported; the SSH checks', should they fail too, must not surface later as unhandled
      ssh.catch(() => undefined);
      throw e;
    });
    try {
      const api = apiChecks(c, client).catch((e: unknown) => {
        if (isKsprayError(e) && e.code === 'KubeApi' && /unreachable|TLS/.test(e.message)) return [check('api.reachable', 'API server reachable', 'fail', [e.message], e.hint)];
        throw e;
      });
      // both settle before either error is reported: an API error comes first, and the SSH checks' is never left unhandled
      const [apiResults, [etcdResults, certResults]] = await allInOrder([api, ssh]);
      return summarize(c.name, [...apiResults, ...etcdResults, ...certResults]);
    } finally {
      client.close();
    }
  } finally {
    pool.close();
  }
}

async function apiChecks(c: Cluster, k: KubeClient): Promise<Check[]> {
  const versionInfo = (await k.get<{ gitVersion?: string; emulationMajor?: string; emulationMinor?: string }>('/version'))!;
  const configured = parseVersion(c.config.spec.kubernetes.version);
  const api = apiVersionFrom(versionInfo);
  const [readyz, livez] = await allInOrder([k.raw('/readyz?verbose'), k.raw('/livez?verbose')]);
  const out: Check[] = [check('api.reachable', 'API server reachable', 'ok', [k.server]), evaluateProbe('readyz', readyz), evaluateProbe('livez', livez), evaluateApiVersion(versionInfo, configured)];

  const n = nodeCollector(c);
  const pods = new PodCounter();
  const services = new ServiceCounter();
  const wanted = expectedWorkloads(c);
  const workloads = new Map<string, WorkloadSummary>();
  // every request runs at once; the order here is the order failures are reported in (allInOrder)
  const [, , , usage] = await allInOrder([
    k.list('/api/v1/nodes', n.add),
    k.list('/api/v1/pods?fieldSelector=status.phase!%3DSucceeded,status.phase!%3DFailed', (items) => items.forEach((p) => pods.add(p))),
    k.list('/api/v1/services', (items) => items.forEach((s) => services.add(s))),
    nodeUsage(k),
    ...wanted.map(async (w) => {
      const o = await k.get(`/apis/apps/v1/namespaces/${w.namespace}/${w.kind === 'DaemonSet' ? 'daemonsets' : 'deployments'}/${w.name}`, { allow404: true });
      if (o) workloads.set(`${w.kind}/${w.namespace}/${w.name}`, summarizeWorkload(w.kind, o));
    }),
  ]);
  const nodes = n.found;
  out.push(...n.evaluate(configured, api?.effective));
  out.push(...evaluateWorkloads(wanted, workloads));
  out.push(
    evaluatePodsPerNode(nodes.values(), pods.perNode),
    evaluateNetworkCapacity(c, nodes.size),
    evaluateServiceRange(c, services.clusterIps),
    evaluateMetallb(c, services.lbIps),
    evaluateNodeUsage(usage, nodes),
  );
  return out;
}

/** The Nodes of the API against the hosts of the config, as a list callback collects them. */
function nodeCollector(c: Cluster) {
  const expected = expectedNodes(c);
  const known = new Set(expected.map((e) => e.name));
  const found = new Map<string, NodeSummary>();
  const unexpected: string[] = [];
  return {
    found,
    add: (items: Record<string, any>[]) => {
      for (const n of items) {
        const s = summarizeNode(n);
        found.set(s.name, slimNode(s, known.has(s.name)));
        if (!known.has(s.name)) unexpected.push(s.name);
      }
    },
    evaluate: (configured: Ver | undefined, api: Ver | undefined) => evaluateNodes(expected, found, unexpected, configured, api),
  };
}

/** `kspray health`'s node checks alone: every host a Node, none outside the config, roles, labels, taints, versions. */
export async function nodeChecks(k: KubeClient, c: Cluster): Promise<Check[]> {
  const api = apiVersionFrom((await k.get<{ gitVersion?: string; emulationMajor?: string; emulationMinor?: string }>('/version'))!);
  const n = nodeCollector(c);
  await k.list('/api/v1/nodes', n.add);
  return n.evaluate(parseVersion(c.config.spec.kubernetes.version), api?.effective);
}

/** metrics.k8s.io node usage, or undefined where the metrics API is not served (skip, not fail). */
async function nodeUsage(k: KubeClient): Promise<NodeUsage[] | undefined> {
  const { quantity } = await import('./summarize.js');
  const out: NodeUsage[] = [];
  try {
    const found = await k.list('/apis/metrics.k8s.io/v1beta1/nodes', (items) => {
      for (const m of items) out.push({ name: m.metadata?.name, cpuMilli: quantity(m.usage?.cpu) * 1000, memBytes: quantity(m.usage?.memory) });
    }, { allow404: true });
    return found ? out : undefined;
  } catch (e) {
    if (isKsprayError(e) && /HTTP 503/.test(e.message)) return undefined;
    throw e;
  }
}

/** Touched nodes not yet Ready (for the wait-ready phase); a cheap paginated pass over Nodes only. */
export async function notReady(k: KubeClient, names: string[]): Promise<string[]> {
  const want = new Set(names);
  const ready = new Set<string>();
  await k.list('/api/v1/nodes', (items) => {
    for (const n of items) {
      const s = summarizeNode(n);
      if (want.has(s.name) && s.ready === 'True') ready.add(s.name);
    }
  });
  return names.filter((n) => !ready.has(n));
}
