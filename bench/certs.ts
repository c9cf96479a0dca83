// `kspray certs` (one SSH connection per host, every host at once) vs `ssh host sudo openssl x509 -enddate -noout -in F`
// over the same files, host by host and file by file, on the six-host lab with the stand-in's certificates.
// Alternating runs in the same lab, medians; rewrites docs/benchmarks.md "## Certificates".
//   node --import tsx bench/certs.ts [--runs 5] [--keep]
// Uses its own lab (10.97.0.x, /var/tmp/kspray-lab-bench-certs).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { emulateRelease, labDown, labUp, REPO_DIR } from '../test/lab/index.js';
import { findHost } from '../test/lab/info.js';
import { sshArgv } from '../test/lab/ssh.js';
import { writeSection } from './doc-section.js';

const arg = (n: string) => process.argv[process.argv.indexOf(n) + 1];
const runs = process.argv.includes('--runs') ? Number(arg('--runs')) : 5;
const dir = '/var/tmp/kspray-lab-bench-certs';
const kspray = path.join(REPO_DIR, 'bin', 'kspray');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const secs = async (fn: () => Promise<unknown>) => {
  const t0 = performance.now();
  await fn();
  return (performance.now() - t0) / 1000;
};

try {
  const info = await labUp({ dir, subnet: '10.97.0', prefix: 'kbcerts', fresh: true });
  const cfg = info.configFile;
  emulateRelease(cfg, 'v2.30.0', 'v1.34.3');
  const env = { ...process.env, CI: 'true' };
  const d = await execa(process.execPath, [kspray, '-c', cfg, 'deploy', '--ignore-preflight', 'systemd', '--no-wait'], { env, reject: false, all: true });
  if (d.exitCode !== 0) throw new Error(`deploy failed:\n${d.all}`);
  const certs = async () => {
    const r = await execa(process.execPath, [kspray, '-c', cfg, 'certs', '-o', 'json'], { env, reject: false });
    if (r.exitCode !== 0) throw new Error(`kspray certs exited ${r.exitCode}: ${r.stderr}`);
    return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { certificates: { where: string; file: string }[] };
  };
  // the files kspray read on the hosts (its own kubeconfig is read here, not over SSH)
  const first = await certs();
  const files = new Map<string, string[]>();
  for (const c of first.certificates) if (c.where !== 'local' && !files.get(c.where)?.includes(c.file)) files.set(c.where, [...(files.get(c.where) ?? []), c.file]);
  const count = [...files.values()].reduce((n, f) => n + f.length, 0);
  const baseline = async () => {
    for (const [host, fs_] of files) {
      const ssh = sshArgv(info, findHost(info, host));
      for (const f of fs_) {
        // a kubeconfig's client certificate is base64 in it: the same openssl, fed from the file
        const remote = f.endsWith('.conf') ? `sudo -n sh -c "sed -n 's/^ *client-certificate-data: *//p' ${f} | base64 -d | openssl x509 -enddate -noout"` : `sudo -n openssl x509 -enddate -noout -in ${f}`;
        await execa(ssh[0]!, [...ssh.slice(1), '--', remote]);
      }
    }
  };
  const k: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < runs; i++) {
    k.push(await secs(certs));
    b.push(await secs(baseline));
  }
  const f = (s: number) => `${s.toFixed(2)} s`;
  const row = (what: string, xs: number[]) => `| ${what} | ${runs} | ${f(median(xs))} | ${f(Math.min(...xs))} | ${f(Math.max(...xs))} |`;
  const out = [
    '## Certificates',
    '',
    `\`node --import tsx bench/certs.ts --runs ${runs}\` — its own lab (6 hosts: 3 control plane + etcd, 3 workers; kubespray stand-in on`,
    `v2.30.0 with kubeadm's PKI layout, the kubelet's and kubespray's etcd certificates), ${count} certificate files on ${files.size} hosts.`,
    `Runs alternate in the same lab. ${os.cpus().length} shared CPUs, ${os.type()} ${os.release()}.`,
    '',
    '| benchmark | runs | median | min | max |',
    '|---|---|---|---|---|',
    row('`kspray certs -o json` (one SSH command per host, all hosts at once, plus the local kubeconfig)', k),
    row(`\`ssh host sudo openssl x509 -enddate -noout -in F\` for the same ${count} files, host by host`, b),
    '',
    `Wall-time ratio kspray / ssh loop (medians): **${(median(k) / median(b)).toFixed(2)}** (target < 1.0). kspray opens one verified`,
    'session per host and reads all of its files in one command, every host at once; the loop pays an SSH handshake and a',
    'sudo per file. The lab test `certs-lab.test.ts` asserts what is read, never time.',
    '',
  ].join('\n');
  process.stdout.write(out);
  writeSection(REPO_DIR, '## Certificates', out);
} finally {
  if (!process.argv.includes('--keep')) {
    await labDown({ dir });
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
