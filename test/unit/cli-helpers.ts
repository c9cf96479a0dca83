// Spawning the built CLI: rebuilds dist/ first when any src file is newer (one build at a time across test files).
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoPath } from './helpers.js';

export const bin = repoPath('bin', 'kspray');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** Make sure dist/ reflects src/ (vitest does not build; `npm test` may run on a stale dist). */
export function ensureBuilt(): void {
  const lock = join(tmpdir(), 'kspray-unit-build.lock');
  const fresh = () => {
    try {
      return statSync(repoPath('dist', 'main.js')).mtimeMs >= newestMtime(repoPath('src'));
    } catch {
      return false;
    }
  };
  for (let waited = 0; !fresh(); waited += 200) {
    try {
      mkdirSync(lock);
    } catch {
      if (waited > 120_000) throw new Error(`${lock} held for 2 minutes; remove it`);
      sleep(200);
      continue;
    }
    try {
      // the same build as `npm run build` minus the type check
      if (!fresh()) execFileSync(process.execPath, [repoPath('scripts', 'build.mjs')], { stdio: 'pipe' });
    } finally {
      rmdirSync(lock);
    }
  }
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run bin/kspray in `cwd`, never on a TTY, colours not forced. */
export function kspray(cwd: string, args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const clean = { ...process.env, FORCE_COLOR: undefined, KSPRAY_CONFIG: undefined, ...env };
    execFile(bin, args, { cwd, env: clean as NodeJS.ProcessEnv, timeout: 30_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

export const tempDir = (prefix = 'kspray-test-') => mkdtempSync(join(tmpdir(), prefix));

/** Node prints "    at fn (file:line:col)" frames only for uncaught errors. */
export const hasStackTrace = (s: string) => /^\s+at .+[:(]\d+:\d+\)?$/m.test(s);
