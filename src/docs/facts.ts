// The hardware Ansible saw, from the cluster's jsonfile fact cache (one JSON file per inventory host, written
// during a deploy). kubespray gathers only some hardware facts, so every field is optional.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

type Obj = Record<string, any>;

export interface Disk {
  name: string;
  bytes: number;
}

export interface Hardware {
  cpus?: number;
  memoryMb?: number;
  disks?: Disk[];
  os?: string;
  kernel?: string;
}

// not disks an operator sized: loop mounts, RAM disks, optical drives, device-mapper views of real disks
const VIRTUAL = /^(loop|ram|zram|sr|fd|dm-|nbd)/;

/** PURE: one host's cached facts → its hardware (only the fields the cache holds). */
export function hardwareFromFacts(f: Obj): Hardware {
  const cpus = f.ansible_processor_vcpus ?? f.ansible_processor_nproc;
  const os = [f.ansible_distribution, f.ansible_distribution_version].filter((x) => typeof x === 'string' && x).join(' ');
  const devices = f.ansible_devices && typeof f.ansible_devices === 'object' ? (f.ansible_devices as Obj) : undefined;
  const disks = devices
    ? Object.entries(devices)
        .filter(([name]) => !VIRTUAL.test(name))
        .map(([name, d]) => ({ name, bytes: Number(d?.sectors ?? 0) * Number(d?.sectorsize ?? 512) }))
        .filter((d) => d.bytes > 0)
        .sort((a, b) => a.name.localeCompare(b.name))
    : undefined;
  return {
    ...(Number.isInteger(cpus) ? { cpus } : {}),
    ...(Number.isInteger(f.ansible_memtotal_mb) ? { memoryMb: f.ansible_memtotal_mb } : {}),
    ...(disks ? { disks } : {}),
    ...(os ? { os } : {}),
    ...(typeof f.ansible_kernel === 'string' ? { kernel: f.ansible_kernel } : {}),
  };
}

/** Each host's hardware from `<dir>/<host>`, or undefined for a host without cached facts (or an unreadable file). */
export async function readFactCache(dir: string, hosts: string[]): Promise<Map<string, Hardware | undefined>> {
  const out = new Map<string, Hardware | undefined>();
  await Promise.all(
    hosts.map(async (h) => {
      const text = await readFile(join(dir, h), 'utf8').catch(() => undefined);
      let facts: unknown;
      try {
        facts = text === undefined ? undefined : JSON.parse(text);
      } catch {
        facts = undefined;
      }
      out.set(h, facts && typeof facts === 'object' ? hardwareFromFacts(facts as Obj) : undefined);
    }),
  );
  return out;
}
