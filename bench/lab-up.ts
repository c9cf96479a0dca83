// Measures `lab up` for six hosts (+2 spares): median of N runs with `lab down` between.
//   node --import tsx bench/lab-up.ts [--runs 5]
// Uses its own lab dir/subnet so a running dev lab is not touched. Prints a markdown table row.
import fs from 'node:fs';
import os from 'node:os';
import { labDown, labUp } from '../test/lab/index.js';

const runsFlag = process.argv.indexOf('--runs');
const runs = runsFlag >= 0 ? Number(process.argv[runsFlag + 1]) : 5;
const opts = { dir: '/var/tmp/kspray-lab-bench', subnet: '10.77.200', prefix: 'kbench', hosts: 6, spares: 2 };

const times: number[] = [];
try {
  await labDown({ dir: opts.dir });
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await labUp({ ...opts, fresh: true });
    times.push((performance.now() - t0) / 1000);
    await labDown({ dir: opts.dir });
  }
} finally {
  await labDown({ dir: opts.dir });
  fs.rmSync(opts.dir, { recursive: true, force: true });
}
const sorted = [...times].sort((a, b) => a - b);
const median = sorted[Math.floor(sorted.length / 2)] ?? NaN;
const fmt = (s: number) => `${s.toFixed(2)} s`;
console.log('| benchmark | runs | median | min | max | target | machine |');
console.log('|---|---|---|---|---|---|---|');
console.log(
  `| \`lab up\` (6 hosts + 2 spares, fresh) | ${runs} | ${fmt(median)} | ${fmt(sorted[0] ?? NaN)} | ${fmt(sorted.at(-1) ?? NaN)} | < 10 s | ${os.cpus().length} CPU, ${os.type()} ${os.release()} |`,
);
