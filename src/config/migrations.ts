// PURE: what changes for a config when a cluster enters a kubespray minor: variables renamed or dropped, add-ons
// removed, inventory layout and behaviour. Variables a release refuses outright come from its `removedVars` (the
// release table, or the checkout), so this table only holds what kubespray accepts but treats differently.
import type { Cluster } from './model.js';
import type { Release } from './releases.js';

export interface Rename {
  from: string;
  to: string;
  /** the new variable's value for the old one's; undefined when the value cannot be carried over mechanically */
  value?: (old: unknown) => unknown;
}

export interface Dropped {
  name: string;
  /** what the variable did and what to use now */
  note: string;
}

export interface MinorMigration {
  minor: number;
  renames: Rename[];
  /** accepted but no longer read (kubespray ignores them): the setting silently stops working */
  dropped: Dropped[];
  /** true booleans that enabled a component the release no longer manages */
  removedAddons: { variable: string; name: string }[];
  /** values whose shape changed: refused until rewritten by hand */
  reshaped: { name: string; test: (v: unknown) => boolean; note: string }[];
  layout: string[];
  behaviour: string[];
}

const reserved = ['cpu', 'memory', 'ephemeral_storage', 'pid'].flatMap((r) => [`kube_master_${r}_reserved`, `system_master_${r}_reserved`]);

const table: MinorMigration[] = [
  { minor: 26, renames: [], dropped: [], removedAddons: [], reshaped: [], layout: [], behaviour: [] },
  {
    minor: 27,
    renames: [],
    dropped: reserved.map((name) => ({ name, note: `no longer read; set ${name.replace(/^(kube|system)_master_/, '$1_')} for the kube_control_plane group instead` })),
    removedAddons: [],
    reshaped: [
      {
        name: 'kubeadm_patches',
        test: (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
        note: 'from v2.27 kubeadm_patches is a list of {target, type, patch} (with kubeadm_patches_dir), not {enabled, source_dir, dest_dir}',
      },
    ],
    layout: ['k8s_cluster is built at run time by kubespray; kspray keeps declaring k8s_cluster:children so --limit runs keep its variables'],
    behaviour: ['a --limit run needs a fact cache for every host outside the limit (kspray refreshes it first)'],
  },
  {
    minor: 28,
    renames: [{ from: 'enable_dual_stack_networks', to: 'ipv6_stack', value: (v) => v }],
    dropped: [],
    removedAddons: [
      { variable: 'krew_enabled', name: 'krew' },
      { variable: 'cephfs_provisioner_enabled', name: 'the CephFS provisioner' },
      { variable: 'rbd_provisioner_enabled', name: 'the RBD provisioner' },
    ],
    reshaped: [],
    layout: ['versions are rendered without a leading v (kube_version: 1.32.8)', 'roles renamed to kubespray_defaults, bootstrap_os, remove_node'],
    behaviour: ['playbooks/facts.yml installs the system packages on every host (kspray skips the system-packages tag where it only needs facts)'],
  },
  {
    minor: 29,
    renames: [],
    dropped: [
      { name: 'calico_cni_pool', note: 'no longer read; Calico takes its pool from kube_pods_subnet' },
      { name: 'calico_cni_pool_ipv6', note: 'no longer read; Calico takes its IPv6 pool from kube_pods_subnet_ipv6' },
    ],
    removedAddons: [],
    reshaped: [],
    layout: ['group_vars/etcd.yml is gone: kspray renders the etcd settings into group_vars/all'],
    behaviour: ['the weave network plugin is removed'],
  },
  { minor: 30, renames: [], dropped: [], removedAddons: [], reshaped: [], layout: [], behaviour: [] },
  {
    minor: 31,
    renames: [
      {
        from: 'cilium_kube_proxy_replacement',
        to: 'cilium_kube_proxy_replacement',
        value: (v) => (v === 'strict' ? true : v === 'partial' || v === 'disabled' ? false : v),
      },
    ],
    dropped: [{ name: 'ETCD_ENABLE_V2', note: 'etcd 3.6 has no v2 API' }],
    removedAddons: [
      { variable: 'ingress_nginx_enabled', name: 'ingress-nginx' },
      { variable: 'dashboard_enabled', name: 'the Kubernetes Dashboard' },
      { variable: 'deploy_netchecker', name: 'netchecker' },
    ],
    reshaped: [],
    layout: ['kubeadm is configured with the v1beta4 config only'],
    behaviour: ['a new client certificate is minted for admin.conf on every run'],
  },
  {
    minor: 32,
    renames: [],
    dropped: [],
    removedAddons: [],
    reshaped: [],
    layout: [],
    behaviour: ['ansible-core 2.19: conditionals need real booleans, so string values such as "true" in extraVars break `when:`'],
  },
];

export const minorOf = (tag: string) => Number(tag.slice(1).split('.')[1]);

export function migrationFor(minor: number): MinorMigration | undefined {
  return table.find((m) => m.minor === minor);
}

export type ChangeKind = 'rewrite' | 'refused' | 'dropped' | 'addon' | 'layout' | 'behaviour' | 'ansible';

export interface HopChange {
  kind: ChangeKind;
  /** the config path it concerns, e.g. spec.extraVars.enable_dual_stack_networks */
  path?: string;
  text: string;
  fix?: string;
}

const extraPath = (k: string) => `spec.extraVars.${k}`;
const stringBool = (v: unknown) => typeof v === 'string' && /^(true|false|yes|no)$/i.test(v);

/**
 * Entering `to` from `from`: what it means for this config's extra variables and the cluster, and the extra variables
 * rewritten where the change is mechanical. Refused changes leave their key as it was.
 */
export function migrate(cluster: Cluster, extraVars: Record<string, unknown>, from: Release, to: Release): { changes: HopChange[]; extraVars: Record<string, unknown> } {
  const changes: HopChange[] = [];
  const out = { ...extraVars };
  for (let minor = minorOf(from.tag) + 1; minor <= minorOf(to.tag); minor++) {
    const m = migrationFor(minor);
    if (!m) continue;
    for (const r of m.renames) {
      if (!(r.from in out)) continue;
      const old = out[r.from];
      const value = r.value?.(old);
      if (r.from === r.to && value === old) continue;
      delete out[r.from];
      out[r.to] = value;
      changes.push({
        kind: 'rewrite',
        path: extraPath(r.from),
        text: r.from === r.to ? `${r.from}: ${JSON.stringify(old)} becomes ${JSON.stringify(value)} (its values changed in v2.${minor})` : `${r.from} is renamed ${r.to} in v2.${minor}`,
      });
    }
    for (const d of m.dropped)
      if (d.name in out) changes.push({ kind: 'dropped', path: extraPath(d.name), text: `${d.name} has no effect from v2.${minor}: ${d.note}`, fix: `remove spec.extraVars.${d.name}` });
    for (const r of m.reshaped)
      if (r.name in out && r.test(out[r.name])) changes.push({ kind: 'refused', path: extraPath(r.name), text: r.note, fix: `rewrite spec.extraVars.${r.name} in the new shape before this hop` });
    for (const a of m.removedAddons)
      if (out[a.variable] === true)
        changes.push({
          kind: 'addon',
          path: extraPath(a.variable),
          text: `kubespray v2.${minor} no longer installs or upgrades ${a.name}: what runs stays but is not managed any more`,
          fix: `remove spec.extraVars.${a.variable} and manage ${a.name} yourself (or remove it from the cluster)`,
        });
    for (const l of m.layout) changes.push({ kind: 'layout', text: l });
    for (const b of m.behaviour) changes.push({ kind: 'behaviour', text: b });
    if (minor === 29 && cluster.config.spec.network.plugin === ('weave' as string))
      changes.push({ kind: 'refused', path: 'spec.network.plugin', text: 'kubespray v2.29 removed the weave network plugin', fix: 'migrate the cluster to another network plugin before this hop' });
    if (minor === 32)
      for (const [k, v] of Object.entries(out))
        if (stringBool(v)) changes.push({ kind: 'rewrite', path: extraPath(k), text: `${k}: "${String(v)}" is a string; ansible-core 2.19 needs a boolean`, fix: `write ${k}: ${/^(true|yes)$/i.test(String(v))}` });
  }
  // refused by the release itself: kubespray fails the run when these are set
  for (const k of to.removedVars)
    if (k in out && !from.removedVars.includes(k))
      changes.push({ kind: 'refused', path: extraPath(k), text: `kubespray ${to.tag} fails the run when ${k} is set (removed variable)`, fix: `remove spec.extraVars.${k}` });
  const [fromEtcd, toEtcd] = [from.components?.etcd, to.components?.etcd].map((v) => v?.split('.').slice(0, 2).join('.'));
  if (fromEtcd && toEtcd && fromEtcd !== toEtcd)
    changes.push({ kind: 'behaviour', text: `etcd moves from ${fromEtcd} to ${toEtcd} (members are upgraded one at a time; take the backup first, it is the way back)` });
  if (from.ansibleCore.min !== to.ansibleCore.min || from.ansibleCore.maxExclusive !== to.ansibleCore.maxExclusive)
    changes.push({ kind: 'ansible', text: `needs ansible-core >=${to.ansibleCore.min},<${to.ansibleCore.maxExclusive} (${to.ansiblePackage}); its own venv` });
  return { changes, extraVars: out };
}
