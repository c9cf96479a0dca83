// PURE: what an import changes on purpose or carries untouched, named for the report: INI string booleans converted,
// vault values and Jinja expressions carried verbatim, and the written config free of fields equal to kspray's defaults.
import { isDeepStrictEqual } from 'node:util';
import { ClusterConfig } from '../config/schema.js';
import { isVaultText } from '../config/vault-tag.js';
import type { DefaultOf } from './import-compare.js';
import type { ResolvedInventory, Vars } from './import-groups.js';
import { isTemplated } from './import-spec.js';

type Obj = Record<string, unknown>;

export interface ImportFinding {
  kind: 'legacy-group' | 'string-boolean' | 'vault' | 'jinja' | 'verbatim' | 'pinned' | 'inventory';
  text: string;
}

export interface Converted {
  where: string;
  variable: string;
  from: string;
  to: boolean;
  hosts: string[];
}

const truth = (v: unknown): boolean | undefined => (typeof v === 'string' && /^(true|false)$/i.test(v.trim()) ? v.trim().toLowerCase() === 'true' : undefined);

/** INI `[g:vars]` values are strings: "true"/"false" where the release's default is a boolean become booleans. */
export function convertStringBooleans(inv: ResolvedInventory, defaults: DefaultOf): { inv: ResolvedInventory; converted: Converted[] } {
  const converted: Converted[] = [];
  const isBoolVar = (name: string) => typeof defaults(name, {}) === 'boolean';
  const fix = (vars: Vars, where: string): Vars => {
    const out = { ...vars };
    for (const [k, v] of Object.entries(vars)) {
      const b = truth(v);
      if (b === undefined || !isBoolVar(k)) continue;
      out[k] = b;
      converted.push({ where, variable: k, from: v as string, to: b, hosts: [] });
    }
    return out;
  };
  const groups = new Map([...inv.groups].map(([n, g]) => [n, { ...g, vars: fix(g.vars, `group ${n}`) }]));
  const hostVars = Object.fromEntries(Object.entries(inv.hostVars).map(([h, v]) => [h, fix(v, `host ${h}`)]));
  const names = new Set(converted.map((c) => c.variable));
  const effective = Object.fromEntries(
    Object.entries(inv.effective).map(([h, vars]) => {
      const out = { ...vars };
      for (const k of names) {
        const b = truth(vars[k]);
        if (b === undefined) continue;
        out[k] = b;
        for (const c of converted) if (c.variable === k && !c.hosts.includes(h)) c.hosts.push(h);
      }
      return [h, out];
    }),
  );
  return { inv: { ...inv, groups, hostVars, effective }, converted };
}

function walk(v: unknown, path: string, out: ImportFinding[]): void {
  if (isVaultText(v)) out.push({ kind: 'vault', text: `${path}: vault-encrypted, carried verbatim (kspray never decrypts it)` });
  else if (isTemplated(v)) out.push({ kind: 'jinja', text: `${path}: Jinja expression carried verbatim, not evaluated: ${String(v).split('\n')[0]!.slice(0, 80)}` });
  else if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${path}[${i}]`, out));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, `${path}.${k}`, out);
}

/** Vault values and Jinja expressions in the verbatim places, and the modelled variables kept verbatim, by config path. */
export function describeCarried(spec: Obj, verbatim: Set<string>): ImportFinding[] {
  const out: ImportFinding[] = [];
  walk(spec.extraVars, 'spec.extraVars', out);
  for (const [g, vars] of Object.entries((spec.groupVars as Obj | undefined) ?? {})) walk(vars, `spec.groupVars.${g}`, out);
  (spec.hosts as Obj[]).forEach((h, i) => h.vars && walk(h.vars, `spec.hosts[${i}].vars`, out));
  for (const v of [...verbatim].sort())
    out.push({ kind: 'verbatim', text: `${v}: kspray models it, but the inventory's value does not fit the model for every host; carried verbatim where the inventory defines it` });
  return out;
}

const isObj = (v: unknown): v is Obj => Boolean(v) && typeof v === 'object' && !Array.isArray(v);
const VERBATIM_KEYS = new Set(['extraVars', 'groupVars', 'vars']);

/** The config without the fields whose value is kspray's default anyway (it reads the same, and says only what differs). */
export function pruneDefaults(config: Obj): Obj {
  const parsed = (c: Obj) => ClusterConfig.safeParse(c);
  const base = parsed(config);
  if (!base.success) return config;
  const sweep = (o: Obj) => {
    const order = Object.keys(o);
    for (const k of order) {
      if (VERBATIM_KEYS.has(k)) continue;
      const v = o[k];
      if (Array.isArray(v)) v.forEach((x) => isObj(x) && sweep(x));
      else if (isObj(v)) sweep(v);
      const keep = o[k];
      delete o[k];
      const r = parsed(config);
      if (!r.success || !isDeepStrictEqual(r.data, base.data)) o[k] = keep;
    }
    // put back in the order written (a kept key was re-added last)
    for (const k of order)
      if (k in o) {
        const v = o[k];
        delete o[k];
        o[k] = v;
      }
  };
  sweep(config.spec as Obj);
  return config;
}
