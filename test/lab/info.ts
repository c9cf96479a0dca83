// lab.json: the contract between the lab and everything that uses it (tests, demo, bench).
import fs from 'node:fs';
import path from 'node:path';
import type { LabRole, LabSettings } from './settings.js';

export interface LabHost {
  name: string;
  /** the only address of the host (also kubespray's `ip` and `access_ip`) */
  address: string;
  roles: LabRole[];
  spare: boolean;
  /** set only for hosts whose sudo needs a password */
  sudoPassword?: string;
  /** network namespace the host lives in */
  netns: string;
  /** `SHA256:...` of the sshd host key */
  hostKeyFingerprint: string;
  hostKeyPublic: string;
  /** directory on the machine backing the host's private paths: fsRoot + "/etc/kubernetes" etc. */
  fsRoot: string;
  pids: { sshd: number };
}

export interface LabInfo {
  version: 1;
  dir: string;
  subnet: string;
  prefix: string;
  bridge: string;
  gateway: string;
  sshUser: string;
  keyFile: string;
  knownHostsFile: string;
  /** ControlPath directory for SSH masters the lab itself opens; `down` closes masters under `dir` */
  controlPathDir: string;
  configFile: string;
  kubesprayPath: string;
  venv: string;
  kubesprayVersion: string;
  kubernetesVersion: string;
  hosts: LabHost[];
}

export const labFile = (dir: string) => path.join(dir, 'lab.json');
export const hostsDir = (dir: string) => path.join(dir, 'hosts');
export const hostDir = (dir: string, name: string) => path.join(hostsDir(dir), name);

export function readLabInfo(dir: string): LabInfo | undefined {
  try {
    return JSON.parse(fs.readFileSync(labFile(dir), 'utf8')) as LabInfo;
  } catch {
    return undefined;
  }
}

export function requireLabInfo(dir: string): LabInfo {
  const info = readLabInfo(dir);
  if (!info) throw new Error(`no lab at ${dir}: run \`npm run lab -- up\` first`);
  return info;
}

export function writeLabInfo(info: LabInfo): void {
  fs.writeFileSync(labFile(info.dir), JSON.stringify(info, null, 2) + '\n', { mode: 0o600 });
}

export const namesOf = (s: Pick<LabSettings, 'prefix'>) => ({
  bridge: `${s.prefix}0`,
  netns: (host: string) => `${s.prefix}-${host}`,
  /** root-namespace end of the host's veth, e.g. ksprlabv11 */
  veth: (address: string) => `${s.prefix}v${address.split('.').at(-1)}`,
});

export function findHost(info: LabInfo, name: string): LabHost {
  const h = info.hosts.find((x) => x.name === name);
  if (!h) throw new Error(`lab has no host ${name}`);
  return h;
}

/** Path on this machine backing `remotePath` on lab host `name` (e.g. "/etc/etcd.env"). */
export function hostPath(info: LabInfo, name: string, remotePath: string): string {
  return path.join(findHost(info, name).fsRoot, remotePath);
}

/**
 * Content of a host's file, or undefined when it is absent or empty. Single files the lab bind-mounts
 * (/etc/etcd.env, /usr/local/bin/etcdctl, /usr/local/bin/etcdctl.sh) cannot be deleted on the host,
 * so "removed" means "empty" for them.
 */
export function readHostFile(info: LabInfo, name: string, remotePath: string): string | undefined {
  try {
    const text = fs.readFileSync(hostPath(info, name, remotePath), 'utf8');
    return text.length ? text : undefined;
  } catch {
    return undefined;
  }
}
