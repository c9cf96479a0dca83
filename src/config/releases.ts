// What each kubespray release can deploy and how it wants its inventory (facts: shared/reference/kubespray-facts.md §1–3).

export interface Release {
  tag: string;
  /** Kubernetes minor -> highest patch with checksums (every patch from .0 up to it is deployable) */
  kube: Record<string, number>;
  defaultKube: string;
  /** kube_version and other component versions carry a leading `v` (≤ v2.27) */
  vPrefix: boolean;
  /** group_vars/etcd.yml exists in the sample (≤ v2.28) */
  etcdGroupVarsFile: boolean;
  /** kube_node may be empty (≥ v2.26) */
  workersOptional: boolean;
  /** playbooks/facts.yml installs the system packages on every host, under the tag system-packages (≥ v2.28) */
  factsInstallsPackages: boolean;
  /** `--limit` runs assert a populated fact cache (≥ v2.27) */
  limitNeedsFactCache: boolean;
  /** remove-node.yml defaults `node` to every host (≤ v2.27) */
  removeNodeDefaultsToAll: boolean;
  ansibleCore: { min: string; maxExclusive: string };
  ansiblePackage: string;
  plugins: string[];
  proxyModes: string[];
  /** Kubernetes minors whose etcd/crictl version maps exist (v2.24.x lacks 1.29) */
  componentMaps?: string[];
  removedVars: string[];
}

const basePlugins = ['calico', 'flannel', 'cloud', 'cilium', 'cni', 'kube-ovn', 'kube-router', 'macvlan', 'custom_cni'];

function rel(tag: string, kube: Record<string, number>, defaultKube: string, extra: Partial<Release> = {}): Release {
  const [, minor] = tag.slice(1).split('.').map(Number) as [number, number, number];
  const ansible =
    minor <= 24
      ? { core: { min: '2.15.5', maxExclusive: '2.17.0' }, pkg: 'ansible==8.5.0' }
      : minor <= 28
        ? { core: { min: '2.16.4', maxExclusive: '2.17.0' }, pkg: minor === 25 ? 'ansible==9.5.1' : minor === 26 ? 'ansible==9.8.0' : 'ansible==9.13.0' }
        : minor <= 30
          ? { core: { min: '2.17.3', maxExclusive: '2.18.0' }, pkg: 'ansible==10.7.0' }
          : { core: { min: '2.18.0', maxExclusive: '2.19.0' }, pkg: 'ansible==11.13.0' };
  return {
    tag,
    kube,
    defaultKube,
    vPrefix: minor <= 27,
    etcdGroupVarsFile: minor <= 28,
    workersOptional: minor >= 26,
    factsInstallsPackages: minor >= 28,
    limitNeedsFactCache: minor >= 27,
    removeNodeDefaultsToAll: minor <= 27,
    ansibleCore: ansible.core,
    ansiblePackage: ansible.pkg,
    plugins: [...basePlugins, ...(minor <= 28 ? ['weave'] : []), ...(minor >= 27 ? ['none'] : [])],
    proxyModes: minor >= 28 ? ['iptables', 'ipvs', 'nftables'] : ['iptables', 'ipvs'],
    removedVars: minor >= 31 ? ['kubelet_static_pod_path'] : [],
    ...extra,
  };
}

export const releases: Release[] = [
  rel('v2.24.0', { '1.26': 13, '1.27': 10, '1.28': 6, '1.29': 1 }, '1.28.6', { componentMaps: ['1.26', '1.27', '1.28'] }),
  rel('v2.24.3', { '1.26': 15, '1.27': 16, '1.28': 14, '1.29': 9 }, '1.28.14', { componentMaps: ['1.26', '1.27', '1.28'] }),
  rel('v2.25.0', { '1.27': 14, '1.28': 10, '1.29': 5 }, '1.29.5'),
  rel('v2.25.1', { '1.27': 16, '1.28': 15, '1.29': 10 }, '1.29.10'),
  rel('v2.26.0', { '1.28': 12, '1.29': 7, '1.30': 4 }, '1.30.4'),
  rel('v2.26.1', { '1.28': 15, '1.29': 10, '1.30': 6 }, '1.30.6'),
  rel('v2.27.0', { '1.29': 12, '1.30': 8, '1.31': 4 }, '1.31.4'),
  rel('v2.27.1', { '1.29': 15, '1.30': 13, '1.31': 9 }, '1.31.9'),
  rel('v2.28.0', { '1.30': 13, '1.31': 9, '1.32': 5 }, '1.32.5'),
  rel('v2.28.1', { '1.30': 14, '1.31': 12, '1.32': 8 }, '1.32.8'),
  rel('v2.29.0', { '1.31': 13, '1.32': 9, '1.33': 5 }, '1.33.5'),
  rel('v2.29.1', { '1.31': 14, '1.32': 10, '1.33': 7 }, '1.33.7'),
  rel('v2.30.0', { '1.32': 11, '1.33': 7, '1.34': 3 }, '1.34.3'),
  rel('v2.31.0', { '1.33': 11, '1.34': 7, '1.35': 4 }, '1.35.4'),
];

export function findRelease(tag: string): Release | undefined {
  const t = tag.startsWith('v') ? tag : `v${tag}`;
  return releases.find((r) => r.tag === t);
}

export interface KubeVersion {
  major: number;
  minor: number;
  patch: number;
}

export function parseKubeVersion(v: string): KubeVersion | undefined {
  const m = /^v?(\d+)\.(\d+)\.(\d+)$/.exec(v.trim());
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]) };
}

export const minorKey = (v: KubeVersion) => `${v.major}.${v.minor}`;
export const formatKube = (v: KubeVersion, vPrefix: boolean) => `${vPrefix ? 'v' : ''}${v.major}.${v.minor}.${v.patch}`;

export function canDeploy(r: Release, v: KubeVersion): boolean {
  const max = r.kube[minorKey(v)];
  return max !== undefined && v.patch <= max;
}

/** Releases that can deploy a version without manual component overrides, oldest first. */
export function releasesFor(v: KubeVersion): Release[] {
  return releases.filter((r) => canDeploy(r, v) && (!r.componentMaps || r.componentMaps.includes(minorKey(v))));
}

export function describeRange(r: Release): string {
  return Object.entries(r.kube)
    .map(([m, max]) => `${m}.0–${m}.${max}`)
    .join(', ');
}
