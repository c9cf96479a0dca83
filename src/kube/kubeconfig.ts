// The admin kubeconfig: fetched from a control plane over SSH (sudo), pointed at an address the operator can
// reach, renamed after the cluster, written 0600 or merged into ~/.kube/config. Key material is never printed.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import type { Cluster, NodeHost } from '../config/model.js';
import { KsprayError } from '../errors.js';
import { writeFileAtomic } from '../fsutil/atomic.js';
import type { SshPool } from '../ssh/pool.js';

type Obj = Record<string, any>;
export const ADMIN_CONF = '/etc/kubernetes/admin.conf';

export const names = (cluster: string) => ({ cluster, user: `kubernetes-admin-${cluster}`, context: `kubernetes-admin-${cluster}@${cluster}` });

/** External LB address:port when there is one, else the control plane's SSH address and the API port. */
export function serverUrl(c: Cluster, host: NodeHost): string {
  const api = c.config.spec.apiServer;
  const lb = api.loadBalancer;
  const hostPart = (h: string) => (h.includes(':') ? `[${h}]` : h);
  if (lb.type === 'external') return `https://${hostPart(lb.domainName ?? lb.address)}:${lb.port}`;
  return `https://${hostPart(host.address)}:${api.port}`;
}

/** PURE: kubeadm's admin.conf → one cluster/user/context named after the cluster, at `server`. */
export function rewriteKubeconfig(text: string, cluster: string, server: string): Obj {
  const doc = parse(text) as Obj;
  const ctxName = doc?.['current-context'];
  const ctx = (doc?.contexts ?? []).find((x: Obj) => x.name === ctxName)?.context ?? doc?.contexts?.[0]?.context;
  const cl = (doc?.clusters ?? []).find((x: Obj) => x.name === ctx?.cluster)?.cluster;
  const user = (doc?.users ?? []).find((x: Obj) => x.name === ctx?.user)?.user;
  if (!cl || !user) throw new KsprayError('KubeApi', `${ADMIN_CONF} has no usable cluster/user entry`, { hint: 're-run `kspray deploy` to regenerate it' });
  const n = names(cluster);
  return {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: n.cluster, cluster: { ...cl, server } }],
    users: [{ name: n.user, user }],
    contexts: [{ name: n.context, context: { cluster: n.cluster, user: n.user } }],
    'current-context': n.context,
    preferences: {},
  };
}

/** PURE: entries of `add` replace same-named ones in `base`; current-context is set only when base has none. */
export function mergeKubeconfig(base: Obj | undefined, add: Obj): Obj {
  const out: Obj = base && typeof base === 'object' ? { ...base } : { apiVersion: 'v1', kind: 'Config', preferences: {} };
  for (const key of ['clusters', 'users', 'contexts']) {
    const incoming: Obj[] = add[key] ?? [];
    const keep = ((out[key] as Obj[] | undefined) ?? []).filter((e) => !incoming.some((i) => i.name === e.name));
    out[key] = [...keep, ...incoming];
  }
  if (!out['current-context']) out['current-context'] = add['current-context'];
  return out;
}

export interface FetchedKubeconfig {
  doc: Obj;
  host: string;
  server: string;
}

/** admin.conf from the first control plane that answers (sudo cat over a verified SSH session of the operation's pool). */
export async function fetchAdminKubeconfig(c: Cluster, pool: SshPool): Promise<FetchedKubeconfig> {
  const cps = c.controlPlanes.filter((h) => !h.pending);
  if (!cps.length) throw new KsprayError('ConfigInvalid', 'the config has no control-plane host to fetch admin.conf from');
  const errors: string[] = [];
  for (const h of cps) {
    try {
      const s = await pool.session(h);
      try {
        const r = await s.exec(['cat', ADMIN_CONF], { sudo: true });
        if (r.code !== 0) {
          errors.push(`${h.name}: ${r.stderr.trim() || `cat exited ${r.code}`}`);
          continue;
        }
        const server = serverUrl(c, h);
        return { doc: rewriteKubeconfig(r.stdout, c.name, server), host: h.name, server };
      } finally {
        pool.release(h.name);
      }
    } catch (e) {
      if (e instanceof KsprayError && e.code.startsWith('HostKey')) throw e;
      errors.push(`${h.name}: ${(e as Error).message}`);
    }
  }
  throw new KsprayError('KubeApi', `could not read ${ADMIN_CONF} from any control plane`, { details: errors, hint: 'is the cluster deployed (`kspray deploy`) and are the control planes reachable over SSH?' });
}

export const stateKubeconfig = (stateDir: string) => join(stateDir, 'kubeconfig');

/** kubectl's rule: with KUBECONFIG set, changes go to its first file; else ~/.kube/config. */
export function mergeTarget(env: NodeJS.ProcessEnv): string {
  const first = (env.KUBECONFIG ?? '').split(':').find((p) => p.length > 0);
  return first ?? join(env.HOME ?? '/root', '.kube', 'config');
}

export async function writeKubeconfig(path: string, doc: Obj, merge: boolean): Promise<void> {
  let out = doc;
  if (merge && existsSync(path)) {
    const text = await readFile(path, 'utf8');
    let base: Obj | undefined;
    try {
      base = (parse(text) as Obj) ?? undefined;
    } catch (e) {
      throw new KsprayError('Io', `${path} is not valid YAML; not merging into it`, { cause: e, hint: 'fix or move the file, or use --out' });
    }
    out = mergeKubeconfig(base, doc);
  }
  await writeFileAtomic(path, stringify(out, { lineWidth: 0 }), 0o600);
}
