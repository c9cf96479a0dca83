// Start-up as a user gets it: `kspray validate` on the homelab example from an `npm pack` install, against `node -e 0`
// in the same hyperfine run (wall and CPU), its peak RSS, and where its time goes (a cpu profile).
//   node --import tsx bench/startup.ts [--rounds 3] [--runs 20]     (needs hyperfine; rewrites "Start-up" in docs/benchmarks.md)
// The config's spec.kubespray.path (./kubespray) does not exist, as before `kspray setup`; with a cached real kubespray
// checkout a second row points it there (kspray then reads the checkout's release facts).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAverages, machineLine, maxRssMiB, writeSection } from './doc-section.js';
import { installPacked, repoRoot } from './install.js';

const arg = (name: string, def: number) => (process.argv.includes(name) ? Number(process.argv[process.argv.indexOf(name) + 1]) : def);
const rounds = arg('--rounds', 3);
const runs = arg('--runs', 20);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (x: number) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
if (spawnSync('sh', ['-c', 'command -v hyperfine']).status !== 0) throw new Error('hyperfine is needed (apt-get install hyperfine)');

const work = mkdtempSync(join(tmpdir(), 'kspray-bench-startup-'));
const kspray = installPacked(work);
const cfgDir = join(work, 'cfg');
mkdirSync(cfgDir);
const homelab = readFileSync(join(repoRoot, 'templates', 'examples', 'homelab.yaml'), 'utf8');
writeFileSync(join(cfgDir, 'homelab.yaml'), homelab);
const checkout = join(process.env.KSPRAY_CACHE_DIR ?? join(homedir(), '.cache', 'kspray'), 'real-kubespray', 'v2.25.0');
const withCheckout = existsSync(join(checkout, 'roles')) ? join(cfgDir, 'homelab-checkout.yaml') : undefined;
if (withCheckout) writeFileSync(withCheckout, homelab.replace(/^(\s+)path: \.\/kubespray$/m, `$1path: ${checkout}`));
const loadBefore = loadAverages();

// ---- wall and CPU: rounds of hyperfine runs, every command back to back within a round
const commands: [string, string][] = [
  ['`node -e 0`', 'node -e 0'],
  ['`kspray validate -c homelab.yaml` (kubespray path absent)', `${kspray} validate -c homelab.yaml`],
  ...(withCheckout ? [['`kspray validate` with spec.kubespray.path at a v2.25.0 checkout', `${kspray} validate -c homelab-checkout.yaml`] as [string, string]] : []),
];
const wall: number[][] = commands.map(() => []);
const cpu: number[][] = commands.map(() => []);
const ratios: number[] = [];
for (let r = 0; r < rounds; r++) {
  const out = join(work, 'hyperfine.json');
  execFileSync('hyperfine', ['-N', '--warmup', '5', '--runs', String(runs), '--export-json', out, ...commands.map(([, c]) => c)], { cwd: cfgDir, stdio: 'ignore' });
  const res = (JSON.parse(readFileSync(out, 'utf8')) as { results: { times: number[]; user: number; system: number }[] }).results;
  res.forEach((x, i) => (wall[i]!.push(...x.times.map((t) => t * 1000)), cpu[i]!.push((x.user + x.system) * 1000)));
  ratios.push(median(res[1]!.times) / median(res[0]!.times));
}
const rows = commands.map(([label], i) => ({ label, wall: median(wall[i]!), cpu: median(cpu[i]!) }));

// ---- peak RSS (/usr/bin/time -v)
const rss = (argv: string[]) => {
  let max = 0;
  for (let i = 0; i < 5; i++) {
    const r = spawnSync('/usr/bin/time', ['-v', ...argv], { cwd: cfgDir, encoding: 'utf8' });
    max = Math.max(max, maxRssMiB(r.stderr));
  }
  return max;
};
const hasTime = existsSync('/usr/bin/time');
const rssNode = hasTime ? rss(['node', '-e', '0']) : NaN;
const rssKspray = hasTime ? rss([kspray, 'validate', '-c', 'homelab.yaml']) : NaN;

// ---- where the time goes: cpu profiles of the installed command, samples by what they were doing
interface Profile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
}
const parts = ['module load and compile', 'config parse + validate (YAML, schema, rules, capacity)', 'CLI setup and output (commander, reporter)', 'garbage collection and other'] as const;
function breakdown(p: Profile): Map<string, number> {
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const part = (id: number): (typeof parts)[number] => {
    let config = false;
    let cli = false;
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const f = byId.get(cur)!.callFrame;
      // compiling, linking and evaluating a module's top level (lineNumber 0 is a module's own body)
      if (/node:internal\/modules\//.test(f.url) || (f.url.includes('/dist/') && f.lineNumber === 0 && f.functionName === '')) return parts[0];
      if (/^(loadConfigFile|clusterCapacity)$/.test(f.functionName)) config = true;
      if (f.url.includes('/dist/')) cli = true;
    }
    return config ? parts[1] : cli ? parts[2] : parts[3];
  };
  const t = new Map<string, number>(parts.map((x) => [x, 0]));
  p.samples.forEach((s, i) => t.set(part(s), t.get(part(s))! + (p.timeDeltas[i] ?? 0) / 1000));
  return t;
}
const profDir = join(work, 'prof');
const script = realpathSync(kspray);
const profiles: Map<string, number>[] = [];
for (let i = 0; i < 7; i++) {
  rmSync(profDir, { recursive: true, force: true });
  execFileSync('node', ['--cpu-prof', '--cpu-prof-dir', profDir, '--cpu-prof-interval', '100', script, 'validate', '-c', 'homelab.yaml'], { cwd: cfgDir, stdio: 'ignore' });
  profiles.push(breakdown(JSON.parse(readFileSync(join(profDir, readdirSync(profDir)[0]!), 'utf8')) as Profile));
}
const where = parts.map((x) => [x, median(profiles.map((m) => m.get(x)!))] as const);
const loadAfter = loadAverages();
rmSync(work, { recursive: true, force: true });

const [node0] = rows;
const out = [
  '## Start-up',
  '',
  'Reproduce: `node --import tsx bench/startup.ts` (rewrites this section; `npm run bench -- startup`).',
  '',
  machineLine(loadBefore, loadAfter),
  '',
  'kspray as a user installs it: `npm pack` of the checkout, `npm install -g --prefix <tmp> --ignore-scripts kspray-<version>.tgz`, then ' +
    `\`<tmp>/bin/kspray validate -c homelab.yaml\` (the homelab example; its spec.kubespray.path \`./kubespray\` does not exist). ` +
    `\`hyperfine -N\`, ${rounds} rounds of ${runs} runs per command after 5 warm-ups; wall: median of all runs, CPU (user + system): median of the round means.`,
  '',
  '| command | wall (ms) | vs `node -e 0` (target ≤ 2×) | CPU (ms) | CPU vs `node -e 0` |',
  '|---|---|---|---|---|',
  ...rows.map((r) => `| ${r.label} | ${ms(r.wall)} | ${(r.wall / node0!.wall).toFixed(2)}× | ${ms(r.cpu)} | ${(r.cpu / node0!.cpu).toFixed(2)}× |`),
  '',
  `Wall ratio per round (medians within the round): ${ratios.map((r) => `${r.toFixed(2)}×`).join(', ')}. ` +
    `Peak RSS (max of 5, \`/usr/bin/time -v\`): \`node -e 0\` ${rssNode.toFixed(0)} MiB, \`kspray validate\` ${rssKspray.toFixed(0)} MiB.`,
  '',
  `Where the time goes (\`node --cpu-prof\` of the installed command, median of 7 profiles; the profiler slows what it samples, so the shares are the figure to read; ` +
    `node's own boot, before the first sample, is the \`node -e 0\` row, ${ms(node0!.cpu)} ms of CPU):`,
  '',
  '| part | profile ms | share |',
  '|---|---|---|',
  ...where.map(([k, v]) => `| ${k} | ${ms(v)} | ${((v / where.reduce((a, [, x]) => a + x, 0)) * 100).toFixed(0)} % |`),
  '',
  '`validate` renders nothing (render is `kspray render`). What makes it this fast, honestly (nothing is tied to the machine that built it):',
  '',
  '- `bin/kspray` is a plain `#!/usr/bin/env node` launcher of one bundle (`scripts/build.mjs`); each command, and every dependency of host work ' +
    '(execa, ssh2/node-ssh, @kubernetes/client-node, ora, chalk), is loaded only by the commands that use it (test/unit/launcher.test.ts checks `validate` loads none).',
  '- A valid config is checked by a parser compiled from the zod schema at build time (`src/config/schema-compile.ts`): plain JavaScript that ' +
    'returns exactly what zod would, or "ask zod". zod (~400 KB to compile and ~100 schemas to construct, about a third of the old start-up) is loaded ' +
    'only for a config with problems, which zod then reports as before.',
  '- The bundle is minified (whitespace and syntax; names kept for `--debug` stack traces): scanning less source took about a tenth off `validate`\'s CPU. ' +
    'The `require()` bundled CommonJS needs is made on first use, not in every chunk.',
  '- What is left is compiling the bundled JavaScript (commander, yaml, ip-address, the rules), the YAML parse and the rules.',
  '',
].join('\n');
process.stdout.write(out + '\n');
writeSection(repoRoot, '## Start-up', out);
