// PURE: which config path produces each kubespray variable, found by asking the renderer itself: change one value of
// the config at a time and see which rendered variables change. It follows the renderer without a table to keep.
import type { Cluster } from '../config/model.js';
import { buildCluster } from '../config/model.js';
import { formatPath, type PathSegment } from '../config/problems.js';
import type { ClusterConfig } from '../config/schema.js';
import { modelledVarFiles } from '../inventory/group-vars.js';
import { hostsDocument } from '../inventory/hosts.js';

export interface VarMap {
  /** group variable → config paths */
  group: Map<string, string[]>;
  /** host name → host variable → config paths */
  host: Map<string, Map<string, string[]>>;
}

type Obj = Record<string, unknown>;

function rendered(c: Cluster): { group: Map<string, string>; host: Map<string, Map<string, string>> } {
  const group = new Map<string, string>();
  for (const f of modelledVarFiles(c)) for (const [k, v] of Object.entries(f.vars)) group.set(k, JSON.stringify(v));
  const host = new Map<string, Map<string, string>>();
  const all = (hostsDocument(c).all as { hosts: Record<string, Obj> }).hosts;
  for (const [h, vars] of Object.entries(all)) host.set(h, new Map(Object.entries(vars).map(([k, v]) => [k, JSON.stringify(v)])));
  return { group, host };
}

function leaves(v: unknown, path: PathSegment[], out: PathSegment[][]): PathSegment[][] {
  if (Array.isArray(v)) v.forEach((x, i) => leaves(x, [...path, i], out));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v as Obj)) leaves(x, [...path, k], out);
  else out.push(path);
  return out;
}

const perturb = (v: unknown): unknown => (typeof v === 'number' ? v + 1 : typeof v === 'boolean' ? !v : typeof v === 'string' ? `${v}x` : 'x');

function setAt(root: unknown, path: PathSegment[], value: unknown): void {
  let o = root as Obj;
  for (const seg of path.slice(0, -1)) o = o[seg as string] as Obj;
  o[path.at(-1) as string] = value;
}

const add = (m: Map<string, string[]>, k: string, p: string) => m.set(k, [...(m.get(k) ?? []), p]);

export function buildVarMap(c: Cluster): VarMap {
  const base = rendered(c);
  const map: VarMap = { group: new Map(), host: new Map() };
  // extraVars are mapped by key, not by what they render into
  const paths = leaves(c.config, [], []).filter((p) => !(p[0] === 'spec' && p[1] === 'extraVars'));
  for (const p of paths) {
    const copy = structuredClone(c.config) as ClusterConfig;
    setAt(copy, p, perturb(p.reduce<unknown>((o, s) => (o as Obj)[s as string], copy)));
    let next: ReturnType<typeof rendered>;
    try {
      next = rendered(buildCluster(copy));
    } catch {
      continue;
    }
    const path = formatPath(p);
    for (const [k, v] of next.group) if (base.group.get(k) !== v) add(map.group, k, path);
    for (const [k] of base.group) if (!next.group.has(k)) add(map.group, k, path);
    for (const [h, vars] of base.host) {
      const nv = next.host.get(h);
      // a renamed host is a different host, not a changed variable
      if (!nv) continue;
      for (const [k, v] of vars) {
        if (nv.get(k) === v) continue;
        let hm = map.host.get(h);
        if (!hm) map.host.set(h, (hm = new Map()));
        add(hm, k, path);
      }
    }
  }
  return map;
}

/** The paths of a variable: extraVars first (they win over the modelled value), then the host's, then the group's. */
export function pathsOf(m: VarMap, c: Cluster, variable: string, host?: string): string[] {
  if (Object.hasOwn(c.config.spec.extraVars, variable)) return [`spec.extraVars.${variable}`];
  const hv = host ? m.host.get(host)?.get(variable) : undefined;
  const paths = hv ?? m.group.get(variable) ?? [];
  // a host variable changed by every host's entry (e.g. the ssh user) names the shared setting once
  return [...new Set(paths)];
}
