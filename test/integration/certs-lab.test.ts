// kspray certs, the health certificates check and kspray certs renew against the stand-in's real certificates
// (kubeadm's layout on the control planes, kubespray's etcd layout, the kubelet's), a real kube-apiserver and sshd.
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { findHost } from '../lab/info.js';
import { waitFor } from '../lab/wait.js';
import { KSPRAY, useLab } from './helpers.js';
import { byId, KUBE, onHost, stateFile, stateKubeconfig, useEmulatableRelease } from './health-helpers.js';

const lab = useLab('certs', 110);
const IGN = ['--ignore-preflight', 'systemd'];
// a deploy on a loaded machine can take minutes
const DEPLOY = { timeoutMs: 600_000 };

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
  const r = await lab.run(['deploy', ...IGN, '--no-wait'], DEPLOY);
  expect(r.code, r.all).toBe(0);
}

const cat = (host: string, p: string) => onHost(lab, host, `cat ${p}`);
const CPS = ['km01', 'km02', 'km03'];
const KUBEADM_LOG = '/var/lib/kspray-standin/kubeadm.log';
// while it exists on a host, the stand-in's restarted API server waits (a kubelet slow to start the pod again)
const HOLD = '/var/lib/kspray-standin/hold-apiserver';
const logs = async () => Promise.all(CPS.map((h) => onHost(lab, h, `cat ${KUBEADM_LOG} 2>/dev/null || true`)));
const apiReady = (h: string) => onHost(lab, h, `curl -sS --max-time 5 --cacert /etc/kubernetes/pki/ca.crt https://${findHost(lab.info, h).address}:6443/readyz`).then((o) => o.trim() === 'ok', () => false);
const waitApiReady = (h: string) => waitFor(() => apiReady(h), { timeoutMs: 300_000, what: `the API server on ${h} to be ready` });
const lastRenew = () => {
  const runs = path.join(path.dirname(lab.config), '.kspray', 'runs');
  const last = fs.readdirSync(runs).filter((d) => d.endsWith('certs-renew')).sort().at(-1)!;
  return JSON.parse(fs.readFileSync(path.join(runs, last, 'result.json'), 'utf8')) as { status: string; renewed?: string[] };
};

describe.skipIf(!KUBE.standin_kube_apiserver_bin)('certificates in the lab', () => {
  it('a fresh cluster: every certificate listed per host, none within the threshold, health OK', { timeout: 900_000 }, async () => {
    useEmulatableRelease(lab);
    const d = await lab.run(['deploy', ...IGN], DEPLOY);
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

  it('a certificate expiring in 5 days: certs lists it first (exit 10), health warns naming host, file and date', { timeout: 900_000 }, async () => {
    await deployWithDays({ km02: { 'apiserver-kubelet-client': 5 } });
    const r = await certs();
    expect(r.code, r.all).toBe(10);
    const first = r.json.certificates[0]!;
    expect(first).toMatchObject({ where: 'km02', file: '/etc/kubernetes/pki/apiserver-kubelet-client.crt', status: 'warn' });
    expect([4, 5]).toContain(first.daysLeft);
    expect(r.json.summary).toMatch(/^first expiry: apiserver-kubelet-client \(kube-apiserver-kubelet-client\) on km02 in [45] days$/);
    const text = await lab.run(['certs']);
    expect(text.code).toBe(10);
    expect(text.stdout.split('\n')[1]).toMatch(/^km02 +apiserver-kubelet-client .* expires soon$/);
    const h = await lab.run(['health', '-o', 'json']);
    expect(h.code, h.all).toBe(10);
    expect(byId(h.stdout, 'certs.expiry')).toMatchObject({ status: 'warn', evidence: [`km02 /etc/kubernetes/pki/apiserver-kubelet-client.crt: expires ${first.notAfter.slice(0, 10)} (in ${first.daysLeft} day(s))`] });
  });

  it('an expired certificate fails health (exit 11)', { timeout: 900_000 }, async () => {
    await deployWithDays({ km02: { 'apiserver-kubelet-client': 5 }, km03: { 'front-proxy-client': -3 } });
    const h = await lab.run(['health', '-o', 'json']);
    expect(h.code, h.all).toBe(11);
    const c = byId(h.stdout, 'certs.expiry')!;
    expect(c.status).toBe('fail');
    expect(c.evidence[0]).toMatch(/^km03 \/etc\/kubernetes\/pki\/front-proxy-client\.crt: expired \d{4}-\d\d-\d\d \([34] day\(s\) ago\)$/);
    const r = await certs();
    expect(r.code).toBe(11);
    expect(r.json.certificates[0]).toMatchObject({ where: 'km03', file: '/etc/kubernetes/pki/front-proxy-client.crt', status: 'fail' });
  });

  it('renew: kubeadm certificates only, one control plane at a time, the operator kubeconfig rewritten, health OK after', async () => {
    const plan = await lab.run(['certs', 'renew', '--dry-run', '-o', 'json']);
    expect(plan.code, plan.all).toBe(0);
    const actions = (JSON.parse(plan.stdout.trim().split('\n').at(-1)!) as { plan: { phase: string; actions: string[] }[] }).plan.flatMap((p) => p.actions);
    expect(actions.filter((a) => /kubeadm certs renew all/.test(a)).map((a) => a.split(':')[0])).toEqual(['km01', 'km02', 'km03']);
    const keep = { ca: await cat('km01', '/etc/kubernetes/pki/ca.crt'), proxyCa: await cat('km02', '/etc/kubernetes/pki/front-proxy-ca.crt'), etcd: await cat('km01', '/etc/ssl/etcd/ssl/member-km01.pem'), kubelet: await cat('kube01', '/var/lib/kubelet/pki/kubelet-client-current.pem') };
    const kubeconfigBefore = fs.readFileSync(stateKubeconfig(lab), 'utf8');
    const r = await lab.run(['certs', 'renew', '--yes', '-o', 'json'], { timeoutMs: 600_000 });
    expect(r.code, r.all).toBe(0);
    const res = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { nodes: { host: string; restarted: string[] }[]; renewed: { host: string; file: string; before: string; after: string }[]; etcd: { file: string }[]; etcdReason: string };
    expect(res.nodes.map((n) => [n.host, n.restarted])).toEqual(['km01', 'km02', 'km03'].map((h) => [h, [`kube-apiserver-${h}`]]));
    expect(res.renewed.every((c) => c.after > c.before)).toBe(true);
    expect(res.renewed.map((c) => c.file)).not.toContainEqual(expect.stringMatching(/ca\.crt$|^\/etc\/ssl\/etcd\/|^\/var\/lib\/kubelet\/|kubelet\.conf$/));
    expect(res.renewed.filter((c) => c.host === 'km02').map((c) => c.file).sort()).toEqual(['/etc/kubernetes/admin.conf', '/etc/kubernetes/controller-manager.conf', '/etc/kubernetes/pki/apiserver-kubelet-client.crt', '/etc/kubernetes/pki/apiserver.crt', '/etc/kubernetes/pki/front-proxy-client.crt', '/etc/kubernetes/scheduler.conf', '/etc/kubernetes/super-admin.conf']);
    expect(res.etcd.map((c) => c.file)).toContain('/etc/ssl/etcd/ssl/member-km01.pem');
    expect(res.etcdReason).toMatch(/kubespray's playbook/);
    // never a CA, never etcd's or the kubelet's
    expect(await cat('km01', '/etc/kubernetes/pki/ca.crt')).toBe(keep.ca);
    expect(await cat('km02', '/etc/kubernetes/pki/front-proxy-ca.crt')).toBe(keep.proxyCa);
    expect(await cat('km01', '/etc/ssl/etcd/ssl/member-km01.pem')).toBe(keep.etcd);
    expect(await cat('kube01', '/var/lib/kubelet/pki/kubelet-client-current.pem')).toBe(keep.kubelet);
    // one node at a time: each renewed and restarted only after the one before was back
    const log = async (h: string) => (await cat(h, KUBEADM_LOG)).trim().split('\n').map((l) => { const [what, ns] = l.split(' '); return { what, ns: BigInt(ns!) }; });
    const seq = (await Promise.all(['km01', 'km02', 'km03'].map(async (h) => (await log(h)).map((e) => ({ ...e, h }))))).flat().sort((a, b) => (a.ns < b.ns ? -1 : 1));
    expect(seq.map((e) => `${e.h} ${e.what}`)).toEqual(['km01 renew', 'km01 restart', 'km02 renew', 'km02 restart', 'km03 renew', 'km03 restart']);
    // the operator's kubeconfig was fetched again: a new client certificate
    const kubeconfigAfter = fs.readFileSync(stateKubeconfig(lab), 'utf8');
    expect(kubeconfigAfter).not.toBe(kubeconfigBefore);
    expect(fs.statSync(stateKubeconfig(lab)).mode & 0o777).toBe(0o600);
    // the run record
    expect(lastRenew()).toMatchObject({ status: 'succeeded', renewed: CPS });
    const h = await lab.run(['health', '-o', 'json']);
    expect(h.code, h.all).toBe(0);
    expect(byId(h.stdout, 'certs.expiry')?.status).toBe('ok');
  });

  it('an API server that is not ready: renew refuses naming it before any node is touched', async () => {
    await onHost(lab, 'km03', `touch ${HOLD} && crictl rmp -f kube-apiserver-km03`);
    try {
      const before = await logs();
      const r = await lab.run(['certs', 'renew', '--yes'], { timeoutMs: 600_000 });
      expect(r.code, r.all).toBe(4);
      expect(r.stderr).toMatch(/not renewing: the API server is not ready on km03 \(none was touched\)/);
      expect(r.stderr).toMatch(/kspray health shows why/);
      expect(await logs()).toEqual(before);
    } finally {
      await onHost(lab, 'km03', `rm -f ${HOLD}`);
    }
    await waitApiReady('km03');
  });

  it('Ctrl-C during renewal: the node in hand is renewed, the others untouched, lock released; a re-run renews all', async () => {
    const crt = (h: string) => cat(h, '/etc/kubernetes/pki/apiserver.crt');
    const certsBefore = await Promise.all(CPS.map(crt));
    const before = await logs();
    await onHost(lab, 'km01', `touch ${HOLD}`);
    const run = execa(KSPRAY, ['-c', lab.config, 'certs', 'renew', '--yes'], { reject: false, env: { CI: 'true' } });
    try {
      // km01 renewed and its API server restarted (held down): interrupt while kspray waits for it
      await waitFor(async () => (await logs())[0]!.length > before[0]!.length && (await onHost(lab, 'km01', `tail -1 ${KUBEADM_LOG}`)).startsWith('restart'), { timeoutMs: 300_000, what: 'km01 to be renewed and restarted' });
      run.kill('SIGINT');
      const r = await run;
      expect(r.exitCode, r.stderr).toBe(130);
      expect(r.stderr).toMatch(/km01: renewed and restarted, interrupted while waiting for its API server/);
    } finally {
      await onHost(lab, 'km01', `rm -f ${HOLD}`);
    }
    const after = await logs();
    expect(after.slice(1)).toEqual(before.slice(1));
    expect(await crt('km01')).not.toBe(certsBefore[0]);
    expect(await Promise.all(['km02', 'km03'].map(crt))).toEqual(certsBefore.slice(1));
    expect(fs.existsSync(stateFile(lab, 'lock'))).toBe(false);
    expect(lastRenew().status).toBe('interrupted');
    await waitApiReady('km01');
    const again = await lab.run(['certs', 'renew', '--yes'], { timeoutMs: 600_000 });
    expect(again.code, again.all).toBe(0);
    expect(lastRenew()).toMatchObject({ status: 'succeeded', renewed: CPS });
    for (const [i, h] of CPS.entries()) expect(await crt(h), h).not.toBe(certsBefore[i]);
    const h = await lab.run(['health', '-o', 'json']);
    expect(h.code, h.all).toBe(0);
  });

  it("the operator's kubeconfig: its client certificate's expiry, over SSH and with --local", { timeout: 900_000 }, async () => {
    await deployWithDays({ km01: { 'admin.conf': 10 } });
    const k = await lab.run(['kubeconfig']);
    expect(k.code, k.all).toBe(0);
    const r = await certs();
    expect(r.code).toBe(10);
    const local = r.json.certificates.find((c) => c.where === 'local' && !c.ca)!;
    expect(local).toMatchObject({ file: stateKubeconfig(lab), status: 'warn' });
    expect([9, 10]).toContain(local.daysLeft);
    const l = await lab.run(['certs', '--local', stateKubeconfig(lab), '-o', 'json']);
    expect(l.code).toBe(10);
    expect(certsJson(l.stdout).certificates.map((c) => c.where)).toEqual(['local', 'local']);
  });

  it('a node down: its row says so, the others are listed, exit 6; a file that is no certificate is named and skipped', async () => {
    await onHost(lab, 'kube03', 'echo not a certificate > /var/lib/kubelet/pki/kubelet.crt');
    const kube02 = findHost(lab.info, 'kube02');
    process.kill(kube02.pids.sshd, 'SIGSTOP');
    try {
      const r = await certs();
      expect(r.code, r.all).toBe(6);
      expect(r.json.hosts).toEqual([{ host: 'kube02', status: 'unreachable', error: expect.stringMatching(/^kube02 \(.*\): unreachable/) }]);
      expect(new Set(r.json.certificates.map((c) => c.where))).toEqual(new Set(['km01', 'km02', 'km03', 'kube01', 'kube03', 'local']));
      expect(r.json.problems).toEqual([{ where: 'kube03', file: '/var/lib/kubelet/pki/kubelet.crt', problem: 'no certificate in it (neither PEM nor an embedded kubeconfig certificate)' }]);
      const text = await lab.run(['certs']);
      expect(text.code).toBe(6);
      expect(text.stdout).toMatch(/^kube02 +- .*UNREACHABLE: kube02/m);
      expect(text.stderr).toMatch(/kube03: \/var\/lib\/kubelet\/pki\/kubelet\.crt: no certificate in it .*\(skipped\)/);
    } finally {
      process.kill(kube02.pids.sshd, 'SIGCONT');
    }
  });

  // here rather than in apply.test.ts: rebase runs health's node checks, whose skew rule needs kubelets the lab's
  // kube-apiserver can serve (this file's release, emulated)
  it('rebase: with the applied state lost the plan is a deploy; rebase refuses a config the Nodes do not match, then records one they do', async () => {
    const applied = stateFile(lab, 'applied.yaml');
    fs.rmSync(applied);
    fs.rmSync(`${applied}.json`, { force: true });
    const lost = await lab.run(['plan', '-o', 'json']);
    expect(lost.code, lost.all).toBe(13);
    expect((JSON.parse(lost.stdout) as { operations: { kind: string }[] }).operations.map((o) => o.kind)).toEqual(['deploy']);
    const original = fs.readFileSync(lab.config, 'utf8');
    fs.writeFileSync(lab.config, original.replace(/^(  kubernetes:\n    version: )v1\.34\.3$/m, '$1v1.34.2'));
    try {
      const r = await lab.run(['rebase', '--yes']);
      expect(r.code, r.all).toBe(3);
      expect(r.stderr).toMatch(/the cluster's Nodes do not match kspray\.yaml; nothing was recorded/);
      expect(r.stderr).toMatch(/km01: kubelet v1\.34\.3, configured v1\.34\.2/);
      expect(fs.existsSync(applied)).toBe(false);
    } finally {
      fs.writeFileSync(lab.config, original);
    }
    const ok = await lab.run(['rebase', '--yes']);
    expect(ok.code, ok.all).toBe(0);
    expect(fs.existsSync(applied)).toBe(true);
    const p = await lab.run(['plan']);
    expect(p.code, p.all).toBe(0);
  });
});
