// The lab's only process-spawning module (test infrastructure, not kspray core).
// argv arrays only; secrets go through `input` (stdin), never argv.
import { spawn } from 'node:child_process';
import { waitFor } from './wait.js';

export interface RunOptions {
  input?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** do not throw on a non-zero exit */
  allowFail?: boolean;
  timeoutMs?: number;
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export class CommandError extends Error {
  constructor(
    readonly argv: readonly string[],
    readonly result: RunResult,
  ) {
    super(`command failed (${result.code ?? result.signal}): ${argv.join(' ')}\n${result.stderr.trim()}`);
    this.name = 'CommandError';
  }
}

export function run(argv: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const [cmd, ...args] = argv;
  if (cmd === undefined) throw new Error('run: empty argv');
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: opts.timeoutMs,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const result = { code, signal, stdout, stderr };
      if (code !== 0 && !opts.allowFail) reject(new CommandError(argv, result));
      else resolve(result);
    });
    child.stdin.on('error', () => undefined); // the command may exit without reading its input
    child.stdin.end(opts.input ?? '');
  });
}

/** Start a long-running child (e.g. ansible-playbook) and hand back the handle; caller owns it. */
export function start(argv: readonly string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}) {
  const [cmd, ...args] = argv;
  if (cmd === undefined) throw new Error('start: empty argv');
  const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const done = new Promise<RunResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done, output: () => stdout + stderr };
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    /* already gone */
  }
}

/** TERM the pids, wait up to `graceMs`, then KILL what is left. */
export async function stopPids(pids: readonly number[], graceMs = 3000): Promise<void> {
  for (const pid of pids) signal(pid, 'SIGTERM');
  const gone = (ms: number) => waitFor(() => !pids.some(isAlive), { timeoutMs: ms, intervalMs: 20, what: `pids ${pids.join(' ')} to exit` }).catch(() => false);
  if (await gone(graceMs)) return;
  for (const pid of pids.filter(isAlive)) signal(pid, 'SIGKILL');
  await gone(2000);
}
