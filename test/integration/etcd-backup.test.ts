// kspray etcd-backup / etcd-restore against a real three-member etcd (the stand-in, kubespray's layout) in a private lab.
// Tests share the lab and run in order: deploy, backups, damaged transfers, bad dirs, retention, members down, restore.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { ETCDCTL_ENV, findHost, hostPath, readHostFile, sshRun, sudoRun, STANDIN_DIR } from '../lab/index.js';
import { waitFor } from '../lab/wait.js';
import { executedPlaybooks, plannedPlaybooks, useLab, type KsprayRun } from './helpers.js';

const lab = useLab('etcdbackup', 81);
const SECRET = 'TOPSECRET-etcd-backup-value-7f3a';
const outs: KsprayRun[] = [];
const out = () => path.join(lab.dir, 'backups-test');
const clusterDir = () => path.join(out(), 'kspray-lab');
const finals = () => (fs.existsSync(clusterDir()) ? fs.readdirSync(clusterDir()).filter((n) => /\.db(\.age)?$/.test(n) && !n.startsWith('.')).sort() : []);
const partials = () => (fs.existsSync(clusterDir()) ? fs.readdirSync(clusterDir()).filter((n) => n.includes('.partial-')) : []);
const ETCD = ['km01', 'km02', 'km03'];
const remoteLeftovers = () => ETCD.flatMap((h) => {
  const d = hostPath(lab.info, h, '/var/backups');
  return fs.existsSync(d) ? fs.readdirSync(d).filter((n) => n.startsWith('kspray-snapshot.')).map((n) => `${h}:${n}`) : [];
});

async function kspray(args: string[], env: Record<string, string> = {}): Promise<KsprayRun> {
  const r = await lab.run(args, { env });
  outs.push(r);
  return r;
}
async function etcdctl(host: string, args: string): Promise<string> {
  const r = await sudoRun(lab.info, findHost(lab.info, host), `${ETCDCTL_ENV} /usr/local/bin/etcdctl ${args}`);
  if (r.code !== 0) throw new Error(`etcdctl ${args} on ${host}: ${r.stderr}`);
  return r.stdout;
}
const service = (host: string, action: 'start' | 'stop') =>
  sshRun(lab.info, findHost(lab.info, host), `sudo -n sh -s ${action} /var/lib/kspray-standin`, { input: fs.readFileSync(path.join(STANDIN_DIR, 'roles/etcd/files/etcd-service.sh'), 'utf8') });

/**
 * A transfer damaged on its way: the system ssh on PATH is replaced by one that runs the real ssh and damages what it
 * prints (a byte flipped in the middle or the last one, or the last 4 KiB cut off). kspray itself knows nothing of it.
 */
function damagingSsh(mode: 'flip' | 'flip-trailer' | 'truncate'): Record<string, string> {
  const dir = path.join(lab.dir, `damaging-ssh-${mode}`);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'damage.cjs'), `
const { spawnSync } = require('node:child_process');
const { writeSync } = require('node:fs');
const path = require('node:path');
const PATH = process.env.PATH.split(':').filter((p) => path.resolve(p) !== ${JSON.stringify(dir)}).join(':');
const r = spawnSync('ssh', process.argv.slice(2), { stdio: ['inherit', 'pipe', 'inherit'], env: { ...process.env, PATH }, maxBuffer: 2 ** 31 });
let b = r.stdout;
if (b.length > 4096) {
  if (${JSON.stringify(mode)} === 'truncate') b = b.subarray(0, b.length - 4096);
  else b[${JSON.stringify(mode)} === 'flip' ? Math.floor(b.length / 2) : b.length - 1] ^= 0xff;
}
for (let off = 0; off < b.length; ) off += writeSync(1, b, off);
process.exit(r.status ?? 1);
`);
  fs.writeFileSync(path.join(dir, 'ssh'), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(path.join(dir, 'damage.cjs'))} "$@"\n`, { mode: 0o755 });
  return { PATH: `${dir}:${process.env.PATH}` };
}

/** Read a key from a snapshot file: restore it into a temp data dir and run a throwaway local etcd on it. */
async function keyInSnapshot(file: string, key: string): Promise<string> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kspray-snap-'));
  try {
    await execa('etcdctl', ['snapshot', 'restore', file, '--data-dir', path.join(tmp, 'd'), '--name', 'x', '--initial-cluster', 'x=http://127.0.0.1:23801', '--initial-advertise-peer-urls', 'http://127.0.0.1:23801'], { env: { ETCDCTL_API: '3' } });
    const etcd = execa('etcd', ['--data-dir', path.join(tmp, 'd'), '--name', 'x', '--listen-client-urls', 'http://127.0.0.1:23791', '--advertise-client-urls', 'http://127.0.0.1:23791', '--listen-peer-urls', 'http://127.0.0.1:23801', '--initial-cluster', 'x=http://127.0.0.1:23801', '--initial-advertise-peer-urls', 'http://127.0.0.1:23801'], { reject: false });
    try {
      const r = await waitFor(
        async () => {
          const r = await execa('etcdctl', ['--endpoints', 'http://127.0.0.1:23791', 'get', key, '--print-value-only'], { env: { ETCDCTL_API: '3' }, reject: false });
          return r.exitCode === 0 && r;
        },
        { timeoutMs: 10_000, intervalMs: 200, what: 'the local etcd on the snapshot to answer' },
      );
      return r.stdout.trim();
    } finally {
      etcd.kill('SIGTERM');
      await etcd;
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

describe('etcd-backup in the lab', () => {
  let first = '';

  it('deploys a three-member etcd and writes a key (and a secret-looking one)', async () => {
    fs.rmSync(out(), { recursive: true, force: true }); // backups of an earlier run of this file
    const r = await kspray(['deploy', '--ignore-preflight', 'systemd', '--no-wait']);
    expect(r.code, r.all).toBe(0);
    await etcdctl('km01', 'put /kspray-test/before v1');
    await etcdctl('km01', `put /registry/secrets/default/s1 ${SECRET}`);
  });

  it('takes a verified backup: 0600 file in a 0700 dir, metadata, remote temp gone, keys readable from it', async () => {
    const r = await kspray(['etcd-backup', '--out', out(), '-o', 'json']);
    expect(r.code, r.all).toBe(0);
    const res = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
    expect(path.dirname(res.file)).toBe(clusterDir());
    // keep a copy (with its metadata) away from retention for the restore below
    const safe = path.join(lab.dir, 'kept');
    fs.rmSync(safe, { recursive: true, force: true });
    fs.mkdirSync(safe, { mode: 0o700 });
    for (const f of [res.file, res.metadata]) fs.copyFileSync(f, path.join(safe, path.basename(f)));
    first = path.join(safe, path.basename(res.file));
    expect(path.basename(res.file)).toMatch(/^\d{8}T\d{6}Z-km0[12]\.db$/); // a follower, not the leader, unless km03 leads
    expect(fs.statSync(res.file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(clusterDir()).mode & 0o777).toBe(0o700);
    const meta = JSON.parse(fs.readFileSync(first.replace(/\.db$/, '.json'), 'utf8'));
    expect(meta).toMatchObject({ cluster: 'kspray-lab', etcdVersion: '3.4.23', degraded: false, size: fs.statSync(first).size, transferCheck: 'trailer' });
    expect(meta.revision).toBeGreaterThan(0);
    expect(meta.totalKey).toBeGreaterThan(2);
    expect(meta.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(res.cluster_state).toMatchObject({ size: 3, healthy: 3, quorum: 2, tolerates: 1 });
    expect(r.stderr).toMatch(/tolerates 1 more failure/);
    expect(remoteLeftovers()).toEqual([]);
    expect(await keyInSnapshot(first, '/kspray-test/before')).toBe('v1');
  });

  it('list and verify', async () => {
    const l = await kspray(['etcd-backup', 'list', '--out', out(), '-o', 'json']);
    expect(JSON.parse(l.stdout).backups).toMatchObject([{ file: path.join(clusterDir(), path.basename(first)), verified: true }]);
    const v = await kspray(['etcd-backup', 'verify', first]);
    expect(v.code, v.all).toBe(0);
    expect(v.stdout).toMatch(/ok {3}snapshot digest/);
    expect(v.stdout).toMatch(/ok {3}snapshot sha256 trailer/);
    expect(v.stdout).toMatch(/ok {3}snapshot structure: etcdctl: revision/);
    // a damaged copy fails verification
    const bad = path.join(lab.dir, 'damaged.db');
    fs.copyFileSync(first, bad);
    fs.copyFileSync(first.replace(/\.db$/, '.json'), bad.replace(/\.db$/, '.json'));
    const fd = fs.openSync(bad, 'r+');
    fs.writeSync(fd, Buffer.from([0xff, 0xff]), 0, 2, 5000);
    fs.closeSync(fd);
    const vb = await kspray(['etcd-backup', 'verify', bad]);
    expect(vb.code).toBe(1);
    expect(vb.all).toMatch(/FAIL snapshot digest/);
    expect(vb.all).toMatch(/FAIL snapshot sha256 trailer/);
  });

  it('the in-process transfer (KSPRAY_TRANSFER=ssh2) takes the same verified backup', async () => {
    const r = await kspray(['etcd-backup', '--out', out(), '-o', 'json'], { KSPRAY_TRANSFER: 'ssh2' });
    expect(r.code, r.all).toBe(0);
    const res = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
    expect(r.stderr).toMatch(/\(ssh2\); size and the snapshot's own sha256 trailer match/);
    expect(JSON.parse(fs.readFileSync(res.metadata, 'utf8'))).toMatchObject({ transferCheck: 'trailer', size: fs.statSync(res.file).size });
    expect(await keyInSnapshot(res.file, '/kspray-test/before')).toBe('v1');
    expect(partials()).toEqual([]);
    expect(remoteLeftovers()).toEqual([]);
  });

  // a byte flipped in the body, one flipped in the snapshot's sha256 trailer, the last 4 KiB cut off
  for (const mode of ['flip', 'flip-trailer', 'truncate'] as const) {
    it(`a damaged transfer (${mode}) is detected and leaves no file under a final name`, async () => {
      const before = finals();
      const r = await kspray(['etcd-backup', '--out', out()], damagingSsh(mode));
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/the local copy does not match the snapshot on km0\d .*discarded/);
      expect(finals()).toEqual(before);
      expect(partials()).toEqual([]);
      expect(remoteLeftovers()).toEqual([]);
    });
  }

  it('an unwritable directory or a full disk gives a clear error and touches nothing remote', async () => {
    const ro = path.join(lab.dir, 'ro-mnt');
    const full = path.join(lab.dir, 'full-mnt');
    fs.mkdirSync(ro, { recursive: true });
    fs.mkdirSync(full, { recursive: true });
    await execa('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'tmpfs', ro]);
    await execa('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', full]);
    try {
      const a = await kspray(['etcd-backup', '--out', ro]);
      expect(a.code).toBe(1);
      expect(a.stderr).toMatch(/cannot use backup directory .*ro-mnt\/kspray-lab: read-only file system/);
      const b = await kspray(['etcd-backup', '--out', full]);
      expect(b.code).toBe(1);
      expect(b.stderr).toMatch(/not enough space in .*full-mnt\/kspray-lab|no space left on device/);
      expect(fs.readdirSync(path.join(full, 'kspray-lab'))).toEqual([]);
      expect(remoteLeftovers()).toEqual([]);
    } finally {
      await execa('umount', [ro], { reject: false });
      await execa('umount', [full], { reject: false });
    }
  });

  it('retention keeps exactly N and never the one just taken', async () => {
    for (let i = 0; i < 3; i++) {
      const r = await kspray(['etcd-backup', '--out', out(), '--keep', '2']);
      expect(r.code, r.all).toBe(0);
      // backup names carry the time to the second: the next one starts in a later second
      const second = Math.floor(Date.now() / 1000);
      await waitFor(() => Math.floor(Date.now() / 1000) > second, { timeoutMs: 2000, intervalMs: 20, what: 'the next second' });
    }
    const names = finals();
    expect(names).toHaveLength(2);
    expect(fs.readdirSync(clusterDir()).filter((n) => n.endsWith('.json'))).toHaveLength(2);
    for (const n of names) expect(fs.statSync(path.join(clusterDir(), n)).mode & 0o777).toBe(0o600);
  });

  it('works with one member stopped, and says so', async () => {
    expect((await service('km03', 'stop')).code).toBe(0);
    const r = await kspray(['etcd-backup', '--out', out(), '--keep', '10']);
    expect(r.code, r.all).toBe(0);
    expect(r.stdout).toMatch(/2\/3 healthy, 2 needed — tolerates 0 more failure/);
    expect(r.stdout).toMatch(/etcd3 DOWN|km03 DOWN/);
    expect(remoteLeftovers()).toEqual([]);
  });

  it('with quorum lost it refuses, unless --allow-degraded, which marks the snapshot', async () => {
    expect((await service('km02', 'stop')).code).toBe(0);
    const r = await kspray(['etcd-backup', '--out', out(), '--keep', '10']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no quorum/);
    expect(r.stderr).toMatch(/--allow-degraded/);
    const d = await kspray(['etcd-backup', '--out', out(), '--keep', '10', '--allow-degraded', '-o', 'json']);
    expect(d.code, d.all).toBe(0);
    expect(d.stderr).toMatch(/DEGRADED snapshot: km01/);
    const res = JSON.parse(d.stdout.trim().split('\n').at(-1)!);
    expect(res).toMatchObject({ member: 'km01', degraded: true });
    expect(remoteLeftovers()).toEqual([]);
    for (const h of ['km02', 'km03']) expect((await service(h, 'start')).code).toBe(0);
    await waitFor(async () => (await sudoRun(lab.info, findHost(lab.info, 'km01'), `${ETCDCTL_ENV} /usr/local/bin/etcdctl endpoint health --cluster`)).code === 0, { timeoutMs: 30_000, intervalMs: 1000, what: 'every etcd member healthy again' });
  });

  it('etcd-restore brings back a key deleted after the backup', async () => {
    await etcdctl('km01', 'del /kspray-test/before');
    await etcdctl('km02', 'put /kspray-test/after v2');
    expect(await etcdctl('km03', 'get /kspray-test/before --print-value-only')).toBe('');
    const refused = await kspray(['etcd-restore', first]);
    expect(refused.code).toBe(9); // no terminal, no --yes: Aborted
    const plan = await plannedPlaybooks(lab, ['etcd-restore', first]);
    expect(plan.length).toBeGreaterThan(0);
    const r = await kspray(['etcd-restore', first, '--yes']);
    expect(r.code, r.all).toBe(0);
    expect(executedPlaybooks(lab)).toEqual(plan);
    expect(r.stdout).toMatch(/recover-control-plane\.yml/);
    expect(r.stdout).toMatch(/3\/3 healthy/);
    for (const h of ETCD) expect((await etcdctl(h, 'get /kspray-test/before --print-value-only')).trim(), h).toBe('v1');
    expect((await etcdctl('km01', 'get /kspray-test/after --print-value-only')).trim()).toBe('');
    // the snapshot copy the playbook placed on the hosts is gone
    for (const h of ETCD) expect(readHostFile(lab.info, h, '/tmp/snapshot.db')).toBeUndefined();
  });

  it('age encryption: stored encrypted, verify with and without the identity', async () => {
    const key = path.join(lab.dir, 'age.key');
    fs.rmSync(key, { force: true });
    await execa('age-keygen', ['-o', key]);
    const recipient = /public key: (age1\w+)/.exec(fs.readFileSync(key, 'utf8'))![1]!;
    const cfg = fs.readFileSync(lab.config, 'utf8');
    fs.writeFileSync(lab.config, cfg.replace(/^spec:\n/m, `spec:\n  etcd:\n    backup:\n      ageRecipients: [${recipient}]\n`));
    try {
      const r = await kspray(['etcd-backup', '--out', out(), '--keep', '10', '-o', 'json']);
      expect(r.code, r.all).toBe(0);
      const res = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
      expect(res.file).toMatch(/\.db\.age$/);
      expect(fs.readFileSync(res.file).subarray(0, 21).toString()).toBe('age-encryption.org/v1');
      expect(fs.statSync(res.file).mode & 0o777).toBe(0o600);
      const v1 = await kspray(['etcd-backup', 'verify', res.file]);
      expect(v1.code, v1.all).toBe(0);
      expect(v1.stdout).toMatch(/skip decrypted snapshot digest: .*--identity/);
      const v2 = await kspray(['etcd-backup', 'verify', res.file, '--identity', key]);
      expect(v2.code, v2.all).toBe(0);
      expect(v2.stdout).toMatch(/ok {3}decrypted snapshot digest/);
      expect(v2.stdout).toMatch(/ok {3}snapshot structure/);
    } finally {
      fs.writeFileSync(lab.config, cfg);
    }
  });

  it('schedule: --print shows the units, --unit-dir installs them without systemd, unschedule removes them', async () => {
    const p = await kspray(['etcd-backup', 'schedule', '--daily', '--print']);
    expect(p.code).toBe(0);
    expect(p.stdout).toContain('OnCalendar=daily');
    expect(p.stdout).toContain(`-c ${lab.config} etcd-backup`);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kspray-units-'));
    try {
      const s = await kspray(['etcd-backup', 'schedule', '--every', '6h', '--keep', '14', '--unit-dir', dir]);
      expect(s.code, s.all).toBe(0);
      expect(s.stdout).toMatch(/systemctl --user enable --now kspray-etcd-backup-kspray-lab\.timer/);
      expect(fs.readFileSync(path.join(dir, 'kspray-etcd-backup-kspray-lab.timer'), 'utf8')).toContain('OnUnitActiveSec=6h');
      const u = await kspray(['etcd-backup', 'unschedule', '--unit-dir', dir]);
      expect(u.code, u.all).toBe(0);
      expect(fs.readdirSync(dir)).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('nothing secret reached the output or the run records', () => {
    const key = fs.readFileSync(lab.info.keyFile, 'utf8').split('\n')[1]!;
    const runs = path.join(path.dirname(lab.config), '.kspray', 'runs');
    const recorded = fs.readdirSync(runs).flatMap((id) => fs.readdirSync(path.join(runs, id)).filter((f) => fs.statSync(path.join(runs, id, f)).isFile()).map((f) => fs.readFileSync(path.join(runs, id, f), 'utf8')));
    for (const text of [...outs.map((o) => o.all), ...recorded]) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(key);
      expect(text).not.toMatch(/PRIVATE KEY/);
    }
  });
});
