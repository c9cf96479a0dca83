// PURE: a resolved kubespray inventory → a kspray config. Modelled fields are taken from what the hosts see, then
// rendered back: a variable that does not come back equal for every host is carried verbatim where the inventory
// defines it instead (which stops kspray rendering its own), so nothing a host sees is lost.
import { ClusterConfig } from '../config/schema.js';
import { buildCluster, MANAGED_GROUPS } from '../config/model.js';
import type { Release } from '../config/releases.js';
import { modelledVarFiles } from './group-vars.js';
import { hostsDocument } from './hosts.js';
import { definedNames, definitions, members, type ResolvedInventory, type Vars } from './import-groups.js';
import { sameValue, type DefaultOf } from './import-compare.js';
import { clean, hostEntry, scopeOf, specSections, type Scope } from './import-spec.js';
import { convertStringBooleans, describeCarried, pruneDefaults, type ImportFinding } from './import-findings.js';

type Obj = Record<string, unknown>;

export interface ImportInput {
  inv: ResolvedInventory;
  kubespray: { version: string; path: string };
  release?: Release;
  defaults: DefaultOf;
  /** --kubernetes-version: pins kube_version */
  kubernetesVersion?: string;
}

/** A difference the import makes on purpose, which the fidelity proof accepts and the report lists. */
export interface AllowedDifference {
  host: string;
  variable: string;
  reason: string;
}

export interface ImportMapping {
  config: Obj;
  findings: ImportFinding[];
  allowed: AllowedDifference[];
  /** why the inventory cannot be imported as it is (nothing is written) */
  refusals: string[];
}

/** Host variables kspray states for every host even when the inventory leaves them to kubespray. */
const EXPLICIT: Record<string, string> = {
  ansible_host: 'the address Ansible connects to (the host name) made explicit',
  ip: 'pinned to the address; kubespray would take the default-route address the host reports',
  access_ip: 'pinned to ip, as kubespray defaults it',
  etcd_member_name: "made explicit: kubespray's default is etcd<N> by position in the etcd group",
};

/** Group variables kspray states although the release has no default for them, and why that changes nothing. */
const STATED: Record<string, string> = {
  metallb_namespace: "kspray always states it: up to v2.29 only kubespray's sample inventory sets it (the metallb role reads it from there)",
};

const groupOf = (path: string): Scope => path.split('/')[1]!.replace(/\.ya?ml$/, '') as Scope;

export function mapInventory(input: ImportInput): ImportMapping {
  const findings: ImportFinding[] = input.inv.legacy.map(([from, to]) => ({ kind: 'legacy-group', text: `group ${from} → ${to}` }));
  const { inv, converted } = convertStringBooleans(input.inv, input.defaults);
  findings.push(...converted.map((c) => ({ kind: 'string-boolean' as const, text: `${c.where}: ${c.variable} "${c.from}" → ${c.to} (the release's default is a boolean; conditionals read a string unreliably and ansible-core 2.19 rejects it)` })));
  const allowed: AllowedDifference[] = converted.flatMap((c) => c.hosts.map((host) => ({ host, variable: c.variable, reason: `string "${c.from}" converted to ${c.to}` })));
  const refusals: string[] = [];
  const eff = inv.effective;

  const cp = members(inv, 'kube_control_plane');
  const etcd = members(inv, 'etcd');
  const workers = members(inv, 'kube_node');
  const bastion = members(inv, 'bastion');
  if (members(inv, 'calico_rr').length) refusals.push(`calico_rr has hosts (${members(inv, 'calico_rr').join(', ')}); kspray does not model route reflectors yet`);
  // control planes first, in their order (the first one is special), then the etcd-only hosts and the workers
  const nodes = [...new Set([...cp, ...etcd, ...workers])];
  for (const h of Object.keys(eff)) if (!nodes.includes(h) && !bastion.includes(h)) refusals.push(`${h} is in none of kube_control_plane, etcd, kube_node (kspray needs a role for every host)`);
  const k8s = nodes.filter((h) => cp.includes(h) || workers.includes(h));
  const everyone = [...nodes, ...bastion];
  const scopeHosts: Record<Scope, string[]> = { all: everyone, etcd, k8s_cluster: k8s };
  const etcdFile = input.release ? input.release.etcdGroupVarsFile : true;

  // a variable's value where kspray renders it: one value for every host there and none elsewhere, else 'mixed'
  const target = (name: string): { kind: 'set' | 'default' | 'mixed'; value: unknown } => {
    // the jump host's user is its own (spec.ssh.bastion.user)
    const universe = name === 'ansible_user' ? nodes : everyone;
    const inside = name === 'ansible_user' ? nodes : scopeHosts[scopeOf(name, etcdFile)];
    const vals = inside.map((h) => eff[h]?.[name]);
    const present = vals.filter((v) => v !== undefined);
    const outside = universe.some((h) => !inside.includes(h) && eff[h]?.[name] !== undefined);
    if (!present.length && !outside) return { kind: 'default', value: input.defaults(name, eff[inside[0] ?? ''] ?? {}) };
    if (present.length === vals.length && !outside && present.every((v) => JSON.stringify(v) === JSON.stringify(present[0]))) return { kind: 'set', value: present[0] };
    return { kind: 'mixed', value: present[0] };
  };
  const g = (n: string) => target(n).value;

  const cn = g('cluster_name');
  const name = typeof cn === 'string' && /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(cn) ? cn : 'cluster.local';
  const kv = target('kube_version');
  let version = input.kubernetesVersion;
  if (version && kv.kind !== 'default' && kv.value !== version) {
    findings.push({ kind: 'pinned', text: `kube_version ${JSON.stringify(kv.value)} → ${version} (--kubernetes-version)` });
    allowed.push(...k8s.map((host) => ({ host, variable: 'kube_version', reason: `pinned to ${version} (--kubernetes-version)` })));
  } else if (version && kv.kind === 'default') {
    findings.push({ kind: 'pinned', text: `kube_version unset (the release default would upgrade on the next deploy) → pinned to ${version}` });
    allowed.push(...k8s.map((host) => ({ host, variable: 'kube_version', reason: `unset, pinned to ${version} (--kubernetes-version)` })));
  } else if (!version && kv.kind !== 'default' && typeof kv.value === 'string' && !kv.value.includes('{')) version = kv.value;
  else if (!version)
    refusals.push('kube_version is not set: the first deploy would move the cluster to the release default. Which Kubernetes version runs now? Pass --kubernetes-version V (or --live to read it)');

  const sshUser = target('ansible_user');
  const spec: Obj = {
    kubespray: { version: input.kubespray.version, path: input.kubespray.path },
    kubernetes: { version: version ?? 'v0.0.0' },
    ...specSections(g, name),
  };
  if (sshUser.kind !== 'set') spec.ssh = {};
  const customGroups = [...inv.groups.keys()].filter((gn) => !MANAGED_GROUPS.includes(gn) && gn !== 'ungrouped');
  const hostEntries = nodes.map((h) =>
    hostEntry(h, [cp.includes(h) && 'control-plane', etcd.includes(h) && 'etcd', workers.includes(h) && 'worker'].filter((r): r is string => Boolean(r)), eff[h] ?? {}, {
      ...(sshUser.kind === 'set' && typeof sshUser.value === 'string' ? { sshUser: sshUser.value } : {}),
      ...(etcd.includes(h) ? { etcdMemberName: `etcd${etcd.indexOf(h) + 1}` } : {}),
      groups: customGroups.filter((gn) => members(inv, gn).includes(h)),
    }),
  );
  if (bastion.length) {
    const b = eff[bastion[0]!] ?? {};
    (spec.ssh as Obj).bastion = { address: b.ansible_host ?? bastion[0], port: b.ansible_port, user: b.ansible_user === sshUser.value ? undefined : b.ansible_user };
    allowed.push(...everyone.map((host) => ({ host, variable: 'ansible_ssh_common_args', reason: "kspray's ProxyCommand verifies the jump host's key (kubespray's turns checking off)" })));
    if (b.ansible_port === undefined) allowed.push({ host: bastion[0]!, variable: 'ansible_port', reason: "Ansible's default SSH port, stated" });
  }
  spec.hosts = hostEntries;
  const draft = clean({ apiVersion: 'kspray.io/v1alpha1', kind: 'Cluster', metadata: { name }, spec }) as Obj;

  // render the draft back: what differs for any host is carried verbatim instead
  const config = parseDropping(draft);
  const cluster = buildCluster(config, input.release);
  const hostDoc = (hostsDocument(cluster).all as { hosts: Record<string, Vars> }).hosts;
  const verbatim = new Set<string>();
  for (const f of modelledVarFiles(cluster)) {
    const inside = scopeHosts[groupOf(f.path)] ?? everyone;
    for (const [v, val] of Object.entries(f.vars)) {
      // what the host sees: its own rendered variable wins over the group's
      const seen = (h: string) => (hostDoc[h]?.[v] !== undefined ? hostDoc[h]![v] : val);
      const ok = everyone.every((h) => (inside.includes(h) ? sameValue(eff[h]?.[v], seen(h), input.defaults(v, eff[h] ?? {})) : eff[h]?.[v] === undefined || hostDoc[h]?.[v] !== undefined));
      if (!ok && definitions(inv, v).groups.length + definitions(inv, v).hosts.length) verbatim.add(v);
      else if (!ok && STATED[v]) allowed.push(...inside.map((host) => ({ host, variable: v, reason: STATED[v]! })));
    }
  }
  const hostVerbatim: Record<string, Vars> = {};
  for (const h of everyone)
    for (const [v, val] of Object.entries(hostDoc[h] ?? {})) {
      const orig = eff[h]?.[v];
      if (sameValue(orig, val, input.defaults(v, eff[h] ?? {})) || verbatim.has(v)) continue;
      if (orig !== undefined) (hostVerbatim[h] ??= {})[v] = orig;
      else if (EXPLICIT[v]) allowed.push({ host: h, variable: v, reason: EXPLICIT[v]! });
    }
  // a host-level variable kspray models but did not render (its value did not fit the field) is kept on the host
  for (const h of nodes)
    for (const v of ['node_labels', 'node_taints', 'ansible_port', 'ansible_ssh_private_key_file', 'ip', 'access_ip', 'etcd_member_name'])
      if (eff[h]?.[v] !== undefined && hostDoc[h]?.[v] === undefined) (hostVerbatim[h] ??= {})[v] = eff[h]![v];

  const hostScoped = new Set([...Object.keys(EXPLICIT), 'node_labels', 'node_taints', 'ansible_port', 'ansible_ssh_private_key_file']);
  const modelled = new Set([...modelledVarFiles(cluster).flatMap((f) => Object.keys(f.vars)), ...hostScoped]);
  const extraVars: Vars = {};
  const groupVars: Record<string, Vars> = {};
  for (const v of definedNames(inv)) {
    if (modelled.has(v) && !verbatim.has(v)) continue;
    if (hostScoped.has(v) && !verbatim.has(v)) continue;
    const d = definitions(inv, v);
    for (const gn of d.groups) {
      if (gn === 'ungrouped') continue;
      if (gn === 'all') extraVars[v] = inv.groups.get(gn)!.vars[v];
      else (groupVars[gn] ??= {})[v] = inv.groups.get(gn)!.vars[v];
    }
    for (const h of d.hosts) if (everyone.includes(h) && !bastion.includes(h)) (hostVerbatim[h] ??= {})[v] = inv.hostVars[h]![v];
  }
  const out = draft as { spec: Obj & { hosts: Obj[] } };
  out.spec.hosts = out.spec.hosts.map((e) => (hostVerbatim[e.name as string] ? { ...e, vars: hostVerbatim[e.name as string] } : e));
  if (Object.keys(extraVars).length) out.spec.extraVars = extraVars;
  if (Object.keys(groupVars).length) out.spec.groupVars = groupVars;
  findings.push(...describeCarried(out.spec, verbatim));
  return { config: pruneDefaults(out), findings, allowed, refusals };
}

/** The draft as the schema reads it; a field the schema refuses is dropped (the round trip then carries its variable). */
function parseDropping(draft: Obj): ClusterConfig {
  for (let i = 0; i < 50; i++) {
    const r = ClusterConfig.safeParse(draft);
    if (r.success) return r.data;
    const path = r.error.issues[0]!.path;
    let o: any = draft;
    for (const seg of path.slice(0, -1)) o = o?.[seg as string];
    if (!o || path.length === 0) break;
    const last = path.at(-1)!;
    if (Array.isArray(o) && typeof last === 'number') o.splice(last, 1);
    else delete o[last as string];
  }
  throw new Error('import: the draft config does not parse');
}
