// The normalized cluster: derived values that rules, rendering and flows share (no I/O).
import type { ClusterConfig, Host } from './schema.js';
import { findRelease, parseKubeVersion, type KubeVersion, type Release } from './releases.js';

export interface NodeHost {
  index: number;
  name: string;
  address: string;
  ip: string;
  accessIp: string;
  user?: string;
  port: number;
  keyFile?: string;
  controlPlane: boolean;
  etcd: boolean;
  worker: boolean;
  pending: boolean;
  raw: Host;
}

export interface Cluster {
  config: ClusterConfig;
  name: string;
  release?: Release;
  kube?: KubeVersion;
  hosts: NodeHost[];
  controlPlanes: NodeHost[];
  etcdMembers: NodeHost[];
  workers: NodeHost[];
}

/** `release`: facts read from the kubespray checkout, which win over the built-in table's entry for the tag. */
export function buildCluster(config: ClusterConfig, release: Release | undefined = findRelease(config.spec.kubespray.version)): Cluster {
  const { spec } = config;
  const hosts: NodeHost[] = spec.hosts.map((h, index) => {
    const ip = h.ip ?? h.address;
    const user = h.ssh?.user ?? spec.ssh.user;
    const keyFile = h.ssh?.keyFile ?? spec.ssh.keyFile;
    return {
      index,
      name: h.name,
      address: h.address,
      ip,
      accessIp: h.accessIp ?? ip,
      ...(user !== undefined ? { user } : {}),
      port: h.ssh?.port ?? spec.ssh.port,
      ...(keyFile !== undefined ? { keyFile } : {}),
      controlPlane: h.roles.includes('control-plane'),
      etcd: h.roles.includes('etcd'),
      worker: h.roles.includes('worker'),
      pending: h.pending === true,
      raw: h,
    };
  });
  const kube = parseKubeVersion(spec.kubernetes.version);
  return {
    config,
    name: config.metadata.name,
    ...(release ? { release } : {}),
    ...(kube ? { kube } : {}),
    hosts,
    controlPlanes: hosts.filter((h) => h.controlPlane),
    // kubeadm-managed etcd lives on the control planes; kubespray's etcd group is then optional
    etcdMembers: hosts.filter((h) => h.etcd),
    workers: hosts.filter((h) => h.worker),
  };
}

/** etcd member name kubespray would derive; kspray always renders it explicitly so it never shifts. */
/** A host's roles as the config spells them, in a fixed order. */
export const hostRoles = (h: NodeHost): string[] => [h.controlPlane && 'control-plane', h.etcd && 'etcd', h.worker && 'worker'].filter((r): r is string => Boolean(r));

export function etcdMemberName(cluster: Cluster, host: NodeHost): string {
  return host.raw.etcdMemberName ?? `etcd${cluster.etcdMembers.indexOf(host) + 1}`;
}

/** The inventory groups kspray fills itself (from roles, or with every host). */
export const MANAGED_GROUPS: readonly string[] = ['all', 'k8s_cluster', 'kube_control_plane', 'etcd', 'kube_node', 'calico_rr', 'bastion'];
