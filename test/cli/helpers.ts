// Spawning the built CLI. dist/ is built once before the run (`npm test`, `npm run test:cli`); the project's
// globalSetup (test/cli/built.ts) stops the run when it is missing or older than src/.
import { execFile } from 'node:child_process';
import { repoPath } from '../unit/helpers.js';

export { tempDir } from '../unit/helpers.js';

export const bin = repoPath('bin', 'kspray');

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

/** Node prints "    at fn (file:line:col)" frames only for uncaught errors. */
export const hasStackTrace = (s: string) => /^\s+at .+[:(]\d+:\d+\)?$/m.test(s);
