// Benchmark: `kspray validate --kubespray` against running the same kubespray checks by hand (ansible-playbook of the
// same playbook, inventory and environment), per cached real kubespray ref, in the same run.
// Run: node --import tsx bench/validate-kubespray.ts [refs...]   (default: every cached ref; `npm run bench -- validate-kubespray`).
// kspray runs as a user installs it (bench/install.ts: npm pack, npm install -g into a fresh prefix).
// Needs the cached checkouts and venvs (scripts/setup-real-kubespray.sh). Writes the "Config: validate --kubespray"
// section of docs/benchmarks.md; other sections are left alone.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, homedir, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { writeSection } from './doc-section.js';
import { installPacked, repoRoot as root } from './install.js';
import { validateText } from '../src/config-text.js';
import { shq } from '../src/ssh/quote.js';
import { checksCommand, prepareChecks } from '../src/kubespray/checks.js';

const cache = join(process.env.KSPRAY_CACHE_DIR ?? join(homedir(), '.cache', 'kspray'), 'real-kubespray');
const work = mkdtempSync(join(tmpdir(), 'kspray-bench-ks-'));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const load = () => loadavg()[0]!.toFixed(1);
if (spawnSync('sh', ['-c', 'command -v hyperfine']).status !== 0) throw new Error('hyperfine is needed');
const bin = installPacked(work);
// the by-hand run uses the installed package's own callback plugin, as kspray does
const installedPackage = join(dirname(bin), '..', 'lib', 'node_modules', 'kspray');

const versions: Record<string, [string, string]> = {
  'v2.25.0': ['v2.25.0', 'v1.29.5'],
  'v2.27.1': ['v2.27.1', 'v1.31.4'],
  'v2.28.1': ['v2.28.1', 'v1.32.5'],
  'v2.31.0': ['v2.31.0', 'v1.34.3'],
  master: ['v2.31.0', 'v1.34.3'],
};
const wanted = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(versions);
const homelab = readFileSync(join(root, 'templates', 'examples', 'homelab.yaml'), 'utf8');
const rounds = 3;
const runs = 5;
const loadBefore = load();
const rows: string[] = [];
const ratios: string[] = [];

for (const ref of wanted) {
  const dir = join(cache, ref);
  const venvFile = `${dir}.venv`;
  if (!existsSync(venvFile) || !versions[ref]) {
    process.stderr.write(`${ref}: no cached checkout, skipped\n`);
    continue;
  }
  const venv = readFileSync(venvFile, 'utf8').trim();
  const [tag, kube] = versions[ref]!;
  const cfgDir = join(work, ref);
  mkdirSync(cfgDir);
  const cfg = join(cfgDir, 'kspray.yaml');
  const text = homelab
    .replace(/^(\s+)version: v2\.\d+\.\d+$/m, `$1version: ${tag}`)
    .replace(/^(\s+)path: \.\/kubespray$/m, `$1path: ${dir}\n$1venv: ${venv}`)
    .replace(/^(  kubernetes:\n\s+version: )v[\d.]+/m, `$1${kube}`);
  writeFileSync(cfg, text);
  // by hand: the same files kspray writes, kept in a dir of their own, and the same command line
  const cluster = validateText(text).cluster!;
  const input = { cluster, text, file: 'kspray.yaml', kubesprayDir: dir, ansiblePlaybook: join(venv, 'bin', 'ansible-playbook'), callbackDir: join(installedPackage, 'templates', 'ansible', 'callback') };
  const handDir = join(cfgDir, 'by-hand');
  mkdirSync(handDir);
  await prepareChecks(handDir, input);
  const cmd = checksCommand(handDir, input);
  const hand = `cd ${shq(cmd.cwd)} && rm -f ${shq(join(handDir, 'events.jsonl'))} && env ${Object.entries(cmd.env).map(([k, v]) => `${k}=${shq(v)}`).join(' ')} ${cmd.argv.map(shq).join(' ')} >/dev/null`;
  const ksp = `${shq(bin)} validate --kubespray -c ${shq(cfg)} >/dev/null`;
  const walls: [number[], number[]] = [[], []];
  const cpu: [number[], number[]] = [[], []];
  const perRound: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const out = join(work, 'hf.json');
    execFileSync('hyperfine', ['--warmup', '1', '--runs', String(runs), '--export-json', out, hand, ksp], { stdio: 'ignore' });
    const res = (JSON.parse(readFileSync(out, 'utf8')) as { results: { times: number[]; user: number; system: number }[] }).results;
    res.forEach((x, i) => (walls[i as 0 | 1].push(...x.times), cpu[i as 0 | 1].push(x.user + x.system)));
    perRound.push(median(res[1]!.times) / median(res[0]!.times));
  }
  const [h, k] = [median(walls[0]), median(walls[1])];
  rows.push(`| ${ref} (${tag}) | ${h.toFixed(2)} | ${k.toFixed(2)} | ${(k / h).toFixed(2)}× | ${median(cpu[0]).toFixed(2)} | ${median(cpu[1]).toFixed(2)} |`);
  ratios.push(`${ref}: ${perRound.map((x) => `${x.toFixed(2)}×`).join(', ')}`);
  process.stderr.write(`${ref}: by hand ${h.toFixed(2)} s, kspray ${k.toFixed(2)} s\n`);
}
const loadAfter = load();
rmSync(work, { recursive: true, force: true });

const out = [
  '## Config: validate --kubespray',
  '',
  'Reproduce: `node --import tsx bench/validate-kubespray.ts [refs…]` or `npm run bench -- validate-kubespray [refs…]` (needs the cached real kubespray checkouts and venvs; rewrites this section).',
  '',
  `Machine: ${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), Node ${process.version}, ${new Date().toISOString().slice(0, 10)}; ` +
    `1-minute load average ${loadBefore} before and ${loadAfter} after (other jobs share the machine: wall times are upper bounds).`,
  '',
  `The homelab example, checked by each release's own checks. "By hand" is \`ansible-playbook\` of the same generated playbook, inventory and environment ` +
    `(the files \`kspray validate --kubespray\` writes into its private temp dir, and the installed package's callback plugin), its output to /dev/null; ` +
    `kspray runs as a user installs it (\`npm pack\`, \`npm install -g --prefix <tmp> --ignore-scripts\`) and adds its start-up, the config's validation, the render, writing the files, and reading the events back. ` +
    `hyperfine, ${rounds} rounds of ${runs} runs after a warm-up, wall medians over all rounds (target: ratio ≤ 1.1).`,
  '',
  '| kubespray | by hand: wall (s) | `kspray validate --kubespray`: wall (s) | ratio | by hand: CPU (s) | kspray: CPU (s) |',
  '|---|---|---|---|---|---|',
  ...rows,
  '',
  `Ratio per round (medians within the round): ${ratios.join('; ')}.`,
  '',
].join('\n');
process.stdout.write(out + '\n');
writeSection(root, '## Config: validate --kubespray', out);
