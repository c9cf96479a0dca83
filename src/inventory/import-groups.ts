// PURE: an inventory as `ansible-inventory --list --export` and `--list` state it, read into groups (under today's
// kubespray names), the variables each group and host defines, and what every host ends up seeing.
import { VAULT_PREFIX } from '../config/vault-tag.js';

export type Vars = Record<string, unknown>;

/** Group names kubespray used before v2.19; kubespray maps them at run time, kspray once, here. */
export const LEGACY_GROUPS: Record<string, string> = {
  'kube-master': 'kube_control_plane',
  kube_master: 'kube_control_plane',
  'kube-node': 'kube_node',
  'k8s-cluster': 'k8s_cluster',
  'calico-rr': 'calico_rr',
};

export interface Group {
  hosts: string[];
  children: string[];
  vars: Vars;
}

export interface ResolvedInventory {
  groups: Map<string, Group>;
  /** the variables each host defines itself (host line, host_vars/) */
  hostVars: Record<string, Vars>;
  /** every variable each host sees, Ansible's precedence applied */
  effective: Record<string, Vars>;
  /** [legacy name, today's name] for every legacy group found */
  legacy: [string, string][];
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** Ansible's JSON for a vault value ({"__ansible_vault": ciphertext}) back to the ciphertext kspray carries. */
export function unwrapVault(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(unwrapVault);
  if (v && typeof v === 'object') {
    const o = v as Obj;
    const keys = Object.keys(o);
    if (keys.length === 1 && typeof o.__ansible_vault === 'string' && o.__ansible_vault.startsWith(VAULT_PREFIX)) return o.__ansible_vault;
    return Object.fromEntries(keys.map((k) => [k, unwrapVault(o[k])]));
  }
  return v;
}

const vars = (v: unknown): Vars => unwrapVault(obj(v)) as Vars;

function merge(into: Group, g: Group): void {
  for (const h of g.hosts) if (!into.hosts.includes(h)) into.hosts.push(h);
  for (const c of g.children) if (!into.children.includes(c)) into.children.push(c);
  Object.assign(into.vars, g.vars);
}

/** `exported`: the output of `--list --export`; `listed`: of `--list`. */
export function readResolved(exported: unknown, listed: unknown): ResolvedInventory {
  const rename = (n: string) => LEGACY_GROUPS[n] ?? n;
  const legacy: [string, string][] = [];
  const groups = new Map<string, Group>();
  for (const [name, body] of Object.entries(obj(exported))) {
    if (name === '_meta') continue;
    const b = obj(body);
    const to = rename(name);
    if (to !== name) legacy.push([name, to]);
    const g: Group = { hosts: strings(b.hosts), children: strings(b.children).map(rename), vars: vars(b.vars) };
    const seen = groups.get(to);
    if (seen) merge(seen, g);
    else groups.set(to, g);
  }
  const hostVars = Object.fromEntries(Object.entries(obj(obj(obj(exported)._meta).hostvars)).map(([h, v]) => [h, vars(v)]));
  const effective = Object.fromEntries(Object.entries(obj(obj(obj(listed)._meta).hostvars)).map(([h, v]) => [h, vars(v)]));
  for (const g of groups.values()) for (const h of g.hosts) hostVars[h] ??= {};
  for (const h of Object.keys(hostVars)) effective[h] ??= {};
  return { groups, hostVars, effective, legacy };
}

/** Every host of a group, its children's included, in inventory order. */
export function members(inv: ResolvedInventory, group: string, seen = new Set<string>()): string[] {
  const g = inv.groups.get(group);
  if (!g || seen.has(group)) return [];
  seen.add(group);
  const out = [...g.hosts];
  for (const c of g.children) for (const h of members(inv, c, seen)) if (!out.includes(h)) out.push(h);
  return out;
}

/** Where a variable is defined: each group and each host that states it itself. */
export function definitions(inv: ResolvedInventory, name: string): { groups: string[]; hosts: string[] } {
  return {
    groups: [...inv.groups].filter(([, g]) => name in g.vars).map(([n]) => n),
    hosts: Object.keys(inv.hostVars).filter((h) => name in inv.hostVars[h]!),
  };
}

/** Every variable name any group or host defines. */
export function definedNames(inv: ResolvedInventory): string[] {
  const names = new Set<string>();
  for (const g of inv.groups.values()) for (const k of Object.keys(g.vars)) names.add(k);
  for (const v of Object.values(inv.hostVars)) for (const k of Object.keys(v)) names.add(k);
  return [...names].sort();
}
