// Per-host sshd: host key, config, start inside the host's namespaces, restart with a new key.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { run, stopPids, isAlive } from './proc.js';
import { waitFor } from './wait.js';

export const HOST_KEY = 'ssh_host_ed25519_key';

export async function generateKey(file: string, comment: string): Promise<void> {
  fs.rmSync(file, { force: true });
  fs.rmSync(`${file}.pub`, { force: true });
  await run(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', file]);
  fs.chmodSync(file, 0o600);
}

export async function fingerprint(pubFile: string): Promise<string> {
  const { stdout } = await run(['ssh-keygen', '-l', '-E', 'sha256', '-f', pubFile]);
  return stdout.split(' ')[1] ?? '';
}

export function sshdConfig(o: { hostDir: string; address: string; user: string }): string {
  return [
    `ListenAddress ${o.address}:22`,
    `HostKey ${path.join(o.hostDir, HOST_KEY)}`,
    `PidFile ${path.join(o.hostDir, 'sshd.pid')}`,
    'UsePAM no',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PubkeyAuthentication yes',
    'AuthorizedKeysFile .ssh/authorized_keys',
    'PermitRootLogin no',
    `AllowUsers ${o.user}`,
    'MaxStartups 100:30:200',
    'MaxSessions 100',
    'UseDNS no',
    'Subsystem sftp internal-sftp',
    '',
  ].join('\n');
}

/** Start sshd (it daemonizes) and wait until it accepts connections; returns its pid. */
export async function startSshd(o: { netns: string; hostDir: string; script: string; address: string }): Promise<number> {
  const pidFile = path.join(o.hostDir, 'sshd.pid');
  fs.rmSync(pidFile, { force: true });
  fs.mkdirSync('/run/sshd', { recursive: true });
  await run(['ip', 'netns', 'exec', o.netns, 'unshare', '--mount', '--uts', '--propagation', 'private', '/bin/sh', o.script]);
  return waitFor(
    async () => {
      const pid = Number(fs.existsSync(pidFile) ? fs.readFileSync(pidFile, 'utf8').trim() : 0);
      return pid && isAlive(pid) && (await canConnect(o.address, 22)) ? pid : 0;
    },
    { timeoutMs: 10_000, intervalMs: 20, what: `sshd for ${o.netns} to come up on ${o.address}:22` },
  );
}

export async function stopSshd(pid: number): Promise<void> {
  await stopPids([pid]);
}

function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port, timeout: 500 });
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
    s.once('timeout', () => (s.destroy(), resolve(false)));
  });
}
