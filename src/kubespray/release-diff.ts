// Where a kubespray checkout's own facts and kspray's built-in table disagree, in words (pure).
import type { Release } from '../config/releases.js';

const list = (xs: readonly string[]) => (xs.length ? xs.join(', ') : 'none');
const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));

function setDifference(what: string, checkout: readonly string[], table: readonly string[]): string | undefined {
  if (sameSet(checkout, table)) return undefined;
  return `${what} ${list(checkout)}; kspray's table says ${list(table)}`;
}

function kubeDifferences(checkout: Release['kube'], table: Release['kube']): string[] {
  const out: string[] = [];
  const minors = [...new Set([...Object.keys(checkout), ...Object.keys(table)])].sort((a, b) => Number(a.split('.')[1]) - Number(b.split('.')[1]));
  for (const m of minors) {
    const c = checkout[m];
    const t = table[m];
    if (c === t) continue;
    if (c === undefined) out.push(`has no checksums for Kubernetes ${m}; kspray's table says ${m}.0–${m}.${t}`);
    else if (t === undefined) out.push(`has checksums for Kubernetes ${m}.0–${m}.${c}; kspray's table has none for ${m}`);
    else out.push(`has checksums up to ${m}.${c}; kspray's table says ${m}.${t}`);
  }
  return out;
}

const flags: [keyof Release, string, string][] = [
  ['vPrefix', 'writes versions with a leading "v"', 'writes versions without a leading "v"'],
  ['etcdGroupVarsFile', 'has inventory/sample/group_vars/etcd.yml', 'has no inventory/sample/group_vars/etcd.yml'],
  ['workersOptional', 'accepts an empty kube_node group', 'asserts kube_node is not empty'],
  ['limitNeedsFactCache', 'refuses --limit without a fact cache', 'does not check the fact cache under --limit'],
  ['removeNodeDefaultsToAll', 'remove-node.yml defaults `node` to every host', 'remove-node.yml needs `node` set'],
];

/** Each fact the checkout states differently from the table, as "kubespray checkout <tag> <fact>; kspray's table says …". */
export function releaseDifferences(checkout: Release, table: Release): string[] {
  const out: string[] = [...kubeDifferences(checkout.kube, table.kube)];
  if (checkout.defaultKube !== table.defaultKube) out.push(`defaults to Kubernetes ${checkout.defaultKube}; kspray's table says ${table.defaultKube}`);
  const a = checkout.ansibleCore;
  const b = table.ansibleCore;
  if (a.min !== b.min || a.maxExclusive !== b.maxExclusive) out.push(`needs ansible-core ≥ ${a.min}, < ${a.maxExclusive}; kspray's table says ≥ ${b.min}, < ${b.maxExclusive}`);
  if (checkout.ansiblePackage !== table.ansiblePackage) out.push(`pins ${checkout.ansiblePackage} in requirements.txt; kspray's table says ${table.ansiblePackage}`);
  for (const d of [
    setDifference('accepts the network plugins', checkout.plugins, table.plugins),
    setDifference('accepts the kube-proxy modes', checkout.proxyModes, table.proxyModes),
    setDifference('fails on the removed variables', checkout.removedVars, table.removedVars),
  ])
    if (d) out.push(d);
  const cm = checkout.componentMaps;
  const tm = table.componentMaps;
  if ((cm === undefined) !== (tm === undefined) || (cm && tm && !sameSet(cm, tm)))
    out.push(`has etcd/crictl versions for ${cm ? `Kubernetes ${list(cm)}` : 'every minor it has checksums for'}; kspray's table says ${tm ? list(tm) : 'every minor'}`);
  for (const name of ['etcd', 'containerd', 'calico'] as const) {
    const c = checkout.components?.[name];
    const t = table.components?.[name];
    if (c !== t) out.push(`installs ${name} ${c ?? '(unknown)'} by default; kspray's table says ${t ?? '(unknown)'}`);
  }
  for (const [key, yes, no] of flags) if (checkout[key] !== table[key]) out.push(`${checkout[key] ? yes : no}; kspray's table says it ${table[key] ? 'does' : 'does not'}`);
  return out.map((d) => `kubespray checkout ${checkout.tag} ${d}`);
}
