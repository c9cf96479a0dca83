// The remote certificate read: which files by role, the one script per host, and its output parsed.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { certFiles, parseRead, readScript } from '../../src/certs/remote.js';
import { repoPath } from './helpers.js';

const read = (f: string) => readFileSync(repoPath('test', 'fixtures', 'certs', f), 'utf8');
const section = (file: string, body: string) => `\n--- kspray-cert-file ${file}\n${body}`;

describe('remote certificate read', () => {
  it('reads kubeadm PKI and kubeconfigs on control planes only; kubelet on nodes; etcd certificates everywhere', () => {
    const cp = certFiles({ controlPlane: true, worker: false, etcd: true });
    expect(cp).toEqual(expect.arrayContaining(['/etc/kubernetes/pki/apiserver.crt', '/etc/kubernetes/pki/apiserver-etcd-client.crt', '/etc/kubernetes/pki/front-proxy-client.crt', '/etc/kubernetes/pki/ca.crt', '/etc/kubernetes/admin.conf', '/etc/kubernetes/super-admin.conf', '/etc/kubernetes/scheduler.conf', '/etc/kubernetes/controller-manager.conf', '/etc/kubernetes/kubelet.conf', '/var/lib/kubelet/pki/kubelet-client-current.pem', '/etc/ssl/etcd/ssl/*.pem']));
    const worker = certFiles({ controlPlane: false, worker: true, etcd: false });
    expect(worker.filter((f) => f.startsWith('/etc/kubernetes/pki') || f.endsWith('admin.conf'))).toEqual([]);
    expect(worker).toContain('/var/lib/kubelet/pki/kubelet.crt');
    expect(certFiles({ controlPlane: false, worker: false, etcd: true })).toEqual(['/etc/ssl/etcd/ssl/*.pem']);
  });

  it('is one script that skips keys and strips key material from kubeconfigs', () => {
    const s = readScript(['/etc/kubernetes/admin.conf', '/etc/ssl/etcd/ssl/*.pem']);
    expect(s).toMatch(/^for f in \/etc\/kubernetes\/admin.conf \/etc\/ssl\/etcd\/ssl\/\*\.pem; do/);
    expect(s).toContain('*-key.pem) continue');
    expect(s).toContain("grep -v -e 'client-key-data'");
    expect(s).toContain('BEGIN CERTIFICATE');
  });

  it('parses each file of the output; a file with no certificate is named, an unreadable one too', () => {
    const out = [
      section('/etc/kubernetes/pki/apiserver.crt', read('apiserver.crt')),
      section('/etc/kubernetes/admin.conf', read('admin.conf')),
      section('/etc/kubernetes/pki/front-proxy-client.crt', ''),
      section('/etc/kubernetes/kubelet.conf', 'apiVersion: v1\nkind: Config\nusers:\n- name: x\n  user:\n    client-certificate: /var/lib/kubelet/pki/kubelet-client-current.pem\n'),
      '\n--- kspray-cert-unreadable /etc/ssl/etcd/ssl/ca.pem\n',
    ].join('');
    const r = parseRead(out, 'km01');
    expect(r.files).toEqual(['/etc/kubernetes/pki/apiserver.crt', '/etc/kubernetes/admin.conf', '/etc/kubernetes/pki/front-proxy-client.crt', '/etc/kubernetes/kubelet.conf']);
    // the CA a kubeconfig embeds is not listed again: the PKI's ca.crt is
    expect(r.certs.map((c) => [c.where, c.file, c.entry ?? c.subject])).toEqual([
      ['km01', '/etc/kubernetes/pki/apiserver.crt', 'CN=kube-apiserver'],
      ['km01', '/etc/kubernetes/admin.conf', 'user kubernetes-admin'],
    ]);
    expect(r.problems).toEqual([
      { where: 'km01', file: '/etc/kubernetes/pki/front-proxy-client.crt', problem: 'no certificate in it (neither PEM nor an embedded kubeconfig certificate)' },
      { where: 'km01', file: '/etc/ssl/etcd/ssl/ca.pem', problem: 'cannot be read (even with sudo)' },
    ]);
  });
});

describe('renewal', () => {
  it("renews kubeadm's certificates only: never a CA, the kubelet's or kubespray's etcd certificates", async () => {
    const { renewedByKubeadm } = await import('../../src/certs/renew.js');
    const c = (file: string, ca = false) => ({ where: 'km01', file, subject: '', issuer: '', ca, notBefore: '', notAfter: '', daysLeft: 1, serial: '' });
    expect(['/etc/kubernetes/pki/apiserver.crt', '/etc/kubernetes/pki/front-proxy-client.crt', '/etc/kubernetes/admin.conf', '/etc/kubernetes/super-admin.conf', '/etc/kubernetes/scheduler.conf'].every((f) => renewedByKubeadm(c(f)))).toBe(true);
    expect([c('/etc/kubernetes/pki/ca.crt', true), c('/etc/kubernetes/pki/front-proxy-ca.crt', true), c('/etc/ssl/etcd/ssl/member-km01.pem'), c('/etc/kubernetes/kubelet.conf'), c('/var/lib/kubelet/pki/kubelet-client-current.pem')].some(renewedByKubeadm)).toBe(false);
  });

  it('renews with kubeadm, then removes the control-plane pods as kubespray does, and reads which were removed', async () => {
    const { renewScript, restartedPods, readyzProbe } = await import('../../src/certs/renew.js');
    const s = renewScript();
    expect(s).toContain('\nkubeadm certs renew all\n');
    expect(s).toContain("crictl pods --namespace kube-system --name 'kube-scheduler-*|kube-controller-manager-*|kube-apiserver-*|etcd-*' -q | xargs -r crictl rmp -f");
    expect(s.indexOf('kubeadm certs renew all')).toBeLessThan(s.indexOf('crictl'));
    expect(restartedPods('[renew] done\n--- kspray-restarted\nkube-apiserver-km01\n\n')).toEqual(['kube-apiserver-km01']);
    expect(restartedPods('no marker')).toEqual([]);
    expect(readyzProbe('10.0.0.1', 6443).at(-1)).toBe('https://10.0.0.1:6443/readyz');
    expect(readyzProbe('fd00::1', 6443).at(-1)).toBe('https://[fd00::1]:6443/readyz');
  });
});
