// `lab check`: every host reachable with its pinned host key, sudo works, etcd healthy where deployed.
import { readHostFile, requireLabInfo, type LabHost, type LabInfo } from './info.js';
import { labSettings } from './settings.js';
import { sshRun, sudoRun } from './ssh.js';

export interface HostCheck {
  host: string;
  ssh: boolean;
  sudo: boolean;
  /** undefined when etcd was never deployed on the host */
  etcd?: boolean;
  problems: string[];
}

export interface LabCheck {
  ok: boolean;
  hosts: HostCheck[];
}

/** `set -a; . /etc/etcd.env` exports kubespray's ETCDCTL_* settings for etcdctl. */
export const ETCDCTL_ENV = 'set -a; . /etc/etcd.env; set +a; export ETCDCTL_API=3;';

export async function labCheck(opts: { dir?: string } = {}): Promise<LabCheck> {
  const info = requireLabInfo(opts.dir ?? labSettings().dir);
  const hosts = await Promise.all(info.hosts.map((h) => checkHost(info, h)));
  return { ok: hosts.every((h) => h.problems.length === 0), hosts };
}

async function checkHost(info: LabInfo, host: LabHost): Promise<HostCheck> {
  const r: HostCheck = { host: host.name, ssh: false, sudo: false, problems: [] };
  const login = await sshRun(info, host, 'hostname');
  r.ssh = login.code === 0;
  if (!r.ssh) {
    r.problems.push(`ssh to ${host.address} failed: ${lastLine(login.stderr)}`);
    return r;
  }
  if (login.stdout.trim() !== host.name) r.problems.push(`hostname is ${login.stdout.trim()}, expected ${host.name}`);
  const sudo = await sudoRun(info, host, 'id -u');
  r.sudo = sudo.code === 0 && sudo.stdout.trim() === '0';
  if (!r.sudo) r.problems.push(`sudo failed: ${lastLine(sudo.stderr)}`);
  if (r.sudo && readHostFile(info, host.name, '/etc/etcd.env') !== undefined) {
    const health = await sudoRun(info, host, `${ETCDCTL_ENV} /usr/local/bin/etcdctl endpoint health`);
    r.etcd = health.code === 0;
    if (!r.etcd) r.problems.push(`etcd unhealthy: ${lastLine(health.stderr || health.stdout)}`);
  }
  return r;
}

const lastLine = (s: string) => s.trim().split('\n').at(-1) ?? '';

export function formatCheck(c: LabCheck): string {
  return c.hosts
    .map((h) => {
      const etcd = h.etcd === undefined ? '' : ` etcd=${h.etcd ? 'healthy' : 'UNHEALTHY'}`;
      const status = h.problems.length ? `FAIL ${h.problems.join('; ')}` : 'ok';
      return `${h.host.padEnd(8)} ssh=${h.ssh ? 'ok' : 'FAIL'} sudo=${h.sudo ? 'ok' : 'FAIL'}${etcd}  ${status}`;
    })
    .join('\n');
}
