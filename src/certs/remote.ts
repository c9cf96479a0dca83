// The certificates that matter on a node, read in one remote command: which files by role (kubeadm's PKI and
// kubeconfigs on control planes, the kubelet's on every Kubernetes node, kubespray's etcd certificates wherever they
// are), the script that prints them (certificate blocks only, never a private key), and its output parsed (PURE).
import type { NodeHost } from '../config/model.js';
import { shq } from '../ssh/quote.js';
import { inspectText, type CertInfo, type FileProblem } from './inspect.js';

export const PKI = '/etc/kubernetes/pki';
export const ETCD_SSL = '/etc/ssl/etcd/ssl';

/** kubeadm's certificates, CAs first; each read where present (apiserver-etcd-client only with kubeadm's etcd, etc.) */
const CONTROL_PLANE_PKI = ['ca', 'front-proxy-ca', 'apiserver', 'apiserver-kubelet-client', 'apiserver-etcd-client', 'front-proxy-client', 'etcd/ca', 'etcd/server', 'etcd/peer', 'etcd/healthcheck-client'].map((n) => `${PKI}/${n}.crt`);
export const CONTROL_PLANE_KUBECONFIGS = ['admin', 'super-admin', 'controller-manager', 'scheduler'].map((n) => `/etc/kubernetes/${n}.conf`);
const KUBELET = ['/etc/kubernetes/kubelet.conf', '/var/lib/kubelet/pki/kubelet-client-current.pem', '/var/lib/kubelet/pki/kubelet.crt', '/var/lib/kubelet/pki/kubelet-server-current.pem'];

/** The files (and globs) to read on a host, by its roles. */
export function certFiles(h: Pick<NodeHost, 'controlPlane' | 'worker' | 'etcd'>): string[] {
  return [...(h.controlPlane ? [...CONTROL_PLANE_PKI, ...CONTROL_PLANE_KUBECONFIGS] : []), ...(h.controlPlane || h.worker ? KUBELET : []), `${ETCD_SSL}/*.pem`];
}

const MARK = '--- kspray-cert-file ';
const UNREADABLE = '--- kspray-cert-unreadable ';

/**
 * One POSIX sh script for all of a host's files (run with sudo): each existing file under a marker line, kubeconfigs
 * without their key and token lines, PEM files as their certificate blocks only (kubelet-client-current.pem holds
 * the key too). Absent files are left out; globs that match nothing expand to themselves and are left out too.
 */
export function readScript(files: string[]): string {
  // the globs are kspray's own constants: left unquoted for the shell to expand
  const list = files.map((f) => (f.includes('*') ? f : shq(f))).join(' ');
  return [
    `for f in ${list}; do`,
    '  [ -f "$f" ] || continue',
    '  case "$f" in *-key.pem) continue ;; esac',
    `  [ -r "$f" ] || { printf '\\n${UNREADABLE}%s\\n' "$f"; continue; }`,
    `  printf '\\n${MARK}%s\\n' "$f"`,
    '  case "$f" in',
    "    *.conf) grep -v -e 'client-key-data' -e 'token:' \"$f\" || true ;;",
    "    *) awk '/-----BEGIN CERTIFICATE-----/,/-----END CERTIFICATE-----/' \"$f\" || true ;;",
    '  esac',
    'done',
  ].join('\n');
}

export interface HostCerts {
  certs: CertInfo[];
  problems: FileProblem[];
  /** the files read */
  files: string[];
}

/** PURE: the script's output → certificates and problems of one host. */
export function parseRead(out: string, host: string, now = new Date()): HostCerts {
  const res: HostCerts = { certs: [], problems: [], files: [] };
  const parts = out.split(/\r?\n(?=--- kspray-cert-(?:file|unreadable) )/);
  for (const part of parts) {
    const nl = part.indexOf('\n');
    const head = nl < 0 ? part : part.slice(0, nl);
    const body = nl < 0 ? '' : part.slice(nl + 1);
    if (head.startsWith(UNREADABLE)) {
      res.problems.push({ where: host, file: head.slice(UNREADABLE.length).trim(), problem: 'cannot be read (even with sudo)' });
      continue;
    }
    if (!head.startsWith(MARK)) continue;
    const file = head.slice(MARK.length).trim();
    res.files.push(file);
    // a kubeconfig pointing at certificate files (the kubelet's, with rotation) has none of its own to show
    if (file.endsWith('.conf') && !/-data:/.test(body) && /client-certificate:/.test(body)) continue;
    const r = inspectText(body, host, file, now);
    // the CA a node's kubeconfigs embed is the cluster CA, listed from the PKI already
    res.certs.push(...r.certs.filter((c) => !(c.ca && file.endsWith('.conf'))));
    res.problems.push(...r.problems);
  }
  return res;
}
