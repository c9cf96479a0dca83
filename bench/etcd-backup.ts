// `kspray etcd-backup` (snapshot + transfer + verification) against `ssh member etcdctl snapshot save` + `scp`, same run.
//   npm run bench -- etcd-backup [--runs 3] [--mib 300] [--methods direct,ssh2] [--lab DIR]
// Uses the lab at --lab (default: its own at /var/tmp/kspray-bench-etcd, subnet 10.84.0), brought up if absent or down,
// deploys it, raises spec.etcd.quotaBackendBytes to 4 GiB, fills etcd with --mib MiB of 1 MB random values, then
// alternates the baseline and the methods.
// kspray runs as a user installs it (bench/install.ts). Its peak memory comes from /usr/bin/time -v. Rewrites the
// "## etcd backup" section of docs/benchmarks.md.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { ETCDCTL_ENV, findHost, labUp, readLabInfo, sshArgv, sudoRun, type LabInfo } from '../test/lab/index.js';
import { maxRssMiB, writeSection } from './doc-section.js';
import { installPacked, repoRoot } from './install.js';

const arg = (name: string, def: string) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1]! : def);
const runs = Number(arg('--runs', '3'));
const mib = Number(arg('--mib', '300'));
const dir = arg('--lab', '/var/tmp/kspray-bench-etcd');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'kspray-bench-etcd-'));
const KSPRAY = installPacked(work);
const env = { ...process.env, CI: '1', NO_COLOR: '1' };

// labUp returns the running lab as is, and brings it back when its hosts are gone (after a reboot); a lab given with
// --lab keeps its own subnet and prefix
const prior = readLabInfo(dir);
const info: LabInfo = await labUp({ dir, subnet: prior?.subnet ?? '10.84.0', prefix: prior?.prefix ?? 'kbetcd' });
const cfg = info.configFile;
const text = fs.readFileSync(cfg, 'utf8');
if (!/quotaBackendBytes/.test(text)) fs.writeFileSync(cfg, text.replace(/^spec:\n/m, 'spec:\n  etcd:\n    quotaBackendBytes: 4294967296\n'));
const deploy = await execa(KSPRAY, ['-c', cfg, 'deploy', '--ignore-preflight', 'systemd', '--no-wait'], { env, reject: false });
if (deploy.exitCode !== 0) throw new Error(`deploy failed:\n${deploy.stdout}\n${deploy.stderr}`);

const km01 = findHost(info, 'km01');
const sizeOf = async () => {
  const r = await sudoRun(info, km01, `${ETCDCTL_ENV} /usr/local/bin/etcdctl endpoint status -w json`);
  return Number(/"dbSize":(\d+)/.exec(r.stdout)?.[1] ?? 0);
};
if ((await sizeOf()) < mib * 1024 * 1024) {
  const t0 = performance.now();
  // 1 MB values (base64 of 750 kB random: incompressible), written on the member itself
  const fill = `${ETCDCTL_ENV} i=0; while [ $i -lt ${mib} ]; do i=$((i+1)); head -c 750000 /dev/urandom | base64 -w0 | /usr/local/bin/etcdctl put /bench/v$i >/dev/null || exit 1; done`;
  const r = await sudoRun(info, km01, fill, { timeoutMs: 1_800_000 });
  if (r.code !== 0) throw new Error(`fill failed: ${r.stderr}`);
  console.error(`filled in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
}
const db = await sizeOf();

const out = fs.mkdtempSync(path.join(os.tmpdir(), 'kspray-bench-out-'));
const timeV = async (argv: string[], extraEnv: Record<string, string> = {}) => {
  const t0 = performance.now();
  const r = await execa('/usr/bin/time', ['-v', ...argv], { env: { ...env, ...extraEnv }, reject: false });
  const s = (performance.now() - t0) / 1000;
  if (r.exitCode !== 0) throw new Error(`${argv.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
  return { s, rssMiB: maxRssMiB(r.stderr) };
};
const kspray = (method: string) => timeV([KSPRAY, '-c', cfg, 'etcd-backup', '--out', out, '--keep', '1', '--member', 'km02'], { KSPRAY_TRANSFER: method });
const ssh = sshArgv(info, findHost(info, 'km02'));
const baseline = async () => {
  const t0 = performance.now();
  const remote = `/var/backups/bench-${process.pid}.db`;
  await execa(ssh[0]!, [...ssh.slice(1), '--', `sudo -n sh -c '${ETCDCTL_ENV} /usr/local/bin/etcdctl snapshot save ${remote} >/dev/null 2>&1 && chown ${info.sshUser} ${remote}'`]);
  await execa('scp', ['-q', '-o', 'BatchMode=yes', '-o', `UserKnownHostsFile=${info.knownHostsFile}`, '-i', info.keyFile, `${info.sshUser}@${findHost(info, 'km02').address}:${remote}`, path.join(out, 'baseline.db')]);
  const s = (performance.now() - t0) / 1000;
  await execa(ssh[0]!, [...ssh.slice(1), '--', `sudo -n rm -f ${remote}`]);
  fs.rmSync(path.join(out, 'baseline.db'), { force: true });
  return { s, rssMiB: 0 };
};

/** One more kspray run, its output lines stamped with the seconds since start: where the time goes. */
const timeline = async () => {
  const t0 = performance.now();
  const p = execa(KSPRAY, ['-c', cfg, 'etcd-backup', '--out', out, '--keep', '1', '--member', 'km02'], { env, reject: false, all: true, buffer: false });
  const lines: string[] = [];
  let rest = '';
  p.all!.on('data', (d: Buffer) => {
    const parts = (rest + d.toString()).split('\n');
    rest = parts.pop()!;
    for (const l of parts) lines.push(`${((performance.now() - t0) / 1000).toFixed(2).padStart(6)} s  ${l}`);
  });
  await p;
  lines.push(`${((performance.now() - t0) / 1000).toFixed(2).padStart(6)} s  (exit ${p.exitCode})`);
  return lines;
};

// the ssh2 (in-process) transfer is the optional path; --methods direct leaves it out
const methods = arg('--methods', 'direct,ssh2').split(',');
const results: Record<string, { s: number; rssMiB: number }[]> = { direct: [], ssh2: [], baseline: [] };
let lines: string[] = [];
try {
  for (let i = 0; i < runs; i++) {
    results.baseline!.push(await baseline());
    for (const m of methods) results[m]!.push(await kspray(m));
  }
  lines = await timeline();
} finally {
  fs.rmSync(out, { recursive: true, force: true });
  fs.rmSync(work, { recursive: true, force: true });
}
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const row = (label: string, k: string) => {
  const xs = results[k]!;
  const rss = Math.max(...xs.map((x) => x.rssMiB));
  return `| ${label} | ${xs.length} | ${med(xs.map((x) => x.s)).toFixed(2)} s | ${Math.min(...xs.map((x) => x.s)).toFixed(2)} s | ${Math.max(...xs.map((x) => x.s)).toFixed(2)} s | ${rss ? `${rss.toFixed(0)} MiB` : '—'} |`;
};
const base = med(results.baseline!.map((x) => x.s));
const md: string[] = [
  '## etcd backup\n',
  '`npm run bench -- etcd-backup` (`-- --runs N --methods direct,ssh2 --lab DIR` to change the defaults: 3 runs, both methods). The bench brings up its own ' +
    'lab (`/var/tmp/kspray-bench-etcd`, subnet 10.84.0) and deploys the stand-in (kubespray\'s etcd layout, `spec.etcd.quotaBackendBytes: ' +
    '4294967296`). It fills etcd with 1 MB incompressible values, then for each round runs, alternating: the baseline `ssh km02 \'sudo ' +
    'etcdctl snapshot save\'` + `scp`, and `kspray etcd-backup --member km02 --keep 1` (installed from `npm pack`) with each transfer method. ' +
    'The kspray runs include connecting to and probing all three members, taking the snapshot, the member-side `snapshot status`, the transfer ' +
    'with its end-to-end check, fsync, metadata and retention. Peak memory comes from `/usr/bin/time -v`. The bench lab\'s etcd and ' +
    'kube-apiservers run throughout, so the machine is never idle. How kspray gets there is in the next section.\n',
];
md.push(`Snapshot: ${(db / 1024 ** 2).toFixed(0)} MiB etcd DB (etcd 3.4.23, 3 members), ${os.cpus().length} CPUs, ${os.type()} ${os.release()}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}; load average ${os.loadavg()[0]!.toFixed(1)} at the end.\n`);
md.push('| method | runs | median | min | max | kspray peak RSS (max) |');
md.push('|---|---|---|---|---|---|');
md.push(row('`ssh km02 sudo etcdctl snapshot save` + `scp` (baseline)', 'baseline'));
md.push(row('`kspray etcd-backup`, direct transfer (default)', 'direct'));
if (methods.includes('ssh2')) md.push(row('`kspray etcd-backup`, in-process ssh2 channel (`KSPRAY_TRANSFER=ssh2`)', 'ssh2'));
const ratio = (k: string) => (med(results[k]!.map((x) => x.s)) / base).toFixed(2);
// within a round the two ran back to back, under the same neighbours' load
const perRound = results.direct!.map((x, i) => (x.s / results.baseline![i]!.s).toFixed(2)).join(', ');
md.push(`\nWall-time ratio kspray / baseline (medians): direct **${ratio('direct')}**${methods.includes('ssh2') ? `, ssh2 ${ratio('ssh2')}` : ''} (target ≤ 1.1); direct per round: ${perRound}.`);
md.push(`\nOne more \`kspray etcd-backup\` run, each output line with the seconds since start:\n\n\`\`\`\n${lines.join('\n')}\n\`\`\``);
writeSection(repoRoot, '## etcd backup', md.join('\n'));
