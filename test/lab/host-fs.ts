// Each host's private filesystem view. sshd (and all it starts: ansible modules, etcd) runs in its own
// mount namespace where the paths kubespray writes are backed by the host's directory on this machine:
//   overlays (upper dir = fs/<path>): /etc, /usr/local/bin, /var/lib  → fs/etc/kubernetes, fs/etc/etcd.env,
//     fs/etc/ssl/etcd, fs/usr/local/bin/etcdctl, fs/var/lib/etcd, … (only what the host changed is there)
//   bind mounts: /var/backups, /tmp, /home/<user>
// Overlays let single files (/etc/etcd.env, /usr/local/bin/etcdctl) be created and deleted on a host
// without ever touching the machine's own /etc or /usr/local/bin.
import fs from 'node:fs';
import path from 'node:path';

export const OVERLAY_PATHS = ['/etc', '/usr/local/bin', '/var/lib'] as const;
export const BIND_PATHS = ['/var/backups', '/tmp'] as const;

export interface HostFsSpec {
  hostDir: string;
  name: string;
  address: string;
  user: string;
  uid: number;
  gid: number;
  authorizedKey: string;
  /** hash for /etc/shadow (`openssl passwd -6`) when sudo must ask for a password */
  passwordHash?: string;
  sshdConfig: string;
}

const fsPath = (hostDir: string, p: string) => path.join(hostDir, 'fs', p);

export function prepareHostFs(spec: HostFsSpec): string {
  const { hostDir, user } = spec;
  const home = `/home/${user}`;
  for (const p of OVERLAY_PATHS) {
    fs.mkdirSync(fsPath(hostDir, p), { recursive: true });
    fs.mkdirSync(path.join(hostDir, 'ovl-work', p.replaceAll('/', '_')), { recursive: true });
  }
  for (const p of [...BIND_PATHS, home]) fs.mkdirSync(fsPath(hostDir, p), { recursive: true });
  fs.chmodSync(fsPath(hostDir, '/tmp'), 0o1777);

  const ssh = fsPath(hostDir, `${home}/.ssh`);
  fs.mkdirSync(ssh, { recursive: true, mode: 0o700 });
  fs.writeFileSync(path.join(ssh, 'authorized_keys'), spec.authorizedKey.trim() + '\n', { mode: 0o600 });
  for (const p of [fsPath(hostDir, home), ssh, path.join(ssh, 'authorized_keys')]) fs.chownSync(p, spec.uid, spec.gid);
  fs.chmodSync(fsPath(hostDir, home), 0o755);

  const sudoers = fsPath(hostDir, '/etc/sudoers.d');
  fs.mkdirSync(sudoers, { recursive: true, mode: 0o755 });
  const rule = spec.passwordHash ? `${user} ALL=(ALL:ALL) ALL` : `${user} ALL=(ALL:ALL) NOPASSWD: ALL`;
  fs.writeFileSync(path.join(sudoers, 'kspray-lab'), `Defaults:${user} !requiretty\n${rule}\n`, { mode: 0o440 });
  fs.writeFileSync(fsPath(hostDir, '/etc/hostname'), spec.name + '\n');
  fs.writeFileSync(fsPath(hostDir, '/etc/hosts'), `127.0.0.1 localhost\n${spec.address} ${spec.name}\n`);
  if (spec.passwordHash) writeShadow(fsPath(hostDir, '/etc/shadow'), user, spec.passwordHash);

  fs.writeFileSync(path.join(hostDir, 'sshd_config'), spec.sshdConfig, { mode: 0o600 });
  const script = path.join(hostDir, 'start-sshd.sh');
  fs.writeFileSync(script, startScript(spec), { mode: 0o700 });
  return script;
}

function writeShadow(dest: string, user: string, hash: string): void {
  const lines = fs.readFileSync('/etc/shadow', 'utf8').split('\n');
  const out = lines.map((l) => (l.startsWith(`${user}:`) ? l.split(':').map((f, i) => (i === 1 ? hash : f)).join(':') : l));
  fs.writeFileSync(dest, out.join('\n'), { mode: 0o640 });
  fs.chownSync(dest, 0, shadowGid());
}

function shadowGid(): number {
  const line = fs.readFileSync('/etc/group', 'utf8').split('\n').find((l) => l.startsWith('shadow:'));
  return Number(line?.split(':')[2] ?? 0);
}

/** Runs inside `ip netns exec NS unshare --mount --uts --propagation private`. */
function startScript(spec: HostFsSpec): string {
  const q = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;
  const lines = ['#!/bin/sh', 'set -e'];
  for (const p of OVERLAY_PATHS) {
    const opts = `lowerdir=${p},upperdir=${fsPath(spec.hostDir, p)},workdir=${path.join(spec.hostDir, 'ovl-work', p.replaceAll('/', '_'))}`;
    lines.push(`mount -t overlay overlay -o ${q(opts)} ${p}`);
  }
  for (const p of [...BIND_PATHS, `/home/${spec.user}`]) lines.push(`mount --bind ${q(fsPath(spec.hostDir, p))} ${p}`);
  lines.push(`hostname ${q(spec.name)}`, `exec /usr/sbin/sshd -f ${q(path.join(spec.hostDir, 'sshd_config'))}`);
  return lines.join('\n') + '\n';
}
