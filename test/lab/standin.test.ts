// The kubespray stand-in driven by the real ansible-playbook the way kspray runs it, against lab hosts.
// Own lab (10.77.102.0/24, prefix kst102); tests share the lab and depend on each other's order.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labCheck } from './check.js';
import { findHost, readHostFile, type LabInfo } from './info.js';
import { startPlaybook } from './ansible.js';
import { standinHangs, waitFor, within } from './wait.js';
import { cluster, dropLab, etcdctl, etcdPids, freshLab, LAB_TIMEOUT, readRecord } from './testing.js';

const NAME = 'standin';
const NET = 102;
const CP = ['km01', 'km02', 'km03'];
const WORKERS = ['kube01', 'kube02', 'kube03'];
let info: LabInfo;
let main: ReturnType<typeof cluster>;

describe('kubespray stand-in on the lab', { timeout: LAB_TIMEOUT }, () => {
  beforeAll(async () => {
    info = await freshLab(NAME, NET);
    main = cluster(info, 'main', { vars: { etcd_quota_backend_bytes: '4294967296' } });
  }, LAB_TIMEOUT);
  afterAll(() => dropLab(NAME, NET), LAB_TIMEOUT);

  it('cluster.yml deploys a real 3-member etcd, admin.conf and a record on every host', async () => {
    const r = await main.play('cluster.yml');
    expect(r.code, r.output).toBe(0);
    for (const h of [...CP, ...WORKERS]) {
      const rec = readRecord(info, h);
      expect(rec?.kube_version).toBe('v1.29.5');
      expect(rec?.history.map((x) => x.playbook)).toEqual(['cluster.yml']);
    }
    expect(readRecord(info, 'km01')?.vars.etcd_quota_backend_bytes).toBe('4294967296');
    expect(readRecord(info, 'kube01')?.groups).toContain('kube_node');
    const env = readHostFile(info, 'km02', '/etc/etcd.env') ?? '';
    expect(env).toContain('ETCD_NAME=etcd2');
    expect(env).toContain('ETCDCTL_ENDPOINTS=https://127.0.0.1:2379');
    expect(env).toContain('ETCD_QUOTA_BACKEND_BYTES=4294967296');
    for (const f of ['ca.pem', 'ca-key.pem', 'admin-km02.pem', 'admin-km02-key.pem', 'member-km02.pem', 'member-km02-key.pem'])
      expect(readHostFile(info, 'km02', `/etc/ssl/etcd/ssl/${f}`), f).toBeDefined();
    expect(readHostFile(info, 'km01', '/etc/ssl/etcd/ssl/ca.pem')).toBe(readHostFile(info, 'km03', '/etc/ssl/etcd/ssl/ca.pem'));
    expect(readHostFile(info, 'kube01', '/etc/etcd.env')).toBeUndefined();
    expect(readHostFile(info, 'km01', '/etc/kubernetes/admin.conf')).toContain(`server: https://${findHost(info, 'km01').address}:6443`);
    const health = await etcdctl(info, 'km01', 'endpoint health --cluster');
    expect(health.match(/is healthy/g)).toHaveLength(3);
    expect((await labCheck({ dir: info.dir })).ok).toBe(true);
  });

  it('a second cluster.yml keeps running etcd members', async () => {
    const pid = readHostFile(info, 'km01', '/var/lib/kspray-standin/etcd.pid');
    const r = await main.play('cluster.yml');
    expect(r.code, r.output).toBe(0);
    expect(readHostFile(info, 'km01', '/var/lib/kspray-standin/etcd.pid')).toBe(pid);
  });

  it('recover-control-plane.yml restores an etcd snapshot on every member', async () => {
    await etcdctl(info, 'km01', 'put kspray-before snapshot');
    await etcdctl(info, 'km01', 'snapshot save /tmp/snap.db');
    await etcdctl(info, 'km01', 'put kspray-after snapshot');
    const snapshot = `${info.dir}/snap.db`;
    fs.copyFileSync(`${findHost(info, 'km01').fsRoot}/tmp/snap.db`, snapshot);
    const r = await main.play('recover-control-plane.yml', { extraVars: { etcd_snapshot: snapshot } });
    expect(r.code, r.output).toBe(0);
    expect(await etcdctl(info, 'km03', 'get kspray-before --print-value-only')).toContain('snapshot');
    expect(await etcdctl(info, 'km03', 'get kspray-after --print-value-only')).toBe('');
    expect((await etcdctl(info, 'km01', 'endpoint health --cluster')).match(/is healthy/g)).toHaveLength(3);
  });

  it('remove-node.yml refuses to run without node', async () => {
    const r = await main.play('remove-node.yml', { extraVars: { skip_confirmation: true } });
    expect(r.code).not.toBe(0);
    expect(r.output).toContain('No nodes specified for removal. The `node` variable must be set explicitly.');
  });

  it('a --limit run needs the fact cache of the excluded hosts', async () => {
    const fresh = cluster(info, 'nocache');
    const refused = await fresh.play('scale.yml', { limit: 'kube01' });
    expect(refused.code).not.toBe(0);
    expect(refused.output).toContain("Kubespray does not support '--limit' without a populated facts cache");
    expect((await fresh.play('playbooks/facts.yml')).code).toBe(0);
    const ok = await fresh.play('scale.yml', { limit: 'kube01' });
    expect(ok.code, ok.output).toBe(0);
    expect(readRecord(info, 'kube01')?.history.at(-1)?.playbook).toBe('scale.yml');
    expect(readRecord(info, 'kube02')?.history.at(-1)?.playbook).toBe('cluster.yml');
  });

  it('upgrade-cluster.yml upgrades control plane one by one, then workers', async () => {
    const r = await main.play('upgrade-cluster.yml', { extraVars: { kube_version: 'v1.29.10', serial: 1 } });
    expect(r.code, r.output).toBe(0);
    const when = (h: string) => readRecord(info, h)?.history.filter((x) => x.playbook === 'upgrade-cluster.yml').at(-1)?.time ?? '';
    const order = [...CP, ...WORKERS].sort((a, b) => when(a).localeCompare(when(b)));
    expect(order).toEqual([...CP, ...WORKERS]);
    for (const h of [...CP, ...WORKERS]) expect(readRecord(info, h)?.kube_version).toBe('v1.29.10');
  });

  it('the version format follows the emulated release', async () => {
    const r = await main.play('cluster.yml', { extraVars: { standin_release: 'v2.28.0' } });
    expect(r.code).not.toBe(0);
    expect(r.output).toContain("must not start with 'v'");
  });

  it("enforces the emulated release's Ansible range, as kubespray does", async () => {
    const r = await main.play('cluster.yml', { extraVars: { standin_release: 'v2.31.0' } });
    expect(r.code).not.toBe(0);
    expect(r.output).toContain('Ansible must be between 2.18.0 and 2.19.0 exclusive - you have 2.16.');
  });

  it('standin_fail makes the named task fail on the named host', async () => {
    const r = await main.play('cluster.yml', { extraVars: { standin_fail: { host: 'km02', task: 'Start etcd' } } });
    expect(r.code).not.toBe(0);
    expect(r.output).toContain("kspray stand-in: injected failure of task 'etcd : Start etcd' on km02");
  });

  it('KSPRAY_STANDIN_HANG makes the task hang until the run is interrupted', async () => {
    const p = startPlaybook(info, { inventory: main.inventory, clusterDir: main.clusterDir, playbook: 'cluster.yml', env: { KSPRAY_STANDIN_HANG: 'kube02:Record deployment' } });
    const kube02 = info.hosts.find((h) => h.name === 'kube02')!;
    await waitFor(
      () => {
        if (p.child.exitCode !== null) throw new Error(p.output());
        return p.output().includes('TASK [node_record : Record deployment]');
      },
      { timeoutMs: LAB_TIMEOUT, what: 'the Record deployment task' },
    );
    // the injected task is running on kube02, and the run stays up while it does
    await waitFor(() => standinHangs(kube02.netns), { timeoutMs: 30_000, what: 'the injected hang on kube02' });
    expect(p.child.exitCode).toBeNull();
    p.child.kill('SIGTERM');
    const res = await within(p.done, 15_000);
    if (!res) p.child.kill('SIGKILL');
    expect(res?.code).not.toBe(0);
  });

  it('remove-node.yml removes an etcd member and undoes the host', async () => {
    const r = await main.play('remove-node.yml', { extraVars: { node: 'km03', skip_confirmation: true } });
    expect(r.code, r.output).toBe(0);
    const members = await etcdctl(info, 'km01', 'member list');
    expect(members).not.toContain('etcd3');
    expect(members.trim().split('\n')).toHaveLength(2);
    expect(readHostFile(info, 'km03', '/etc/etcd.env')).toBeUndefined();
    expect(readRecord(info, 'km03')).toBeUndefined();
    expect(await etcdPids(info, 'km03')).toEqual([]);
  });

  it('reset.yml needs reset_confirmation, then undoes everything', async () => {
    const refused = await main.play('reset.yml');
    expect(refused.code).not.toBe(0);
    expect(refused.output).toContain('Reset confirmation failed');
    const r = await main.play('reset.yml', { extraVars: { reset_confirmation: true } });
    expect(r.code, r.output).toBe(0);
    for (const h of [...CP, ...WORKERS]) {
      expect(readRecord(info, h)).toBeUndefined();
      expect(readHostFile(info, h, '/etc/etcd.env')).toBeUndefined();
      expect(readHostFile(info, h, '/usr/local/bin/etcdctl')).toBeUndefined();
      expect(await etcdPids(info, h)).toEqual([]);
    }
  });
});
