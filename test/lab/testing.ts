// Shared helpers for lab-backed vitest files. Each test file gets its own lab (own dir, subnet and
// name prefix), so files may run in parallel workers; tests inside a file share the lab and run in order.
import fs from 'node:fs';
import path from 'node:path';
import { findHost, type LabInfo } from './info.js';
import { writeInventory, type InventoryOptions } from './inventory.js';
import { runPlaybook, type PlaybookRun } from './ansible.js';
import { ETCDCTL_ENV } from './check.js';
import { sudoRun } from './ssh.js';
import { labDown } from './down.js';
import { netnsPids } from './netns.js';
import { labUp } from './up.js';

export const LAB_TIMEOUT = 180_000;

/** Two checkouts testing on one machine at once shift their subnets and prefixes apart (as test/integration/helpers.ts). */
export function testLabOptions(name: string, subnetOctet: number) {
  const shift = Number(process.env.KSPRAY_TEST_SUBNET_SHIFT ?? 0);
  const tag = process.env.KSPRAY_TEST_PREFIX ?? '';
  const octet = subnetOctet + shift;
  return { dir: `/var/tmp/kspray-lab-${tag}${name}`, subnet: `10.77.${octet}`, prefix: `kst${tag}${octet}`.slice(0, 8) };
}

export async function freshLab(name: string, subnetOctet: number): Promise<LabInfo> {
  const opts = testLabOptions(name, subnetOctet);
  return labUp({ ...opts, fresh: true });
}

export async function dropLab(name: string, subnetOctet: number): Promise<void> {
  const { dir } = testLabOptions(name, subnetOctet);
  await labDown({ dir });
  fs.rmSync(dir, { recursive: true, force: true });
}

/** A cluster dir (inventory + fact cache + control path) under the lab dir. */
export function cluster(info: LabInfo, name: string, inv: InventoryOptions = {}) {
  const clusterDir = path.join(info.dir, 'clusters', name);
  // a new cluster starts without facts or sockets left by an earlier run of the same lab dir
  fs.rmSync(clusterDir, { recursive: true, force: true });
  const inventory = writeInventory(info, clusterDir, inv);
  return {
    clusterDir,
    inventory,
    play: (playbook: string, r: Partial<PlaybookRun> = {}) => runPlaybook(info, { inventory, clusterDir, playbook, ...r }),
  };
}

export async function etcdctl(info: LabInfo, host: string, args: string): Promise<string> {
  const r = await sudoRun(info, findHost(info, host), `${ETCDCTL_ENV} /usr/local/bin/etcdctl ${args}`);
  if (r.code !== 0) throw new Error(`etcdctl ${args} on ${host}: ${r.stderr}`);
  return r.stdout + r.stderr; // etcdctl prints `endpoint health` results on stderr
}

/** pids of etcd processes in the host's network namespace */
export async function etcdPids(info: LabInfo, host: string): Promise<number[]> {
  const pids = await netnsPids(findHost(info, host).netns);
  return pids.filter((pid) => {
    try {
      return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'etcd';
    } catch {
      return false;
    }
  });
}

export interface StandinRecord {
  kube_version: string;
  groups: string[];
  etcd_member_name: string | null;
  vars: Record<string, unknown>;
  history: { playbook: string; kube_version: string; time: string }[];
}

export function readRecord(info: LabInfo, host: string): StandinRecord | undefined {
  const file = path.join(findHost(info, host).fsRoot, 'etc/kubernetes/kspray-standin.json');
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as StandinRecord) : undefined;
}
