// PURE: the rendered inventory of two configs compared variable by variable (what `kspray plan` and `kspray diff` show).
import { isDeepStrictEqual } from 'node:util';
import type { Cluster } from '../config/model.js';
import { groupVarFiles } from './group-vars.js';
import { hostsDocument } from './hosts.js';

export interface VarChange {
  /** the inventory file, e.g. hosts.yaml or group_vars/k8s_cluster/kspray.yml */
  file: string;
  /** set for host variables and group membership in hosts.yaml */
  host?: string;
  variable: string;
  old?: unknown;
  new?: unknown;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});

function varsDiff(file: string, a: Obj, b: Obj, host?: string): VarChange[] {
  const out: VarChange[] = [];
  for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort())
    if (!isDeepStrictEqual(a[k], b[k]))
      out.push({ file, ...(host !== undefined ? { host } : {}), variable: k, ...(k in a ? { old: a[k] } : {}), ...(k in b ? { new: b[k] } : {}) });
  return out;
}

/** Each host's groups, as hosts.yaml states them. */
function membership(doc: Obj): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const [g, body] of Object.entries(obj(obj(doc.all).children)))
    for (const h of Object.keys(obj(obj(body).hosts))) m.set(h, [...(m.get(h) ?? []), g].sort());
  return m;
}

/** What changes in the rendered inventory from `before` to `after`, file by file, host by host, variable by variable. */
export function inventoryDiff(before: Cluster, after: Cluster): VarChange[] {
  const [da, db] = [hostsDocument(before), hostsDocument(after)];
  const [ha, hb] = [obj(obj(da.all).hosts), obj(obj(db.all).hosts)];
  const out: VarChange[] = [];
  const [ma, mb] = [membership(da), membership(db)];
  for (const h of [...new Set([...Object.keys(ha), ...Object.keys(hb)])]) {
    out.push(...varsDiff('hosts.yaml', obj(ha[h]), obj(hb[h]), h));
    const [ga, gb] = [ma.get(h) ?? [], mb.get(h) ?? []];
    if (!isDeepStrictEqual(ga, gb)) out.push({ file: 'hosts.yaml', host: h, variable: '(groups)', ...(h in ha ? { old: ga } : {}), ...(h in hb ? { new: gb } : {}) });
  }
  const fa = new Map(groupVarFiles(before).map((f) => [f.path, f.vars]));
  const fb = new Map(groupVarFiles(after).map((f) => [f.path, f.vars]));
  for (const path of [...new Set([...fa.keys(), ...fb.keys()])].sort()) out.push(...varsDiff(path, fa.get(path) ?? {}, fb.get(path) ?? {}));
  return out;
}
