// `kspray plan` at scale, as a user gets it: the generated 5,000-host config (bench/config-gen.ts) recorded as applied,
// one worker added to the file, `kspray plan` from an `npm pack` install. Target < 1.5 s wall.
//   node --import tsx bench/plan.ts [--runs 5]     (rewrites "Plan" in docs/benchmarks.md; `npm run bench -- plan`)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generatedConfig } from './config-gen.js';
import { loadAverages, machineLine, maxRssMiB, writeSection } from './doc-section.js';
import { installPacked, repoRoot } from './install.js';

const runs = process.argv.includes('--runs') ? Number(process.argv[process.argv.indexOf('--runs') + 1]) : 5;
const HOSTS = 5000;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (x: number) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));

const work = mkdtempSync(join(tmpdir(), 'kspray-bench-plan-'));
const kspray = installPacked(work);
const cfg = join(work, 'cfg');
const applied = generatedConfig(HOSTS);
mkdirSync(join(cfg, '.kspray', `bench-${HOSTS}`), { recursive: true });
writeFileSync(join(cfg, '.kspray', `bench-${HOSTS}`, 'applied.yaml'), applied);
// the next worker, as generatedConfig would have written it
writeFileSync(join(cfg, 'kspray.yaml'), generatedConfig(HOSTS + 1).replace(`name: bench-${HOSTS + 1}`, `name: bench-${HOSTS}`));
const loadBefore = loadAverages();

const timeBin = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
const parsedCache = join(cfg, '.kspray', `bench-${HOSTS}`, 'applied.yaml.json');
let stdout = '';
/** `runs` timed runs of `kspray plan` after one warm-up; `cold` removes the parsed form of applied.yaml before each */
function measure(cold: boolean) {
  const walls: number[] = [];
  const cpu: number[] = [];
  let rss = 0;
  for (let i = 0; i <= runs; i++) {
    if (cold) rmSync(parsedCache, { force: true });
    const a = performance.now();
    const r = timeBin ? spawnSync(timeBin, ['-v', kspray, 'plan'], { cwd: cfg, encoding: 'utf8' }) : spawnSync(kspray, ['plan'], { cwd: cfg, encoding: 'utf8' });
    const wall = performance.now() - a;
    if (r.status !== 13) throw new Error(`kspray plan exited ${r.status} (expected 13, changes pending):\n${r.stdout}\n${r.stderr}`);
    stdout = r.stdout;
    if (i === 0) continue; // the first run warms the page cache
    walls.push(wall);
    const t = (re: RegExp) => Number(re.exec(r.stderr ?? '')?.[1] ?? NaN);
    cpu.push((t(/User time \(seconds\): ([\d.]+)/) + t(/System time \(seconds\): ([\d.]+)/)) * 1000);
    rss = Math.max(rss, maxRssMiB(r.stderr ?? ''));
  }
  return { walls, wall: median(walls), cpu: median(cpu), rss };
}
const cold = measure(true);
const warm = measure(false);
if (!/add-node node05000 \(worker\)/.test(stdout) || !/scale\.yml --limit node05000/.test(stdout)) throw new Error(`unexpected plan:\n${stdout}`);

const out = [
  '## Plan',
  '',
  'Reproduce: `node --import tsx bench/plan.ts` (rewrites this section; `npm run bench -- plan`).',
  '',
  machineLine(loadBefore, loadAverages()),
  '',
  `kspray as a user installs it (\`npm pack\`, \`npm install -g --prefix <tmp> --ignore-scripts\`), in a directory holding the generated ${HOSTS.toLocaleString('en')}-host ` +
    `config (\`bench/config-gen.ts\`) as \`.kspray/bench-${HOSTS}/applied.yaml\` and the same config with one more worker as \`kspray.yaml\`. ` +
    `\`kspray plan\` reads both, diffs their rendered inventories and plans the add-node flow's phases (exit 13, one add-node: \`playbooks/facts.yml\`, ` +
    `\`scale.yml --limit node05000\`). ${runs} runs after one warm-up; median wall and CPU (user + system), peak RSS (\`/usr/bin/time -v\`).`,
  '',
  '| command | wall (ms) | target | CPU (ms) | max RSS (MiB) |',
  '|---|---|---|---|---|',
  `| \`kspray plan\`, ${HOSTS.toLocaleString('en')} hosts applied, one added (every plan after an apply) | ${ms(warm.wall)} | < 1,500 | ${ms(warm.cpu)} | ${warm.rss.toFixed(0)} |`,
  `| the same, applied.yaml without its parsed form (the first plan after it was written by hand or by an older kspray) | ${ms(cold.wall)} | | ${ms(cold.cpu)} | ${cold.rss.toFixed(0)} |`,
  '',
  `Wall per run: ${warm.walls.map(ms).join(', ')} ms; without the parsed form ${cold.walls.map(ms).join(', ')} ms.`,
  '',
  'Where the time goes: the YAML parse and validation of the config (the compiled parser), the variable diff of the two rendered inventories, ' +
    'and the add-node phases planned against the config (a host already in the file is not validated again). What was applied is not parsed again: ' +
    'the flow that writes `applied.yaml` writes its parsed config beside it (`applied.yaml.json`, keyed by the sha256 of the text, so an edited ' +
    '`applied.yaml` is parsed afresh and the parsed form rewritten). Without it, the second YAML parse costs about as much as the first.',
  '',
].join('\n');
process.stdout.write(out + '\n');
writeSection(repoRoot, '## Plan', out);
