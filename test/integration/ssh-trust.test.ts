// Host keys: `kspray hosts trust` pins what the hosts really offer; a changed key is refused; a jump host is verified too.
import fs from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { describe, expect, it } from 'vitest';
import { findHost, rekeyHost } from '../lab/index.js';
import { useLab } from './helpers.js';

const lab = useLab('sshtrust', 72);

/** The lab's config without its pre-pinned known_hosts, so kspray's own default file is used. */
function config(edit: (doc: ReturnType<typeof parseDocument>) => void = () => {}): string {
  const doc = parseDocument(fs.readFileSync(lab.config, 'utf8'));
  doc.deleteIn(['spec', 'ssh', 'knownHostsFile']);
  edit(doc);
  const file = path.join(lab.dir, `trust-${Math.random().toString(36).slice(2, 8)}.yaml`);
  fs.writeFileSync(file, doc.toString());
  return file;
}
const knownHosts = () => path.join(lab.dir, '.kspray', 'kspray-lab', 'known_hosts');

describe('hosts trust', () => {
  it('without a terminal and without --yes nothing is pinned, and deploy refuses unknown keys', async () => {
    fs.rmSync(path.join(lab.dir, '.kspray'), { recursive: true, force: true });
    const cfg = config();
    const r = await lab.run(['-c', cfg, 'hosts', 'trust']);
    expect(r.code).toBe(8);
    expect(r.all).toMatch(/not pinned/);
    const d = await lab.run(['-c', cfg, 'deploy', '--ignore-preflight', 'systemd']);
    expect(d.code).toBe(8);
    const km01 = lab.info.hosts.find((h) => h.name === 'km01')!.address.replace(/\./g, '\\.');
    expect(d.all).toMatch(new RegExp(`km01 \\(${km01}:22\\) offers host key SHA256:\\S+, which is not pinned`));
  });

  it('--yes pins exactly the keys the hosts hold', async () => {
    const cfg = config();
    const r = await lab.run(['-c', cfg, 'hosts', 'trust', '--yes', '-o', 'json']);
    expect(r.code, r.all).toBe(0);
    const rows = JSON.parse(r.stdout).hosts as { host: string; fingerprint: string }[];
    for (const h of lab.info.hosts.filter((x) => !x.spare)) expect(rows.find((x) => x.host === h.name)?.fingerprint).toBe(h.hostKeyFingerprint);
    expect(fs.statSync(knownHosts()).mode & 0o777).toBe(0o600);
  });

  it('a changed key is refused with both fingerprints, and replaced only with --replace', async () => {
    const old = findHost(lab.info, 'kube02').hostKeyFingerprint;
    const info = await rekeyHost(lab.info, 'kube02');
    const now = findHost(info, 'kube02').hostKeyFingerprint;
    const cfg = config();
    const r = await lab.run(['-c', cfg, 'hosts', 'trust', 'kube02']);
    expect(r.code).toBe(8);
    expect(r.all).toContain(old);
    expect(r.all).toContain(now);
    const ok = await lab.run(['-c', cfg, 'hosts', 'trust', 'kube02', '--replace', '--yes']);
    expect(ok.code, ok.all).toBe(0);
    expect(fs.readFileSync(knownHosts(), 'utf8')).toContain(findHost(info, 'kube02').hostKeyPublic.split(' ')[1]);
  });

  it('through a jump host: the bastion is pinned first, then nodes via it, and deploy runs through its verified ProxyCommand', async () => {
    fs.rmSync(path.join(lab.dir, '.kspray'), { recursive: true, force: true });
    const jump = lab.info.hosts.find((h) => h.spare && !h.sudoPassword)!;
    const cfg = config((doc) => doc.setIn(['spec', 'ssh', 'bastion'], { address: jump.address, user: 'kspray' }));
    const t = await lab.run(['-c', cfg, 'hosts', 'trust', '--yes', '-o', 'json']);
    expect(t.code, t.all).toBe(0);
    const rows = JSON.parse(t.stdout).hosts as { host: string; fingerprint: string }[];
    expect(rows[0]).toMatchObject({ host: 'bastion', fingerprint: jump.hostKeyFingerprint });
    const dry = await lab.run(['-c', cfg, 'render', '--stdout']);
    expect(dry.stdout).toMatch(/ProxyCommand="ssh -o UserKnownHostsFile=.* -o StrictHostKeyChecking=yes/);
    const d = await lab.run(['-c', cfg, 'deploy', '--ignore-preflight', 'systemd']);
    expect(d.code, d.all).toBe(0);
  });
});
