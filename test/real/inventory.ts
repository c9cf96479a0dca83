// What real `ansible-inventory --list` must show for a rendered inventory, derived from the renderer itself
// (hosts.ts for groups and host vars, group-vars.ts for every group_vars file), so no hand list can drift.
import fs from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { Cluster } from '../../src/config/model.js';
import { groupVarFiles } from '../../src/inventory/group-vars.js';
import { hostsDocument } from '../../src/inventory/hosts.js';
import { renderInventory } from '../../src/inventory/render.js';
import { realTool, type RealKubespray } from './kubespray.js';

type Obj = Record<string, unknown>;
interface GroupNode {
  hosts?: Obj;
  children?: Record<string, GroupNode>;
}

/** Write the rendered inventory into dir (replacing it); returns the hosts.yaml path. */
export function writeRendered(c: Cluster, dir: string): string {
  fs.rmSync(dir, { recursive: true, force: true });
  for (const f of renderInventory(c, { source: 'kspray.yaml', digest: '0'.repeat(64) })) {
    fs.mkdirSync(path.dirname(path.join(dir, f.path)), { recursive: true });
    fs.writeFileSync(path.join(dir, f.path), f.content);
  }
  return path.join(dir, 'hosts.yaml');
}

/** Every group the rendered hosts.yaml declares, with all its hosts (children resolved). */
export function expectedGroups(c: Cluster): Record<string, string[]> {
  const doc = hostsDocument(c) as { all: { hosts: Obj; children: Record<string, GroupNode> } };
  const decl = new Map<string, GroupNode>();
  const collect = (children: Record<string, GroupNode>) => {
    for (const [name, g] of Object.entries(children)) {
      const seen = decl.get(name) ?? {};
      decl.set(name, { hosts: { ...seen.hosts, ...g.hosts }, children: { ...seen.children, ...g.children } });
      if (g.children) collect(g.children);
    }
  };
  collect(doc.all.children);
  const members = (name: string): string[] => {
    const g = decl.get(name) ?? {};
    return [...new Set([...Object.keys(g.hosts ?? {}), ...Object.keys(g.children ?? {}).flatMap(members)])];
  };
  const out: Record<string, string[]> = { all: Object.keys(doc.all.hosts) };
  for (const name of decl.keys()) out[name] = members(name).sort();
  // kubespray's own definition (its sample inventory), whatever hosts.yaml declares: group_vars/k8s_cluster/* apply here
  out.k8s_cluster = [...new Set(K8S_CLUSTER_CHILDREN.flatMap(members))].sort();
  return out;
}

export const K8S_CLUSTER_CHILDREN = ['kube_control_plane', 'kube_node', 'calico_rr'];

/** The group a group_vars file applies to: group_vars/<g>.yml or group_vars/<g>/<file>.yml. */
export const groupOfVarsFile = (p: string) => p.split('/')[1]!.replace(/\.ya?ml$/, '');

/** host -> every rendered variable it must see, with Ansible's precedence (all < other groups < host vars). */
export function expectedHostVars(c: Cluster): Record<string, Obj> {
  const groups = expectedGroups(c);
  const doc = hostsDocument(c) as { all: { hosts: Record<string, Obj> } };
  const files = groupVarFiles(c).sort((a, b) => Number(groupOfVarsFile(a.path) !== 'all') - Number(groupOfVarsFile(b.path) !== 'all'));
  const out: Record<string, Obj> = {};
  for (const host of groups.all!) {
    const vars: Obj = {};
    for (const f of files) if ((groups[groupOfVarsFile(f.path)] ?? []).includes(host)) Object.assign(vars, f.vars);
    out[host] = { ...vars, ...doc.all.hosts[host] };
  }
  return out;
}

export interface InventoryList {
  groups: Record<string, string[]>;
  hostvars: Record<string, Obj>;
}

/** Real `ansible-inventory --list` of the ref, from its checkout with its ansible.cfg and venv. */
export async function realInventory(k: RealKubespray, inventoryFile: string, extraArgs: string[] = []): Promise<InventoryList> {
  const r = await realTool(k, 'ansible-inventory', ['-i', inventoryFile, '--list', ...extraArgs]);
  if (r.code !== 0) throw new Error(`ansible-inventory failed (${r.code}):\n${r.output}`);
  const list = JSON.parse(r.stdout) as Record<string, { hosts?: string[]; children?: string[] }> & { _meta: { hostvars: Record<string, Obj> } };
  const members = (name: string): string[] => {
    const g = list[name] ?? {};
    return [...new Set([...(g.hosts ?? []), ...(g.children ?? []).flatMap(members)])];
  };
  const groups: Record<string, string[]> = {};
  for (const name of Object.keys(list)) if (name !== '_meta') groups[name] = members(name).sort();
  return { groups, hostvars: list._meta.hostvars };
}

/** Every expected variable whose value real Ansible shows differently: "host: var = actual (expected …)". */
export function varMismatches(expected: Record<string, Obj>, actual: Record<string, Obj>): string[] {
  const out: string[] = [];
  for (const [host, vars] of Object.entries(expected))
    for (const [k, v] of Object.entries(vars)) {
      const got = actual[host]?.[k];
      if (!isDeepStrictEqual(got, v)) out.push(`${host}: ${k} = ${got === undefined ? 'undefined' : JSON.stringify(got)} (expected ${JSON.stringify(v)})`);
    }
  return out;
}

/** Groups whose real members differ from the expected ones, then every variable shown differently. */
export function inventoryProblems(c: Cluster, inv: InventoryList): string[] {
  const groups = Object.entries(expectedGroups(c))
    .filter(([g, hosts]) => !isDeepStrictEqual(inv.groups[g] ?? [], hosts))
    .map(([g, hosts]) => `group ${g} = [${(inv.groups[g] ?? []).join(', ')}] (expected [${hosts.join(', ')}])`);
  return [...groups, ...varMismatches(expectedHostVars(c), inv.hostvars)];
}
