// Lab settings: where its state lives, which subnet and names it uses, and the host plan.
import path from 'node:path';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

export const REPO_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const STANDIN_DIR = path.join(REPO_DIR, 'test/kubespray');

export type LabRole = 'control-plane' | 'etcd' | 'worker';

export interface LabSettings {
  dir: string;
  /** first three octets, e.g. "10.77.0" */
  subnet: string;
  /** prefix of namespaces, bridge and veths; ≤ 8 chars so interface names stay ≤ 15 */
  prefix: string;
  hosts: number;
  spares: number;
  sshUser: string;
  venv: string;
  kubesprayVersion: string;
  kubernetesVersion: string;
}

export interface PlannedHost {
  name: string;
  address: string;
  roles: LabRole[];
  spare: boolean;
  /** only hosts with this flag require a sudo password */
  sudoPassword: boolean;
}

const SHADOWED = ['/tmp', '/etc', '/var/lib', '/var/backups', '/usr/local/bin', '/home'];
const isShadowed = (dir: string) => SHADOWED.some((p) => dir === p || dir.startsWith(p + '/'));

/** `.kspray-lab` in the checkout, unless the checkout itself sits where lab hosts see their own copies (e.g. a clone in /tmp). */
function defaultLabDir(): string {
  const inRepo = path.join(REPO_DIR, '.kspray-lab');
  return isShadowed(inRepo) ? '/var/tmp/kspray-lab' : inRepo;
}

const cacheDir = () => process.env.KSPRAY_CACHE_DIR ?? path.join(os.homedir(), '.cache/kspray');

/** The lab's Ansible venv of an ansible-core series (scripts/setup.sh builds 2.16 and 2.17). */
export const labVenv = (series = '2.16') => path.join(cacheDir(), `venvs/ansible-core-${series}`);

/**
 * The lab venv a kubespray release accepts: the stand-in enforces each release's Ansible range, as kubespray does
 * (v2.24–v2.28 take 2.16, v2.29–v2.30 take 2.17, v2.31 2.18, v2.32 2.19: the series below each range's maximum).
 */
export function labVenvFor(release: string): string {
  const minor = Number(release.replace(/^v/, '').split('.')[1]);
  return labVenv(minor <= 28 ? '2.16' : minor <= 30 ? '2.17' : minor === 31 ? '2.18' : '2.19');
}

export function labSettings(overrides: Partial<LabSettings> = {}): LabSettings {
  const env = process.env;
  const s: LabSettings = {
    dir: path.resolve(env.KSPRAY_LAB_DIR ?? defaultLabDir()),
    subnet: env.KSPRAY_LAB_SUBNET ?? '10.77.0',
    prefix: env.KSPRAY_LAB_PREFIX ?? 'ksprlab',
    hosts: 6,
    spares: 2,
    sshUser: 'kspray',
    venv: labVenv(),
    kubesprayVersion: 'v2.25.0',
    kubernetesVersion: 'v1.29.5',
    ...overrides,
  };
  if (!/^10\.\d{1,3}\.\d{1,3}$/.test(s.subnet)) throw new Error(`lab subnet must look like 10.X.Y, got ${s.subnet}`);
  if (!/^[a-z][a-z0-9]{0,7}$/.test(s.prefix)) throw new Error(`lab prefix must be 1-8 of [a-z0-9], got ${s.prefix}`);
  if (isShadowed(s.dir)) throw new Error(`lab dir ${s.dir} must not be under ${SHADOWED.join(', ')}: lab hosts see their own copies of those`);
  if (s.hosts < 1 || s.hosts > 100 || s.spares < 0 || s.spares > 9) throw new Error('lab: 1-100 hosts, 0-9 spares');
  return s;
}

/**
 * Three control-plane/etcd hosts (fewer if hosts < 4) at .11+, workers at .21+, then spares; the last spare needs a
 * sudo password. Spares sit at .51+ while the workers end below it (the default 6 + 2 layout), right after them otherwise.
 */
export function planHosts(s: LabSettings): PlannedHost[] {
  const cp = s.hosts >= 4 ? 3 : 1;
  const spareBase = Math.max(50, 20 + s.hosts - cp);
  const pad = (n: number) => String(n).padStart(2, '0');
  const out: PlannedHost[] = [];
  for (let i = 1; i <= cp; i++)
    out.push({ name: `km${pad(i)}`, address: `${s.subnet}.${10 + i}`, roles: ['control-plane', 'etcd'], spare: false, sudoPassword: false });
  for (let i = 1; i <= s.hosts - cp; i++)
    out.push({ name: `kube${pad(i)}`, address: `${s.subnet}.${20 + i}`, roles: ['worker'], spare: false, sudoPassword: false });
  for (let i = 1; i <= s.spares; i++)
    out.push({ name: `spare${pad(i)}`, address: `${s.subnet}.${spareBase + i}`, roles: ['worker'], spare: true, sudoPassword: i === s.spares });
  return out;
}
