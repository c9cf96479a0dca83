// `kspray health -o json` vs `kubectl get nodes -o json` + `kubectl get pods -A -o json` (the lab's kubectl) against
// the lab's real kube-apiserver seeded with 5,000 Nodes and 20,000 Pods. Alternating runs, medians, kspray's peak RSS.
//   npm run bench -- health [--runs 3] [--keep]
// Uses its own lab (10.96.0.x, /var/tmp/kspray-lab-bench-health) and kspray as a user installs it (bench/install.ts);
// rewrites the "## Health" section of docs/benchmarks.md.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { emulateRelease, labDown, labUp, REPO_DIR } from '../test/lab/index.js';
import { maxRssMiB, writeSection } from './doc-section.js';
import { installPacked, repoRoot } from './install.js';
import { labKubeBinaries } from '../test/lab/kube-binaries.js';

const arg = (n: string) => process.argv[process.argv.indexOf(n) + 1];
const runs = process.argv.includes('--runs') ? Number(arg('--runs')) : 3;
const dir = '/var/tmp/kspray-lab-bench-health';
const kube = labKubeBinaries();
if (!kube.standin_kubectl_bin) throw new Error('run scripts/build-kube-apiserver.sh first');
const kubectl = kube.standin_kubectl_bin;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'kspray-bench-health-'));
const kspray = installPacked(work);

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
        rss.push(maxRssMiB(r.stderr));
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
  const md = [
    '## Health\n',
    `\`npm run bench -- health\` (\`--runs ${runs}\`) — its own lab (6 hosts, kubespray stand-in on v2.30.0 / Kubernetes v1.34.3, three real ` +
      'kube-apiserver v1.37.2 emulating 1.34 on the lab\'s real etcd 3.4.23), seeded with 5,000 Nodes and 20,000 Pods by ' +
      `\`test/lab/apiserver/seed.sh\` (${f(seedTime)}). kspray installed from \`npm pack\`. Runs alternate; kspray's peak memory from ` +
      `\`/usr/bin/time -v\`. ${os.cpus().length} shared CPUs, ${os.type()} ${os.release()}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}.\n`,
    '| benchmark | runs | median | min | max | peak RSS (max) |',
    '|---|---|---|---|---|---|',
    `| \`kspray health -o json\` (every check, incl. etcd over SSH) | ${runs} | ${f(median(k))} | ${f(Math.min(...k))} | ${f(Math.max(...k))} | ${Math.max(...rss).toFixed(0)} MiB |`,
    `| \`kubectl get nodes -o json\` + \`kubectl get pods -A -o json\` | ${runs} | ${f(median(kc2))} | ${f(Math.min(...kc2))} | ${f(Math.max(...kc2))} | — |`,
    '',
    `Wall-time ratio kspray / kubectl (medians): **${ratio.toFixed(2)}** (target ≤ 1.0). kspray lists Nodes, Pods (phase filter on the server) and ` +
      'Services concurrently in pages of 500 and keeps only per-node summaries and counters, so memory does not grow with the page ' +
      'count; kubectl has to hold and print every object. The lab test `health-lab.test.ts` asserts correctness ' +
      '(5,000 unexpected Nodes, 20,000 pods counted on 5,006 nodes) and peak RSS < 400 MiB, never time.',
  ];
  writeSection(repoRoot, '## Health', md.join('\n'));
} finally {
  if (!process.argv.includes('--keep')) {
    await labDown({ dir });
    fs.rmSync(dir, { recursive: true, force: true });
  }
  fs.rmSync(work, { recursive: true, force: true });
}
