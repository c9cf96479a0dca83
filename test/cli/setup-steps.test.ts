// scripts/setup.sh shows what it does while it does it: the step runner's lines come before a slow step ends.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { tempDir } from './helpers.js';
import { repoPath } from '../unit/helpers.js';

const steps = repoPath('scripts', 'lib', 'steps.sh');

function runSteps(script: string, env: Record<string, string> = {}) {
  const logs = tempDir();
  const child = spawn('bash', ['-c', `set -euo pipefail; source ${JSON.stringify(steps)}; ${script}`], {
    env: { ...process.env, SETUP_LOG_DIR: logs, SETUP_HEARTBEAT: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const err: string[] = [];
  const waiters: { re: RegExp; resolve: () => void }[] = [];
  createInterface({ input: child.stdout }).on('line', (l) => {
    lines.push(l);
    for (const w of waiters.filter((x) => x.re.test(l))) w.resolve();
  });
  createInterface({ input: child.stderr }).on('line', (l) => err.push(l));
  const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
  const seen = (re: RegExp) => new Promise<void>((resolve) => (lines.some((l) => re.test(l)) ? resolve() : waiters.push({ re, resolve })));
  return { lines, err, exited, seen, logs };
}

describe('setup step runner', () => {
  it('announces a step, keeps a heartbeat while it runs and reports its end', async () => {
    const go = join(tempDir(), 'go');
    const r = runSteps(`step slow "doing a slow thing" --note "about a minute" -- bash -c 'until [ -f ${go} ]; do sleep 0.05; done'`);
    await r.seen(/^setup: doing a slow thing — about a minute$/);
    // the step is still blocked on the file: the heartbeat must show before it can end
    await r.seen(/^setup: … slow still running \(\d+s\)$/);
    writeFileSync(go, '');
    expect(await r.exited).toBe(0);
    expect(r.lines.at(-1)).toMatch(/^setup: slow done in \d+s$/);
  });

  it('on failure names the step, its exit code and the last lines of its log, and fails', async () => {
    const r = runSteps(`step broken "building a thing" -- bash -c 'for i in $(seq 1 30); do echo "line $i"; done; exit 3'`);
    expect(await r.exited).toBe(3);
    expect(r.err[0]).toMatch(/^setup: failed: building a thing \(exit 3 after \d+s\); last lines of .*broken\.log:$/);
    expect(r.err.slice(1)).toEqual(Array.from({ length: 20 }, (_, i) => `  | line ${i + 11}`));
    expect(existsSync(join(r.logs, 'broken.log'))).toBe(true);
  });

  it('leaves no heartbeat process behind', async () => {
    const r = runSteps(`step quick "a quick thing" -- true; echo "pids: $(jobs -p | wc -l)"`);
    expect(await r.exited).toBe(0);
    expect(r.lines).toContain('pids: 0');
  });
});

// only where nothing is missing: a real run would otherwise install (npm ci replaces node_modules)
const warm = process.getuid?.() === 0 && spawnSync('bash', [repoPath('scripts', 'setup.sh'), '--check']).status === 0;

describe('scripts/setup.sh on a machine that has everything', () => {
  it.skipIf(!warm)('prints one line saying what is already in place', () => {
    const r = spawnSync('bash', [repoPath('scripts', 'setup.sh'), '--quiet'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const out = r.stdout.trim().split('\n');
    expect(out, r.stdout).toHaveLength(1);
    expect(out[0]).toMatch(/^setup: everything in place \(apt packages, ansible venvs, node_modules \+ build, kube-apiserver v[\d.]+, real kubespray\) — \d+s$/);
  });
});
