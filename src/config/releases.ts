// What each kubespray release can deploy and how it wants its inventory, as read from each tag's own files
// (src/kubespray/release-facts.ts reads the same facts from a checkout, which then wins over this table).

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
  /** versions installed by default for the default Kubernetes version, without a leading `v` */
  components?: { etcd: string; containerd: string; calico: string };
}

// in the order kubespray's assert lists them; weave was dropped in v2.29, `none` added in v2.27
const plugins = ['calico', 'flannel', 'weave', 'cloud', 'cilium', 'cni', 'kube-ovn', 'kube-router', 'macvlan', 'custom_cni', 'none'];
type Components = NonNullable<Release['components']>;

function rel(tag: string, kube: Record<string, number>, defaultKube: string, components: Components, extra: Partial<Release> = {}): Release {
  const [, minor] = tag.slice(1).split('.').map(Number) as [number, number, number];
  const ansible =
    minor <= 24
      ? { core: { min: '2.15.5', maxExclusive: '2.17.0' }, pkg: 'ansible==8.5.0' }
      : minor <= 28
        ? { core: { min: '2.16.4', maxExclusive: '2.17.0' }, pkg: minor === 25 ? 'ansible==9.5.1' : minor === 26 ? 'ansible==9.8.0' : 'ansible==9.13.0' }
        : minor <= 30
          ? { core: { min: '2.17.3', maxExclusive: '2.18.0' }, pkg: 'ansible==10.7.0' }
          : minor === 31
            ? { core: { min: '2.18.0', maxExclusive: '2.19.0' }, pkg: 'ansible==11.13.0' }
            : // Ansible 12 is the community package of ansible-core 2.19
              { core: { min: '2.19.0', maxExclusive: '2.20.0' }, pkg: 'ansible==12.3.0' };
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
    plugins: plugins.filter((p) => (p !== 'weave' || minor <= 28) && (p !== 'none' || minor >= 27)),
    proxyModes: minor >= 28 ? ['iptables', 'ipvs', 'nftables'] : ['iptables', 'ipvs'],
    removedVars: minor >= 32 ? ['kubelet_static_pod_path', 'eviction_hard_control_plane'] : minor === 31 ? ['kubelet_static_pod_path'] : [],
    components,
    ...extra,
  };
}

const c = (etcd: string, containerd: string, calico: string): Components => ({ etcd, containerd, calico });
// v2.24.x has kubelet checksums for 1.29 but etcd/crictl maps only up to 1.28
const upTo128 = { componentMaps: ['1.26', '1.27', '1.28'] };

export const releases: Release[] = [
  rel('v2.24.0', { '1.26': 13, '1.27': 10, '1.28': 6, '1.29': 1 }, '1.28.6', c('3.5.10', '1.7.11', '3.26.4'), upTo128),
  rel('v2.24.1', { '1.26': 13, '1.27': 10, '1.28': 6, '1.29': 1 }, '1.28.6', c('3.5.10', '1.7.13', '3.26.4'), upTo128),
  rel('v2.24.2', { '1.26': 15, '1.27': 14, '1.28': 10, '1.29': 1 }, '1.28.10', c('3.5.10', '1.7.13', '3.26.4'), upTo128),
  rel('v2.24.3', { '1.26': 15, '1.27': 16, '1.28': 14, '1.29': 9 }, '1.28.14', c('3.5.16', '1.7.22', '3.26.4'), upTo128),
  rel('v2.25.0', { '1.27': 14, '1.28': 10, '1.29': 5 }, '1.29.5', c('3.5.12', '1.7.16', '3.27.3')),
  rel('v2.25.1', { '1.27': 16, '1.28': 15, '1.29': 10 }, '1.29.10', c('3.5.16', '1.7.22', '3.27.4')),
  rel('v2.26.0', { '1.28': 12, '1.29': 7, '1.30': 4 }, '1.30.4', c('3.5.12', '1.7.21', '3.28.1')),
  rel('v2.26.1', { '1.28': 15, '1.29': 10, '1.30': 6 }, '1.30.6', c('3.5.16', '1.7.23', '3.28.1')),
  rel('v2.27.0', { '1.29': 12, '1.30': 8, '1.31': 4 }, '1.31.4', c('3.5.16', '1.7.24', '3.29.1')),
  rel('v2.27.1', { '1.29': 15, '1.30': 13, '1.31': 9 }, '1.31.9', c('3.5.21', '1.7.27', '3.29.4')),
  rel('v2.28.0', { '1.30': 13, '1.31': 9, '1.32': 5 }, '1.32.5', c('3.5.16', '2.0.5', '3.29.3')),
  rel('v2.28.1', { '1.30': 14, '1.31': 12, '1.32': 8 }, '1.32.8', c('3.5.22', '2.0.6', '3.29.5')),
  rel('v2.29.0', { '1.31': 13, '1.32': 9, '1.33': 5 }, '1.33.5', c('3.5.23', '2.1.4', '3.30.3')),
  rel('v2.29.1', { '1.31': 14, '1.32': 10, '1.33': 7 }, '1.33.7', c('3.5.25', '2.1.5', '3.30.5')),
  rel('v2.30.0', { '1.32': 11, '1.33': 7, '1.34': 3 }, '1.34.3', c('3.5.26', '2.2.1', '3.30.6')),
  rel('v2.31.0', { '1.33': 11, '1.34': 7, '1.35': 4 }, '1.35.4', c('3.6.10', '2.2.3', '3.31.5')),
  // not in the checkouts kspray is tested with: the versions are master's of 2026-08-21 (its galaxy.yml says 2.32.0),
  // the Ansible range is the release's own (master still asserts 2.18)
  rel('v2.32.0', { '1.34': 11, '1.35': 8, '1.36': 4 }, '1.36.4', c('3.6.14', '2.3.4', '3.31.7')),
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
