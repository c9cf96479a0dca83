// kspray certs, the health certificates check and kspray certs renew against the stand-in's real certificates
// (kubeadm's layout on the control planes, kubespray's etcd layout, the kubelet's), a real kube-apiserver and sshd.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findHost } from '../lab/info.js';
import { useLab } from './helpers.js';
import { byId, KUBE, stateKubeconfig, useEmulatableRelease } from './health-helpers.js';

const lab = useLab('certs', 110);
const IGN = ['--ignore-preflight', 'systemd'];

interface Row { where: string; file: string; name: string; daysLeft: number; status: string; notAfter: string; ca: boolean }
interface CertsJson { status: string; summary: string; certificates: Row[]; problems: { where: string; file: string; problem: string }[]; hosts: { host: string; status: string; error: string }[] }
const certsJson = (stdout: string) => JSON.parse(stdout.trim().split('\n').at(-1)!) as CertsJson;
const certs = async (extra: string[] = []) => {
  const r = await lab.run(['certs', '-o', 'json', ...extra]);
  return { ...r, json: certsJson(r.stdout) };
};

/** Re-deploy with some certificates issued to end on a given day (the stand-in's standin_cert_days). */
async function deployWithDays(days: Record<string, Record<string, number>>) {
  const text = fs.readFileSync(lab.config, 'utf8').replace(/\n    standin_cert_days: .*/, '');
  fs.writeFileSync(lab.config, text.replace(/^  extraVars:\n/m, `  extraVars:\n    standin_cert_days: ${JSON.stringify(days)}\n`));
  const r = await lab.run(['deploy', ...IGN, '--no-wait']);
  expect(r.code, r.all).toBe(0);
}

const hostFile = (host: string, p: string) => path.join(findHost(lab.info, host).fsRoot, p);

describe.skipIf(!KUBE.standin_kube_apiserver_bin)('certificates in the lab', () => {
  it('a fresh cluster: every certificate listed per host, none within the threshold, health OK', async () => {
    useEmulatableRelease(lab);
    const d = await lab.run(['deploy', ...IGN]);
    expect(d.code, d.all).toBe(0);
    const r = await certs();
    expect(r.code, r.all).toBe(0);
    const { certificates, problems, hosts } = r.json;
    expect(problems).toEqual([]);
    expect(hosts).toEqual([]);
    const on = (h: string) => certificates.filter((c) => c.where === h).map((c) => c.file);
    expect(on('km02')).toEqual(expect.arrayContaining([
      '/etc/kubernetes/pki/ca.crt', '/etc/kubernetes/pki/front-proxy-ca.crt', '/etc/kubernetes/pki/apiserver.crt', '/etc/kubernetes/pki/apiserver-kubelet-client.crt', '/etc/kubernetes/pki/front-proxy-client.crt',
      '/etc/kubernetes/admin.conf', '/etc/kubernetes/super-admin.conf', '/etc/kubernetes/controller-manager.conf', '/etc/kubernetes/scheduler.conf',
      '/var/lib/kubelet/pki/kubelet-client-current.pem', '/var/lib/kubelet/pki/kubelet.crt',
      '/etc/ssl/etcd/ssl/ca.pem', '/etc/ssl/etcd/ssl/member-km02.pem', '/etc/ssl/etcd/ssl/admin-km02.pem', '/etc/ssl/etcd/ssl/node-kube01.pem',
    ]));
    expect(on('kube01').sort()).toEqual(['/var/lib/kubelet/pki/kubelet-client-current.pem', '/var/lib/kubelet/pki/kubelet.crt']);
    // the operator's kubeconfig, read on this machine
    expect(certificates.find((c) => c.where === 'local' && !c.ca)).toMatchObject({ file: stateKubeconfig(lab), name: 'kubeconfig (user kubernetes-admin-kspray-lab)' });
    expect(certificates.every((c) => c.status === 'ok')).toBe(true);
    // never a private key in what is printed
    expect(r.all).not.toMatch(/PRIVATE KEY|client-key-data/);
    expect(r.json.summary).toMatch(/^first expiry: .+ on \S+ in 36[45] days$/);
    const h = await lab.run(['health', '-o', 'json']);
    expect(h.code, h.all).toBe(0);
    expect(byId(h.stdout, 'certs.expiry')).toMatchObject({ status: 'ok' });
  });
});
