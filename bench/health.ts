// `kspray health -o json` vs `kubectl get nodes -o json` + `kubectl get pods -A -o json` (the lab's kubectl) against
// the lab's real kube-apiserver seeded with 5,000 Nodes and 20,000 Pods. Alternating runs, medians, kspray's peak RSS.
//   node --import tsx bench/health.ts [--runs 3] [--keep]
// Uses its own lab (10.96.0.x, /var/tmp/kspray-lab-bench-health); prints markdown for docs/benchmarks.md "## Health".
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { emulateRelease, labDown, labUp, REPO_DIR } from '../test/lab/index.js';
import { labKubeBinaries } from '../test/lab/kube-binaries.js';

const arg = (n: string) => process.argv[process.argv.indexOf(n) + 1];
const runs = process.argv.includes('--runs') ? Number(arg('--runs')) : 3;
const dir = '/var/tmp/kspray-lab-bench-health';
const kube = labKubeBinaries();
if (!kube.standin_kubectl_bin) throw new Error('run scripts/build-kube-apiserver.sh first');
const kubectl = kube.standin_kubectl_bin;
const kspray = path.join(REPO_DIR, 'bin', 'kspray');

const secs = async (fn: () => Promise<unknown>) => {
  const t0 = performance.now();
  await fn();
  return (performance.now() - t0) / 1000;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

try {
  const info = await labUp({ dir, subnet: '10.96.0', prefix: 'kbhealth', fresh: true });
  const cfg = info.configFile;
  emulateRelease(cfg, 'v2.30.0', 'v1.34.3');
  const env = { ...process.env, CI: 'true' };
  const d = await execa(process.execPath, [kspray, '-c', cfg, 'deploy', '--ignore-preflight', 'systemd'], { env, reject: false });
  if (d.exitCode !== 0) throw new Error(`deploy failed:\n${d.all ?? d.stderr}`);
  const kc = path.join(path.dirname(cfg), '.kspray', 'kspray-lab', 'kubeconfig');
  const ssl = path.join(info.hosts.find((h) => h.name === 'km01')!.fsRoot, 'etc/kubernetes/ssl');
  const seedTime = await secs(() => execa('bash', [path.join(REPO_DIR, 'test/lab/apiserver/seed.sh'), '--cert-dir', ssl, '--nodes', '5000', '--pods', '20000']));

  const k: number[] = [];
  const kc2: number[] = [];
  const rss: number[] = [];
  for (let i = 0; i < runs; i++) {
    k.push(
      await secs(async () => {
        const r = await execa('/usr/bin/time', ['-v', process.execPath, kspray, '-c', cfg, 'health', '-o', 'json'], { env, reject: false });
        if (![0, 10, 11].includes(r.exitCode ?? -1)) throw new Error(`health failed: ${r.stderr}`);
        rss.push(Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr)?.[1]) / 1024);
      }),
    );
    kc2.push(
      await secs(async () => {
        await execa(kubectl, ['--kubeconfig', kc, 'get', 'nodes', '-o', 'json'], { stdout: 'ignore' });
        await execa(kubectl, ['--kubeconfig', kc, 'get', 'pods', '-A', '-o', 'json'], { stdout: 'ignore' });
      }),
    );
  }
  const ratio = median(k) / median(kc2);
  const f = (s: number) => `${s.toFixed(2)} s`;
  console.log(`seeded 5,000 Nodes + 20,000 Pods in ${f(seedTime)}; ${os.cpus().length} CPU, ${os.type()} ${os.release()}`);
  console.log('| benchmark | runs | median | min | max | peak RSS (max) |');
  console.log('|---|---|---|---|---|---|');
  console.log(`| \`kspray health -o json\` (all checks incl. etcd over SSH) | ${runs} | ${f(median(k))} | ${f(Math.min(...k))} | ${f(Math.max(...k))} | ${Math.max(...rss).toFixed(0)} MiB |`);
  console.log(`| \`kubectl get nodes -o json\` + \`kubectl get pods -A -o json\` | ${runs} | ${f(median(kc2))} | ${f(Math.min(...kc2))} | ${f(Math.max(...kc2))} | — |`);
  console.log(`\nwall-time ratio kspray/kubectl (medians): ${ratio.toFixed(2)} (target ≤ 1.0)`);
} finally {
  if (!process.argv.includes('--keep')) {
    await labDown({ dir });
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
