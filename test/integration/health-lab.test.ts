// kspray health and kspray kubeconfig against a real kube-apiserver, real etcd and real sshd hosts in a private lab.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { useLab } from './helpers.js';
import { byId, checksOf, kubectl, KUBE, onHost, onHostScript, patchStatus, stateKubeconfig, useEmulatableRelease } from './health-helpers.js';

const lab = useLab('health', 91);
const STANDIN = path.resolve('test/kubespray');
const health = (extra: string[] = []) => lab.run(['health', '-o', 'json', ...extra]);

describe.skipIf(!KUBE.standin_kube_apiserver_bin)('health in the lab', () => {
  it('deploy waits for the nodes and reports a healthy cluster', async () => {
    useEmulatableRelease(lab);
    const r = await lab.run(['deploy', '--ignore-preflight', 'systemd']);
    expect(r.code, r.all).toBe(0);
    expect(r.stdout).toContain('==> Wait for nodes Ready and check health');
    expect(r.stdout).toMatch(/6\/6 node\(s\) Ready/);
    expect(r.stdout).toMatch(/health: kspray-lab: OK/);
    expect(fs.statSync(stateKubeconfig(lab)).mode & 0o777).toBe(0o600);
  });

  it('health is ok: every check passes or is skipped, exit 0', async () => {
    const r = await health();
    expect(r.code, r.all).toBe(0);
    const rep = checksOf(r.stdout);
    expect(rep.checks.filter((c) => c.status !== 'ok' && c.status !== 'skip')).toEqual([]);
    expect(rep.checks.find((c) => c.id === 'capacity.usage')?.status).toBe('skip');
    expect(byId(r.stdout, 'etcd.quorum')?.evidence[0]).toBe('3/3 healthy, quorum 2: tolerates 1 more failure(s)');
    const table = await lab.run(['health']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^OK +Nodes Ready +6\/6 Ready$/m);
  });

  it('kubeconfig --merge writes 0600 into the first KUBECONFIG file and never prints key material', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kspray-kc-'));
    const target = path.join(dir, 'config');
    fs.writeFileSync(target, 'apiVersion: v1\nkind: Config\nclusters: []\nusers: []\ncontexts: []\ncurrent-context: other\n');
    const r = await lab.run(['kubeconfig', '--merge'], { env: { KUBECONFIG: `${target}:/nonexistent` } });
    expect(r.code, r.all).toBe(0);
    expect(r.all).not.toMatch(/client-key-data|BEGIN .*PRIVATE KEY/);
    expect(fs.statSync(target).mode & 0o777).toBe(0o600);
    const nodes = await kubectl(lab, ['--context', 'kubernetes-admin-kspray-lab@kspray-lab', 'get', 'nodes', '-o', 'name'], { kubeconfig: target });
    expect(nodes.split('\n')).toHaveLength(6);
    expect(fs.readFileSync(target, 'utf8')).toMatch(/current-context: other/);
  });

  it('a NotReady node fails nodes.ready (exit 11)', async () => {
    await patchStatus(lab, 'node', 'kube01', { status: { conditions: [{ type: 'Ready', status: 'False', reason: 'KubeletNotReady' }] } });
    const r = await health();
    expect(r.code).toBe(11);
    expect(byId(r.stdout, 'nodes.ready')).toMatchObject({ status: 'fail', evidence: ['kube01: Ready=False (KubeletNotReady)'] });
    await patchStatus(lab, 'node', 'kube01', { status: { conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady' }] } });
  });

  it('a configured host that is not a Node fails nodes.registered', async () => {
    const spare = lab.info.hosts.find((h) => h.spare && !h.sudoPassword)!;
    const copy = path.join(path.dirname(lab.config), 'kspray-extra.yaml');
    fs.writeFileSync(copy, fs.readFileSync(lab.config, 'utf8').replace(/^  hosts:\n/m, `  hosts:\n    - name: ${spare.name}\n      address: ${spare.address}\n      ip: ${spare.address}\n      roles: [worker]\n`));
    const r = await lab.run(['-c', copy, 'health', '-o', 'json', '--kubeconfig', stateKubeconfig(lab)]);
    expect(r.code, r.all).toBe(11);
    expect(byId(r.stdout, 'nodes.registered')).toMatchObject({ status: 'fail', evidence: [`missing from the API: ${spare.name}`] });
  });

  it('a Node outside the config is a warning (exit 10)', async () => {
    await kubectl(lab, ['create', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'stray01' } }) });
    const r = await health();
    expect(r.code).toBe(10);
    expect(byId(r.stdout, 'nodes.unexpected')).toMatchObject({ status: 'warn', evidence: ['1 Node(s) not in the config: stray01'] });
    await kubectl(lab, ['delete', 'node', 'stray01']);
  });

  it('version drift warns, skew beyond the policy fails', async () => {
    await patchStatus(lab, 'node', 'kube02', { status: { nodeInfo: { kubeletVersion: 'v1.34.2' } } });
    let r = await health();
    expect(r.code).toBe(10);
    expect(byId(r.stdout, 'nodes.version')?.evidence).toEqual(['kube02: kubelet v1.34.2, configured v1.34.3']);
    await patchStatus(lab, 'node', 'kube02', { status: { nodeInfo: { kubeletVersion: 'v1.30.1' } } });
    r = await health();
    expect(r.code).toBe(11);
    expect(byId(r.stdout, 'nodes.version')?.evidence).toEqual(['kube02: kubelet v1.30.1 is 4 minors behind the API server v1.34 (at most 3 supported)']);
    await patchStatus(lab, 'node', 'kube02', { status: { nodeInfo: { kubeletVersion: 'v1.34.3' } } });
  });

  it('a DaemonSet with pods not ready is reported', async () => {
    await patchStatus(lab, 'daemonset', 'calico-node', { status: { numberReady: 4, numberAvailable: 4 } }, 'kube-system');
    const r = await health();
    expect(r.code).toBe(10);
    expect(byId(r.stdout, 'workloads.kube-system.calico-node')).toMatchObject({ status: 'warn', evidence: ['4/6 ready, 6 up to date, 4 available'] });
    await patchStatus(lab, 'daemonset', 'calico-node', { status: { numberReady: 6, numberAvailable: 6 } }, 'kube-system');
  });

  it('a user without RBAC gets a clear forbidden error naming verb and resource', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kspray-rbac-'));
    const ssl = path.join(lab.info.hosts.find((h) => h.name === 'km01')!.fsRoot, 'etc/kubernetes/ssl');
    const o = (f: string) => path.join(dir, f);
    await execa('openssl', ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', o('nobody.key')]);
    await execa('openssl', ['req', '-new', '-key', o('nobody.key'), '-subj', '/CN=nobody', '-out', o('nobody.csr')]);
    await execa('openssl', ['x509', '-req', '-in', o('nobody.csr'), '-CA', path.join(ssl, 'ca.crt'), '-CAkey', path.join(ssl, 'ca.key'), '-CAcreateserial', '-days', '1', '-out', o('nobody.crt')]);
    const kc = o('nobody.conf');
    const server = (await kubectl(lab, ['config', 'view', '--minify', '-o', 'jsonpath={.clusters[0].cluster.server}'])).trim();
    const k = ['--kubeconfig', kc];
    await execa(KUBE.standin_kubectl_bin!, [...k, 'config', 'set-cluster', 'lab', `--server=${server}`, `--certificate-authority=${path.join(ssl, 'ca.crt')}`, '--embed-certs']);
    await execa(KUBE.standin_kubectl_bin!, [...k, 'config', 'set-credentials', 'nobody', `--client-certificate=${o('nobody.crt')}`, `--client-key=${o('nobody.key')}`, '--embed-certs']);
    await execa(KUBE.standin_kubectl_bin!, [...k, 'config', 'set-context', 'nobody', '--cluster=lab', '--user=nobody']);
    const r = await lab.run(['health', '--kubeconfig', kc, '--context', 'nobody']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error: forbidden: nobody may not list nodes \(403\)/);
    // every forbidden resource, in the order health asks for them, whichever the API answered first
    expect(r.stderr).toMatch(/\n {2}also forbidden: list pods, list services, /);
    expect(r.stderr).toMatch(/hint: grant it/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('a missing kubeconfig is a usage error with a hint', async () => {
    const r = await lab.run(['health', '--kubeconfig', '/nonexistent/kubeconfig']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/kubeconfig \/nonexistent\/kubeconfig does not exist/);
    expect(r.stderr).toMatch(/kspray kubeconfig/);
  });

  it('5,000 Nodes and 20,000 Pods: paginated, counted exactly, bounded memory', async () => {
    const ssl = path.join(lab.info.hosts.find((h) => h.name === 'km01')!.fsRoot, 'etc/kubernetes/ssl');
    await execa('bash', [path.join(STANDIN, '../lab/apiserver/seed.sh'), '--cert-dir', ssl, '--nodes', '5000', '--pods', '20000'], { timeout: 600_000 });
    const t = await execa('/usr/bin/time', ['-v', process.execPath, path.resolve('bin/kspray'), '-c', lab.config, 'health', '-o', 'json'], { reject: false, env: { CI: 'true' }, timeout: 600_000 });
    expect(t.exitCode, t.stderr).toBe(11); // capacity.network fails: 5006 nodes do not fit the pod network
    expect(byId(t.stdout, 'nodes.unexpected')?.evidence[0]).toMatch(/^5000 Node\(s\) not in the config: seed-node-00000, /);
    expect(byId(t.stdout, 'capacity.pods')?.evidence[0]).toMatch(/^20000 pods on 5006 nodes, 660 allocatable/);
    expect(byId(t.stdout, 'capacity.network')).toMatchObject({ status: 'fail', evidence: expect.arrayContaining([expect.stringMatching(/^5006 nodes but the pod subnet holds only 256 Calico \/26 blocks/)]) });
    const rssKb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(t.stderr)?.[1]);
    expect(rssKb).toBeGreaterThan(0);
    expect(rssKb).toBeLessThan(400 * 1024);
    await kubectl(lab, ['delete', 'nodes', '-l', 'kspray.test/seed=true', '--wait=false']);
  }, 900_000);

  it('an etcd member down fails etcd.members and leaves no failure tolerance', async () => {
    await onHostScript(lab, 'km03', `${STANDIN}/roles/etcd/files/etcd-service.sh`, ['stop', '/var/lib/kspray-standin']);
    const r = await health();
    expect(r.code).toBe(11);
    expect(byId(r.stdout, 'etcd.members')).toMatchObject({ status: 'fail', evidence: expect.arrayContaining(['2/3 members healthy', `etcd3 (https://${lab.info.hosts.find((h) => h.name === 'km03')!.address}:2379) down`]) });
    expect(byId(r.stdout, 'etcd.quorum')).toMatchObject({ status: 'warn', evidence: ['2/3 healthy, quorum 2: tolerates 0 more failure(s)'] });
    await onHostScript(lab, 'km03', `${STANDIN}/roles/etcd/files/etcd-service.sh`, ['start', '/var/lib/kspray-standin']);
  });

  it('API server stopped: api.reachable fails with a hint, etcd is still checked', async () => {
    await onHost(lab, 'km01', 'bash /var/lib/kspray-standin/apiserver/stop-apiserver.sh /var/lib/kube-apiserver');
    const r = await health();
    expect(r.code).toBe(11);
    const c = byId(r.stdout, 'api.reachable') as { status: string; evidence: string[]; fix?: string };
    expect(c.status).toBe('fail');
    expect(c.evidence[0]).toMatch(new RegExp(`API server https://${lab.info.hosts.find((h) => h.name === 'km01')!.address.replace(/\./g, '\\.')}:6443 unreachable: .*ECONNREFUSED`));
    expect(c.fix).toMatch(/kube-apiserver running/);
    expect(byId(r.stdout, 'etcd.members')?.status).toBe('ok');
    const text = await lab.run(['health']);
    expect(text.code).toBe(11);
    expect(text.all).not.toMatch(/\n\s+at /);
  });
});
