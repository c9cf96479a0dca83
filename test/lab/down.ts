// `lab down`: stop everything the lab started, remove its namespaces, bridge, veths and host dirs.
import fs from 'node:fs';
import path from 'node:path';
import { hostsDir, labFile, namesOf, readLabInfo } from './info.js';
import { deleteBridge, deleteHostNet, linkExists, listNetns, netnsPids } from './netns.js';
import { stopPids } from './proc.js';
import { labSettings } from './settings.js';

export async function labDown(opts: { dir?: string } = {}): Promise<void> {
  const info = readLabInfo(opts.dir ?? labSettings().dir);
  const s = info ?? labSettings(opts.dir ? { dir: opts.dir } : {});
  const names = namesOf(s);
  const namespaces = new Set((await listNetns()).filter((n) => n.startsWith(`${s.prefix}-`)));
  for (const h of info?.hosts ?? []) namespaces.add(h.netns);

  const pids = new Set<number>(info?.hosts.map((h) => h.pids.sshd) ?? []);
  for (const ns of namespaces) for (const pid of await netnsPids(ns)) pids.add(pid);
  for (const pid of sshMuxPids(s.dir)) pids.add(pid);
  await stopPids([...pids].filter((p) => p > 1 && p !== process.pid));

  const existing = new Set(await listNetns());
  await Promise.all(
    [...namespaces].map(async (ns) => {
      const host = info?.hosts.find((h) => h.netns === ns);
      if (host || existing.has(ns)) await deleteHostNet(ns, host ? names.veth(host.address) : `${ns}-none`);
    }),
  );
  await deleteStrayVeths(s.prefix);
  await deleteBridge(names.bridge);
  fs.rmSync(hostsDir(s.dir), { recursive: true, force: true });
  for (const f of [labFile(s.dir), path.join(s.dir, 'known_hosts'), path.join(s.dir, 'kspray.yaml')]) fs.rmSync(f, { force: true });
}

/** pids of `ssh ... [mux]` ControlMaster processes whose control path is under the lab dir */
export function sshMuxPids(labDir: string): number[] {
  const out: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let cmdline: string;
    try {
      cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ');
    } catch {
      continue;
    }
    if (/^ssh[: ]/.test(cmdline) && cmdline.includes('[mux]') && cmdline.includes(labDir)) out.push(Number(entry));
  }
  return out;
}

async function deleteStrayVeths(prefix: string): Promise<void> {
  for (const entry of fs.readdirSync('/sys/class/net')) {
    if (new RegExp(`^${prefix}v\\d+$`).test(entry) && (await linkExists(entry))) await deleteHostNet('', entry);
  }
}
