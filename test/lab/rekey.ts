// Give a lab host a new sshd host key and restart its sshd (tests that kspray notices a changed host key).
// known_hosts is NOT updated: that is the point. SIGHUP makes sshd re-exec itself with the new key while
// staying in the host's namespaces (its pid does not change).
import fs from 'node:fs';
import path from 'node:path';
import { findHost, hostDir, writeLabInfo, type LabInfo } from './info.js';
import { signal } from './proc.js';
import { waitFor } from './wait.js';
import { fingerprint, generateKey, HOST_KEY } from './sshd.js';
import { sshRun } from './ssh.js';

export async function rekeyHost(info: LabInfo, name: string): Promise<LabInfo> {
  const host = findHost(info, name);
  const dir = hostDir(info.dir, name);
  const pub = path.join(dir, `${HOST_KEY}.pub`);
  await generateKey(path.join(dir, HOST_KEY), `${name}-host`);
  signal(host.pids.sshd, 'SIGHUP');
  const hostKeyPublic = fs.readFileSync(pub, 'utf8').trim();
  const updated: LabInfo = {
    ...info,
    hosts: info.hosts.map((h) => (h.name === name ? { ...h, hostKeyPublic, hostKeyFingerprint: '' } : h)),
  };
  const h = findHost(updated, name);
  h.hostKeyFingerprint = await fingerprint(pub);
  // wait until sshd serves the new key (a login pinned to the new key succeeds)
  const tmpKnown = path.join(dir, 'known_hosts.new');
  fs.writeFileSync(tmpKnown, `${h.address} ${hostKeyPublic.split(' ').slice(0, 2).join(' ')}\n`);
  await waitFor(async () => (await sshRun(updated, h, 'true', { knownHosts: tmpKnown })).code === 0, { timeoutMs: 10_000, intervalMs: 50, what: `sshd on ${name} to serve its new host key` });
  writeLabInfo(updated);
  return updated;
}
