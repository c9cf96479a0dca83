// What a kubespray checkout states about its own release, read from its files (pure: file contents in, facts out).
// The same facts as kspray's built-in table (src/config/releases.ts), so the two can be compared field by field.
import type { Release } from '../config/releases.js';
import { compareVersions, DefaultsVars, parseFacts, parseSection } from './defaults-vars.js';

// for the cache of what is derived from a checkout (disk-cache.ts): it changes with this code
export const moduleUrl = import.meta.url;

/** checkout-relative path → file content (absent files are missing or undefined) */
export type CheckoutFiles = Readonly<Record<string, string | undefined>>;

// kubespray-defaults was renamed kubespray_defaults in v2.28, and its checksums moved from defaults/ to vars/
const defaultsRoles = ['roles/kubespray_defaults', 'roles/kubespray-defaults'];
const defaultsFiles = ['vars/main/main.yml', 'vars/main/checksums.yml', 'defaults/main/main.yml', 'defaults/main/download.yml', 'defaults/main/checksums.yml'];
const verifyFiles = ['roles/validate_inventory/tasks/main.yml', 'roles/kubernetes/preinstall/tasks/0040-verify-settings.yml'];
const sampleEtcd = 'inventory/sample/group_vars/etcd.yml';
const sampleInventory = 'inventory/sample/inventory.ini';

/** Every file the facts come from; a reader reads these and passes what exists. */
export const factFiles: readonly string[] = [
  'galaxy.yml',
  'requirements.txt',
  'playbooks/ansible_version.yml',
  'playbooks/remove_node.yml',
  ...verifyFiles,
  sampleInventory,
  sampleEtcd,
  ...defaultsRoles.flatMap((role) => defaultsFiles.map((f) => `${role}/${f}`)),
];

/** The Release fields a checkout states (all but the tag, which comes from git or galaxy.yml). */
export type ReadFacts = Partial<Omit<Release, 'tag'>>;

export interface CheckoutFacts {
  /** galaxy.yml `version`, e.g. "2.32.0" */
  galaxyVersion?: string;
  read: ReadFacts;
  /** fields the files did not state (missing file or a form kspray cannot evaluate) */
  unread: string[];
  /** the sample inventory.ini declares [k8s_cluster:children] (up to v2.26) */
  sampleDeclaresK8sCluster?: boolean;
  /** default versions of the add-ons and helpers, by kubespray variable (those whose Jinja this reader evaluates) */
  addonVersions?: Record<string, string>;
}

/** Version variables `kspray docs` lists beyond the Release's components. */
export const addonVersionVars = ['coredns_version', 'nodelocaldns_version', 'dnsautoscaler_version', 'metallb_version', 'cert_manager_version', 'argocd_version', 'nginx_image_tag', 'haproxy_image_tag', 'runc_version', 'cni_version', 'crictl_version'] as const;

const stripV = (v: string) => v.replace(/^v/, '');

export function galaxyVersion(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const v = (parseFacts(text) as Record<string, unknown> | null)?.version;
  return typeof v === 'string' && /^\d+\.\d+\.\d+$/.test(v) ? v : undefined;
}

/** Kubernetes minor → highest patch of kubelet_checksums['amd64'], for versions ≥ the minimum kubespray accepts. */
export function kubeRanges(keys: readonly string[], min: string): Record<string, number> {
  const out: Record<string, number> = {};
  const sorted = keys.map(stripV).filter((k) => /^\d+\.\d+\.\d+$/.test(k) && compareVersions(k, min) >= 0);
  sorted.sort((a, b) => compareVersions(a, b));
  for (const k of sorted) {
    const [major, minor, patch] = k.split('.');
    out[`${major}.${minor}`] = Number(patch);
  }
  return out;
}

/** playbooks/ansible_version.yml: minimal_ansible_version ≤ ansible < maximal_ansible_version */
export function ansibleRange(text: string | undefined): Release['ansibleCore'] | undefined {
  if (text === undefined) return undefined;
  const plays = parseFacts(text) as { vars?: Record<string, string> }[] | null;
  const vars = Array.isArray(plays) ? plays.find((p) => p?.vars?.minimal_ansible_version)?.vars : undefined;
  const min = vars?.minimal_ansible_version;
  const max = vars?.maximal_ansible_version;
  return min && max ? { min, maxExclusive: max } : undefined;
}

/** `kube_network_plugin in ['calico', …]` in kubespray's asserts */
export function allowedValues(texts: readonly (string | undefined)[], variable: string): string[] | undefined {
  for (const t of texts) {
    const m = t && new RegExp(`${variable} in \\[([^\\]]*)\\]`).exec(t);
    if (m) return [...m[1]!.matchAll(/'([^']*)'/g)].map((x) => x[1]!);
  }
  return undefined;
}

/** validate_inventory's removed_vars list (kubespray v2.31+; earlier releases have none) */
export function removedVars(validateInventory: string | undefined): string[] {
  const list = validateInventory === undefined ? undefined : parseSection(validateInventory, 'removed_vars', true);
  return Array.isArray(list) ? list.filter((x): x is string => typeof x === 'string') : [];
}

/** remove_node.yml plays on `node | default(...)`: up to v2.27 the default is every host, from v2.28 none */
export function removeNodeDefaultsToAll(text: string | undefined): boolean | undefined {
  if (text === undefined) return undefined;
  const defaults = [...text.matchAll(/node \| default\('([^']*)'\)/g)].map((m) => m[1]);
  return defaults.length ? defaults.some((d) => d !== 'this_is_unreachable') : undefined;
}

export function sampleDeclaresK8sCluster(ini: string | undefined): boolean | undefined {
  return ini === undefined ? undefined : /^\[k8s_cluster:children\]/m.test(ini);
}

export function checkoutFacts(files: CheckoutFiles): CheckoutFacts {
  const role = defaultsRoles.find((r) => defaultsFiles.some((f) => files[`${r}/${f}`] !== undefined));
  const vars = new DefaultsVars(role ? defaultsFiles.map((f) => files[`${role}/${f}`]).filter((t): t is string => t !== undefined) : []);
  const verify = verifyFiles.map((f) => files[f]);
  const read: ReadFacts = {};
  let addonVersions: Record<string, string> | undefined;

  const kubeVersion = vars.resolve('kube_version');
  const minKube = vars.resolve('kube_version_min_required');
  const kubeletKeys = vars.keysOf('kubelet_checksums', 'amd64');
  if (kubeVersion && /^v?\d+\.\d+\.\d+$/.test(kubeVersion)) {
    read.defaultKube = stripV(kubeVersion);
    read.vPrefix = kubeVersion.startsWith('v');
  }
  if (kubeletKeys && minKube) read.kube = kubeRanges(kubeletKeys, minKube);

  if (kubeVersion && read.kube) {
    const scope = { kube_version: kubeVersion, kube_major_version: kubeVersion.replace(/\.\d+$/, '') };
    const etcd = vars.resolve('etcd_version', scope);
    const containerd = vars.resolve('containerd_version', scope);
    const calico = vars.resolve('calico_version', scope);
    if (etcd && containerd && calico) read.components = { etcd: stripV(etcd), containerd: stripV(containerd), calico: stripV(calico) };
    // per-minor etcd/crictl maps that lack a minor with checksums make that minor undeployable without overrides
    const maps = ['etcd_supported_versions', 'crictl_supported_versions'].map((n) => vars.raw(n)).filter((m) => m && typeof m === 'object' && !Array.isArray(m));
    const covered = Object.keys(read.kube).filter((minor) => maps.every((m) => Object.keys(m!).some((k) => stripV(k) === minor)));
    read.componentMaps = covered.length === Object.keys(read.kube).length ? undefined : covered;
    addonVersions = Object.fromEntries(addonVersionVars.map((n) => [n, vars.resolve(n, scope)]).filter((e): e is [string, string] => e[1] !== undefined).map(([n, v]) => [n, stripV(v)]));
  }

  const ansibleCore = ansibleRange(files['playbooks/ansible_version.yml']);
  if (ansibleCore) read.ansibleCore = ansibleCore;
  const pkg = /^ansible==\S+/m.exec(files['requirements.txt'] ?? '')?.[0];
  if (pkg) read.ansiblePackage = pkg;
  const plugins = allowedValues(verify, 'kube_network_plugin');
  if (plugins) read.plugins = plugins;
  const proxyModes = allowedValues(verify, 'kube_proxy_mode');
  if (proxyModes) read.proxyModes = proxyModes;
  if (verify.some((t) => t !== undefined)) {
    read.removedVars = removedVars(files[verifyFiles[0]!]);
    // v2.24/v2.25: "Stop if either kube_control_plane or kube_node group is empty"
    read.workersOptional = !verify.some((t) => t && /^- name: Stop if .*kube_node group is empty/m.test(t));
    read.limitNeedsFactCache = verify.some((t) => t && /not have a fact cache/.test(t));
  }
  const removeNode = removeNodeDefaultsToAll(files['playbooks/remove_node.yml']);
  if (removeNode !== undefined) read.removeNodeDefaultsToAll = removeNode;
  if (files[sampleInventory] !== undefined) read.etcdGroupVarsFile = files[sampleEtcd] !== undefined;

  const all: (keyof ReadFacts)[] = ['kube', 'defaultKube', 'vPrefix', 'components', 'ansibleCore', 'ansiblePackage', 'plugins', 'proxyModes', 'removedVars', 'workersOptional', 'limitNeedsFactCache', 'removeNodeDefaultsToAll', 'etcdGroupVarsFile'];
  const galaxy = galaxyVersion(files['galaxy.yml']);
  const k8s = sampleDeclaresK8sCluster(files[sampleInventory]);
  return {
    ...(galaxy ? { galaxyVersion: galaxy } : {}),
    read,
    unread: all.filter((k) => !(k in read)),
    ...(k8s !== undefined ? { sampleDeclaresK8sCluster: k8s } : {}),
    ...(addonVersions && Object.keys(addonVersions).length ? { addonVersions } : {}),
  };
}
