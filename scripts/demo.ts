// `npm run demo`: bring up the local lab and walk through kspray's main flows exactly as a user runs them.
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { emulateRelease, labDown, labUp, REPO_DIR } from '../test/lab/index.js';

const KSPRAY = path.join(REPO_DIR, 'bin', 'kspray');
// outside the checkout: lab hosts shadow /tmp, /etc, /var/lib and /home, where a checkout may live
const dir = '/var/tmp/kspray-demo';
const say = (t: string) => process.stdout.write(`\n\x1b[1m▶ ${t}\x1b[0m\n`);

async function kspray(args: string[], o: { allowFail?: boolean } = {}): Promise<number> {
  process.stdout.write(`\n$ kspray ${args.join(' ')}\n`);
  const r = await execa(KSPRAY, args, { stdio: 'inherit', reject: false, cwd: dir });
  if (r.exitCode !== 0 && !o.allowFail) throw new Error(`kspray ${args[0]} exited with ${r.exitCode}`);
  return r.exitCode ?? 1;
}

/** The newest stored backup from `etcd-backup list -o json` (its shape: a list, or {backups: [...]}, of {file|path}). */
function newestBackup(json: string): string | undefined {
  try {
    const v = JSON.parse(json.trim().split('\n').at(-1) ?? 'null') as unknown;
    const items = (Array.isArray(v) ? v : ((v as { backups?: unknown[] })?.backups ?? [])) as Record<string, unknown>[];
    const files = items.map((b) => (b.file ?? b.path) as string | undefined).filter((f): f is string => typeof f === 'string');
    return files.sort().at(-1);
  } catch {
    return undefined;
  }
}

async function has(command: string): Promise<boolean> {
  const r = await execa(KSPRAY, ['--help'], { reject: false });
  return new RegExp(`^\\s+${command}\\b`, 'm').test(r.stdout);
}

async function main(): Promise<void> {
  say('Bringing up the lab: 6 hosts + 2 spares, each a network namespace with its own sshd (10.79.0.0/24)');
  const info = await labUp({ dir, subnet: '10.79.0', prefix: 'ksdemo', fresh: true });
  fs.rmSync(path.join(dir, '.kspray'), { recursive: true, force: true });
  const cfg = path.basename(info.configFile);
  // The lab's API server is a real kube-apiserver v1.37 built from source; it can emulate Kubernetes 1.34–1.37,
  // so the demo runs kubespray v2.30.0's Kubernetes 1.34 (the stand-in plays that release) and upgrades 1.34.0 → 1.34.3.
  emulateRelease(info.configFile, 'v2.30.0', 'v1.34.0');
  const c = ['-c', cfg];
  const ign = ['--ignore-preflight', 'systemd']; // lab hosts share this machine's init, which is not systemd

  say('1. Validate the config: every problem at once, before any host is touched');
  await kspray([...c, 'validate']);
  say('2. Render the kubespray inventory for v2.30.0 (versions without a leading "v", no group_vars/etcd.yml)');
  await kspray([...c, 'render']);
  say('3. Host keys: the lab pinned them first-hand; kspray verifies them on every connection');
  await kspray([...c, 'hosts', 'trust']);
  say('4. Deploy: preflight over SSH, then cluster.yml (lab hosts have no systemd, so that check is waived)');
  await kspray([...c, 'deploy', '--dry-run', ...ign]);
  await kspray([...c, 'deploy', ...ign]);
  if (await has('etcd-backup')) {
    say('5. Take and verify an etcd backup, pulled to this machine');
    await kspray([...c, 'etcd-backup']);
    await kspray([...c, 'etcd-backup', 'list']);
    const listed = await execa(KSPRAY, [...c, 'etcd-backup', 'list', '-o', 'json'], { cwd: dir, reject: false });
    const newest = newestBackup(listed.stdout);
    if (newest) await kspray([...c, 'etcd-backup', 'verify', newest]);
  }
  const spare = info.hosts.find((h) => h.spare && !h.sudoPassword)!;
  say(`6. Add a worker: facts.yml on the whole cluster, then scale.yml --limit ${spare.name}`);
  await kspray([...c, 'add-node', spare.name, '--address', spare.address, ...ign]);
  say('7. Upgrade 1.34.0 → 1.34.3: etcd backup first, control plane one at a time, then workers');
  await kspray([...c, 'upgrade', '--to', 'v1.36.0', '--dry-run', ...ign], { allowFail: true });
  await kspray([...c, 'upgrade', '--to', 'v1.34.3', '--dry-run', ...ign]);
  await kspray([...c, 'upgrade', '--to', 'v1.34.3', ...ign, ...((await has('etcd-backup')) ? [] : ['--skip-backup'])]);
  say('8. Remove a worker with remove-node.yml -e node=NAME');
  await kspray([...c, 'remove-node', 'kube03', '--yes']);
  say('9. What kspray did');
  await kspray([...c, 'runs']);
  if (await has('health')) {
    say('10. Health through the Kubernetes API and etcd');
    await kspray([...c, 'health'], { allowFail: true });
  }
}

try {
  await main();
  say('Demo finished; tearing the lab down');
} catch (e) {
  process.stderr.write(`demo failed: ${(e as Error).message}\n`);
  process.exitCode = 1;
} finally {
  await labDown({ dir });
}
