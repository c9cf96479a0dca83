// PURE: what `kspray certs renew` runs on a control plane, the documented way (kubeadm, as kubespray's own
// k8s-certs-renew script does): renew every kubeadm-managed certificate (kubeadm never renews a CA), then remove the
// control-plane static pods so the kubelet starts them again on the new certificates; and the API server probe.
import type { CertInfo } from './inspect.js';
import { ETCD_SSL, PKI } from './remote.js';

export const RENEW = ['kubeadm', 'certs', 'renew', 'all'] as const;

/** kubespray's pattern for the control-plane pods (etcd- only exists with kubeadm-managed etcd) */
const PODS = 'kube-scheduler-*|kube-controller-manager-*|kube-apiserver-*|etcd-*';

/** One sh script: renew, then restart the static pods; the pods removed are printed, one per line, after a marker. */
export function renewScript(): string {
  return [
    'set -e',
    'command -v kubeadm >/dev/null || { echo "kubeadm not found on this host" >&2; exit 127; }',
    RENEW.join(' '),
    'echo "--- kspray-restarted"',
    `crictl pods --namespace kube-system --name '${PODS}' -q | xargs -r crictl rmp -f`,
  ].join('\n');
}

export function restartedPods(out: string): string[] {
  const i = out.indexOf('--- kspray-restarted');
  return i < 0 ? [] : out.slice(i).split('\n').slice(1).map((l) => l.trim()).filter(Boolean);
}

/** The node's own API server answers /readyz with "ok" (checked on the node, against the cluster CA). */
export const readyzProbe = (ip: string, port: number) => ['curl', '-sS', '--max-time', '5', '--cacert', `${PKI}/ca.crt`, `https://${ip.includes(':') ? `[${ip}]` : ip}:${port}/readyz`];

/** Certificates kubeadm renews: its PKI and kubeconfigs, never a CA, never the kubelet's (it rotates its own), never etcd's of kubespray. */
export function renewedByKubeadm(c: CertInfo): boolean {
  if (c.ca || c.file.startsWith(`${ETCD_SSL}/`) || c.file.includes('/kubelet')) return false;
  return c.file.startsWith(`${PKI}/`) || /^\/etc\/kubernetes\/(admin|super-admin|controller-manager|scheduler)\.conf$/.test(c.file);
}

export const ETCD_REASON = "kubespray issues etcd's certificates with its own CA and a long lifetime, and kubeadm does not manage them: they are re-issued only through kubespray's playbook (cluster.yml --tags etcd-secrets,etcd)";
