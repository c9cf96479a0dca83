// Ports that collide with what every node already listens on, and paths kubespray creates, chowns and (on reset) deletes.
import { posix } from 'node:path';
import type { Rule } from './context.js';

/** Ports kubespray's components bind on every node (or every control plane). */
const nodePorts: Record<number, string> = {
  22: 'SSH',
  2379: 'etcd clients',
  2380: 'etcd peers',
  2381: 'etcd metrics',
  10248: 'the kubelet health check',
  10249: 'kube-proxy metrics',
  10250: 'the kubelet API',
  10256: 'the kube-proxy health check',
  10257: 'kube-controller-manager',
  10259: 'kube-scheduler',
};

// system directories: kubespray chowns its data dirs and reset.yml deletes them
const systemDirs = new Set(['/', '/bin', '/boot', '/dev', '/etc', '/home', '/lib', '/lib64', '/mnt', '/opt', '/proc', '/root', '/run', '/sbin', '/srv', '/sys', '/tmp', '/usr', '/usr/local', '/var', '/var/lib', '/var/log']);

export function absolutePathProblem(p: string, kind: 'dir' | 'file'): string | undefined {
  if (p.trim() === '') return 'is empty';
  // eslint-disable-next-line no-control-regex
  if (/[\s\x00-\x1f\x7f]/.test(p)) return 'contains spaces or control characters, which kubespray\'s systemd units and shell tasks do not quote';
  if (!p.startsWith('/')) return 'is relative; the path is on the nodes, and must be absolute';
  if (p.split('/').some((s) => s === '.' || s === '..')) return 'contains "." or ".." segments';
  const norm = posix.normalize(p).replace(/(.)\/+$/, '$1');
  if (kind === 'file' && p.endsWith('/')) return 'ends with "/", but it names a file';
  if (systemDirs.has(norm)) return `is the system directory ${norm}, which kubespray would take over (and reset would delete)`;
  return undefined;
}

const under = (a: string, b: string) => a === b || a.startsWith(`${b}/`);

export const portPathRules: Rule[] = [
  function apiServerPort({ cluster, problems }) {
    const { spec } = cluster.config;
    const port = spec.apiServer.port;
    const taken = nodePorts[port] ?? (port === 179 && spec.network.plugin === 'calico' && (spec.network.calico.networkBackend ?? (spec.network.calico.encapsulation === 'vxlan' ? 'vxlan' : 'bird')) === 'bird' ? "Calico's BGP (bird)" : undefined);
    const sshHost = cluster.hosts.find((h) => h.port === port && (h.controlPlane || spec.apiServer.loadBalancer.type === 'local'));
    if (taken || sshHost)
      problems.error(
        'api-server/port-collision',
        'spec.apiServer.port',
        `port ${port} is already used on the nodes by ${taken ?? `SSH (${sshHost!.name})`}, so the API server${spec.apiServer.loadBalancer.type === 'local' ? ' or its local proxy' : ''} cannot bind it`,
        'use the default 6443 (or another free port such as 8443)',
      );
  },

  function nodePaths({ cluster, problems }) {
    const { spec } = cluster.config;
    const dirs: [string, string, string][] = [
      ['spec.etcd.dataDir', spec.etcd.dataDir, 'etcd data dir'],
      ['spec.containerRuntime.containerd.storageDir', spec.containerRuntime.containerd.storageDir, 'containerd storage dir'],
    ];
    const fix = (path: string) => `use a dedicated absolute directory, e.g. ${path.includes('etcd') ? '/var/lib/etcd' : '/var/lib/containerd'}`;
    for (const [path, value, what] of dirs) {
      const why = absolutePathProblem(value, 'dir');
      if (why) problems.error('paths/bad-dir', path, `${what} ${JSON.stringify(value)} ${why}`, fix(path));
    }
    const [etcd, containerd] = dirs.map(([, v]) => posix.normalize(v).replace(/(.)\/+$/, '$1'));
    if (etcd!.startsWith('/') && containerd!.startsWith('/') && (under(etcd!, containerd!) || under(containerd!, etcd!)))
      problems.error('paths/overlap', 'spec.etcd.dataDir', `etcd data dir ${spec.etcd.dataDir} and containerd storage dir ${spec.containerRuntime.containerd.storageDir} overlap; resetting one wipes the other`, 'give each its own directory');
    const audit = spec.security.auditLog;
    if (audit.enabled) {
      const why = absolutePathProblem(audit.path, 'file');
      if (why) problems.error('paths/bad-file', 'spec.security.auditLog.path', `audit log path ${JSON.stringify(audit.path)} ${why}`, 'use an absolute file path, e.g. /var/log/audit/kube-apiserver-audit.log');
    }
  },
];
