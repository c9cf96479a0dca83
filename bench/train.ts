// Benchmark: the release train outside the playbooks. `kspray upgrade --plan --to latest` for the reference cluster
// (7 hops) as a whole process, and one hop's own overhead in-process: the checkout switch with a warm cache (the tag's
// checkout already there), migrations, render in the tag's layout, and the record (config + applied.yaml).
// Run: node --import tsx bench/train.ts (needs a build: npm run build). Writes the "Release train" section of docs/benchmarks.md.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { validateText } from '../src/config-text.js';
import { setSpecValues } from '../src/config/edit.js';
import { migrate } from '../src/config/migrations.js';
import { findRelease } from '../src/config/releases.js';
import { planTrain } from '../src/config/train.js';
import { writeFileAtomic } from '../src/fsutil/atomic.js';
import { ensureTagCheckout } from '../src/flows/setup.js';
import type { Reporter } from '../src/io/reporter.js';
import { renderInventory } from '../src/inventory/render.js';
import { loadAverages, machineLine, writeSection } from './doc-section.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'bin', 'kspray');
const work = mkdtempSync(join(tmpdir(), 'kspray-bench-train-'));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (x: number) => (x >= 100 ? x.toFixed(0) : x.toFixed(2));
if (!existsSync(join(root, 'dist', 'main.js'))) execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
const loadBefore = loadAverages();

const text = readFileSync(join(root, 'templates', 'examples', 'homelab.yaml'), 'utf8');
writeFileSync(join(work, 'kspray.yaml'), text);

// --plan as a user runs it
const plans: number[] = [];
for (let i = 0; i < 11; i++) {
  const a = performance.now();
  const r = spawnSync(bin, ['-c', join(work, 'kspray.yaml'), 'upgrade', '--plan', '--to', 'latest', '-o', 'json'], { encoding: 'utf8', env: { ...process.env, CI: 'true' } });
  if (r.status !== 0) throw new Error(r.stderr);
  if (i > 0) plans.push(performance.now() - a);
  if (i === 0 && (JSON.parse(r.stdout) as { hops: unknown[] }).hops.length !== 7) throw new Error('expected 7 hops');
}

// one hop: v2.30.0 → v2.31.0 of the reference cluster
const cluster = validateText(text).cluster!;
const from = findRelease('v2.30.0')!;
const to = findRelease('v2.31.0')!;
const silent = { spinner: () => ({ stop() {}, update() {} }), info() {}, debug() {} } as unknown as Reporter;
const repo = join(work, 'repo');
cpSync(join(root, 'test', 'kubespray'), repo, { recursive: true });
const git = (args: string[], cwd = repo) => execFileSync('git', args, { cwd, env: { ...process.env, GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@b', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@b' } });
git(['init', '-q', '-b', 'master']);
git(['add', '-A']);
git(['commit', '-qm', 'stand-in']);
git(['tag', 'v2.31.0']);
const checkout = join(work, 'kubespray-v2.31.0');
const t0 = performance.now();
await ensureTagCheckout(silent, { dir: checkout, tag: 'v2.31.0', repository: repo });
const cold = performance.now() - t0;

const rows: Record<string, number[]> = { checkout: [], migrations: [], render: [], record: [] };
for (let i = 0; i < 21; i++) {
  let a = performance.now();
  if ((await ensureTagCheckout(silent, { dir: checkout, tag: 'v2.31.0', repository: repo })) !== 'reused') throw new Error('expected the warm checkout');
  const b = performance.now();
  const m = migrate(cluster, cluster.config.spec.extraVars, from, to);
  const c = performance.now();
  const hopText = setSpecValues(text, [
    [['kubespray', 'version'], 'v2.31.0'],
    [['kubespray', 'path'], './kubespray-v2.31.0'],
    [['kubernetes', 'version'], 'v1.34.3'],
  ]);
  const hop = validateText(hopText).cluster!;
  renderInventory(hop, { source: 'kspray.yaml', digest: '0'.repeat(64) });
  const d = performance.now();
  const recorded = setSpecValues(hopText, [[['kubernetes', 'version'], 'v1.35.4']]);
  if (validateText(recorded).errors.length) throw new Error('record invalid');
  await writeFileAtomic(join(work, 'applied.yaml'), recorded, 0o600);
  await writeFileAtomic(join(work, 'kspray.yaml'), recorded);
  const e = performance.now();
  if (i > 0) (rows.checkout!.push(b - a), rows.migrations!.push(c - b), rows.render!.push(d - c), rows.record!.push(e - d));
  a = e;
  void m;
}
const inPlan: number[] = [];
for (let i = 0; i < 21; i++) {
  const a = performance.now();
  planTrain(cluster, { release: findRelease('v2.25.0')!, kube: cluster.kube! }, { kube: 'latest' });
  inPlan.push(performance.now() - a);
}
rmSync(work, { recursive: true, force: true });
const total = Object.values(rows).reduce((s, xs) => s + median(xs), 0);

const out = `## Release train

Reproduce: \`node --import tsx bench/train.ts\` (rewrites this section; \`npm run bench -- train\`).

${machineLine(loadBefore, loadAverages(), 'the cores are shared with other work: the figures are upper bounds')}

| what | median (ms) | target |
|---|---|---|
| \`kspray upgrade --plan --to latest -o json\`, the reference cluster (v2.25.0 / v1.29.5, 7 hops), whole process (10 runs) | ${ms(median(plans))} | < 1000 |
| the planner alone (\`planTrain\`, in-process, 20 runs) | ${ms(median(inPlan))} | |

One hop's own overhead outside the playbooks (v2.30.0 → v2.31.0 of the reference cluster, in-process, median of 20):

| step | median (ms) |
|---|---|
| checkout switch, warm cache (the tag's checkout is there: \`git rev-parse\` of HEAD and the tag) | ${ms(median(rows.checkout!))} |
| migrations (\`migrate\` v2.30 → v2.31) | ${ms(median(rows.migrations!))} |
| render in the tag's layout (config edited to the tag, validated, \`renderInventory\`) | ${ms(median(rows.render!))} |
| record (config and applied.yaml edited, validated, written atomically) | ${ms(median(rows.record!))} |
| **total** | ${ms(total)} |

For scale: the first checkout of a tag (\`git clone --depth 1\` from a local repository of the stand-in) took ${ms(cold)} ms; a venv is built once per distinct requirements.txt (pip, minutes) and reused by every tag that pins the same Ansible.
`;
process.stdout.write(out);
writeSection(root, '## Release train', out);
