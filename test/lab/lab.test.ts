// The lab itself: hosts, isolation, sudo variants, pinned host keys, down.
// Own lab (10.77.101.0/24, prefix kst101); tests in this file share it and run in order.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labCheck } from './check.js';
import { labDown, sshMuxPids } from './down.js';
import { findHost, readLabInfo, type LabInfo } from './info.js';
import { listNetns } from './netns.js';
import { isAlive } from './proc.js';
import { rekeyHost } from './rekey.js';
import { sshRun, sudoRun } from './ssh.js';
import { dropLab, freshLab, LAB_TIMEOUT, testLabOptions } from './testing.js';

const NAME = 'infra';
const NET = 101;
let info: LabInfo;

describe('local lab', { timeout: LAB_TIMEOUT }, () => {
  beforeAll(async () => {
    info = await freshLab(NAME, NET);
  }, LAB_TIMEOUT);
  afterAll(() => dropLab(NAME, NET), LAB_TIMEOUT);

  it('creates six config hosts plus two spares, each on its own address with a pinned host key', async () => {
    expect(info.hosts.map((h) => h.name)).toEqual(['km01', 'km02', 'km03', 'kube01', 'kube02', 'kube03', 'spare01', 'spare02']);
    expect(new Set(info.hosts.map((h) => h.address)).size).toBe(8);
    for (const h of info.hosts) expect(h.address.startsWith('10.77.101.')).toBe(true);
    const known = fs.readFileSync(info.knownHostsFile, 'utf8').trim().split('\n');
    expect(known).toHaveLength(8);
    expect(fs.statSync(info.keyFile).mode & 0o777).toBe(0o600);
    const config = fs.readFileSync(info.configFile, 'utf8');
    expect(config).toContain('kind: Cluster');
    expect(config).not.toContain('spare01');
    const check = await labCheck({ dir: info.dir });
    expect(check.ok, JSON.stringify(check.hosts)).toBe(true);
  });

  it('up twice keeps the running lab', async () => {
    const { labUp } = await import('./up.js');
    const again = await labUp(testLabOptions(NAME, NET));
    expect(again.hosts.map((h) => h.pids.sshd)).toEqual(info.hosts.map((h) => h.pids.sshd));
  });

  it('gives every host its own files and hostname', async () => {
    const [a, b] = [findHost(info, 'km01'), findHost(info, 'km02')];
    expect((await sudoRun(info, a, 'mkdir -p /etc/kubernetes && echo km01 > /etc/kubernetes/probe')).code).toBe(0);
    expect((await sshRun(info, b, 'cat /etc/kubernetes/probe')).code).not.toBe(0);
    expect(fs.readFileSync(`${a.fsRoot}/etc/kubernetes/probe`, 'utf8').trim()).toBe('km01');
    expect(fs.existsSync('/etc/kubernetes/probe')).toBe(false);
    expect((await sshRun(info, b, 'hostname')).stdout.trim()).toBe('km02');
    await sudoRun(info, a, 'rm -rf /etc/kubernetes');
  });

  it('has a host whose sudo needs a password', async () => {
    const spare = info.hosts.find((h) => h.sudoPassword !== undefined);
    expect(spare?.spare).toBe(true);
    if (!spare) return;
    const noPassword = await sshRun(info, spare, 'sudo -n true');
    expect(noPassword.code).not.toBe(0);
    const withPassword = await sudoRun(info, spare, 'id -u');
    expect(withPassword.stdout.trim()).toBe('0');
  });

  it('ssh refuses a host whose key changed', async () => {
    const before = findHost(info, 'spare01').hostKeyFingerprint;
    const oldKnownHosts = `${info.dir}/known_hosts.old`;
    fs.copyFileSync(info.knownHostsFile, oldKnownHosts);
    info = await rekeyHost(info, 'spare01');
    expect(findHost(info, 'spare01').hostKeyFingerprint).not.toBe(before);
    const r = await sshRun(info, findHost(info, 'spare01'), 'true', { knownHosts: oldKnownHosts });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/REMOTE HOST IDENTIFICATION HAS CHANGED|Host key verification failed/);
  });

  it('down stops every process and removes namespaces; down twice is safe', async () => {
    const mux = await sshRun(info, findHost(info, 'km01'), 'true', {});
    expect(mux.code).toBe(0);
    const pids = info.hosts.map((h) => h.pids.sshd);
    await labDown({ dir: info.dir });
    await labDown({ dir: info.dir });
    expect(pids.filter(isAlive)).toEqual([]);
    expect((await listNetns()).filter((n) => n.startsWith(`${info.prefix}-`))).toEqual([]);
    expect(sshMuxPids(info.dir)).toEqual([]);
    expect(fs.existsSync(`${info.dir}/hosts`)).toBe(false);
    expect(readLabInfo(info.dir)).toBeUndefined();
    expect(fs.existsSync(`/sys/class/net/${info.bridge}`)).toBe(false);
  });
});
