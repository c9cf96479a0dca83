// The ONLY module that starts processes. argv arrays only (no shell), explicit env, stdin ignored unless given.
import type { Readable, Writable } from 'node:stream';
import type { Options, ResultPromise } from 'execa';
import { redact } from './io/redact.js';
import { shellJoin } from './ssh/quote.js';

export interface RunOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  /** replace the inherited environment instead of extending it */
  extendEnv?: boolean;
  input?: string;
  /** 'pipe': the caller writes stdin through child.stdin (streams; see startStream) */
  stdin?: 'pipe';
  timeoutMs?: number;
  signal?: AbortSignal;
  /** called with each line of stdout / stderr as it arrives */
  onStdout?: (line: string) => void;
  onStderr?: (line: string) => void;
  /** keep output in memory (default true); long runs pass false and stream instead */
  collect?: boolean;
  /** stdout straight into this open file descriptor (large outputs that need not pass through kspray) */
  stdoutFd?: number;
}

export interface RunResult {
  exitCode: number | undefined;
  signal: string | undefined;
  stdout: string;
  stderr: string;
  failed: boolean;
  timedOut: boolean;
  cancelled: boolean;
}

export class SubprocessError extends Error {
  constructor(
    readonly kind: 'spawn-failed' | 'exited' | 'killed',
    readonly argv: string[],
    readonly result: Partial<RunResult>,
    cause?: unknown,
  ) {
    super(`${displayArgv(argv)} ${kind === 'spawn-failed' ? 'could not start' : kind === 'killed' ? `was killed (${result.signal ?? 'timeout'})` : `exited with ${result.exitCode}`}`, { cause });
    this.name = 'SubprocessError';
  }
}

/** DISPLAY ONLY: quoted and redacted, never executed. */
export function displayArgv(argv: readonly string[]): string {
  return redact(shellJoin(argv));
}

function lineSplitter(fn: (line: string) => void) {
  let buf = '';
  return {
    push(chunk: Buffer | string) {
      buf += chunk.toString();
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        fn(buf.slice(0, i));
        buf = buf.slice(i + 1);
      }
    },
    end() {
      if (buf) fn(buf);
      buf = '';
    },
  };
}

// execa (its own lazily loaded chunk of the bundle, scripts/build.mjs) loads on the first process started, not with
// every command that might start one
let execaModule: Promise<typeof import('execa')> | undefined;

/** A started process. Only exec.ts signals processes: callers stop one through `cancel` or `kill`. */
export interface Proc {
  /** undefined when stdout goes to a file descriptor (`stdoutFd`) */
  stdout: Readable | undefined;
  stderr: Readable | undefined;
  /** when asked for (`stdin: 'pipe'`, or `input`) */
  stdin: Writable | undefined;
  /**
   * Stop it and everything it started (its process group): `signal` first (default SIGTERM; SIGINT for programs that
   * stop cleanly on a keyboard interrupt), SIGKILL if it has not exited after `graceMs` (default 5 s).
   */
  cancel(o?: { signal?: 'SIGINT' | 'SIGTERM'; graceMs?: number }): void;
  /** SIGKILL to its process group now */
  kill(): void;
  /** resolves with its result whatever the exit code (callers classify); rejects with SubprocessError when it cannot start */
  done: Promise<RunResult>;
}

const DEFAULT_GRACE_MS = 5000;

/** Start a process in its own process group. */
export async function start(argv: string[], opts: RunOptions = {}): Promise<Proc> {
  const [file, ...args] = argv;
  if (!file) throw new Error('empty argv');
  const { execa } = await (execaModule ??= import('execa'));
  const child = execa(file, args, {
    cwd: opts.cwd,
    env: opts.env,
    extendEnv: opts.extendEnv ?? true,
    stdin: opts.input !== undefined || opts.stdin === 'pipe' ? 'pipe' : 'ignore',
    ...(opts.input !== undefined ? { input: opts.input } : {}),
    stdout: opts.stdoutFd ?? 'pipe',
    stderr: 'pipe',
    buffer: opts.collect ?? true,
    reject: false,
    ...(opts.timeoutMs ? { timeout: opts.timeoutMs } : {}),
    ...(opts.signal ? { cancelSignal: opts.signal } : {}),
    forceKillAfterDelay: DEFAULT_GRACE_MS,
    // own process group, so Ctrl-C in the terminal reaches kspray first and kspray decides
    detached: true,
  } as unknown as Options) as unknown as ResultPromise;
  const out = opts.onStdout ? lineSplitter(opts.onStdout) : undefined;
  const err = opts.onStderr ? lineSplitter(opts.onStderr) : undefined;
  if (out) child.stdout?.on('data', (c: Buffer) => out.push(c));
  if (err) child.stderr?.on('data', (c: Buffer) => err.push(c));
  let exited = false;
  let graceTimer: NodeJS.Timeout | undefined;
  const done = child.then(
    (r) => {
      exited = true;
      clearTimeout(graceTimer);
      out?.end();
      err?.end();
      const res = r as unknown as { exitCode?: number; signal?: string; stdout?: unknown; stderr?: unknown; failed: boolean; timedOut: boolean; isCanceled: boolean; code?: string };
      if (res.code === 'ENOENT' || (res.exitCode === undefined && res.signal === undefined && res.failed && !res.timedOut && !res.isCanceled))
        throw new SubprocessError('spawn-failed', argv, {}, r);
      return {
        exitCode: res.exitCode,
        signal: res.signal,
        stdout: typeof res.stdout === 'string' ? res.stdout : '',
        stderr: typeof res.stderr === 'string' ? res.stderr : '',
        failed: res.failed,
        timedOut: res.timedOut,
        cancelled: res.isCanceled,
      };
    },
  );
  const signalGroup = (sig: NodeJS.Signals) => {
    if (!child.pid) return;
    try {
      process.kill(-child.pid, sig);
    } catch {
      /* already gone */
    }
  };
  // also after the leader exited: what it started may still be running in its group
  const kill = () => signalGroup('SIGKILL');
  return {
    stdout: child.stdout ?? undefined,
    stderr: child.stderr ?? undefined,
    stdin: child.stdin ?? undefined,
    cancel(o = {}) {
      if (exited) return;
      signalGroup(o.signal ?? 'SIGTERM');
      if (graceTimer) return;
      graceTimer = setTimeout(kill, o.graceMs ?? DEFAULT_GRACE_MS);
      graceTimer.unref();
    },
    kill,
    done,
  };
}

/**
 * Start a process for a large byte stream at constant memory: stdout is the raw stream (never buffered),
 * stdin is writable when asked for (`stdin: 'pipe'`), stderr is kept (last 64 KiB) for error messages.
 */
export async function startStream(argv: string[], opts: Omit<RunOptions, 'collect' | 'onStdout' | 'stdoutFd'> = {}): Promise<Proc & { stdout: Readable }> {
  const stderr = stderrTail();
  const p = await start(argv, { ...opts, collect: false, onStderr: stderr.onStderr });
  return { ...p, stdout: p.stdout!, done: stderr.into(p.done) };
}

/** For processes that do not collect their output: keeps the last 64 KiB of stderr and puts it into the result. */
export function stderrTail(): { onStderr: (line: string) => void; into: (done: Promise<RunResult>) => Promise<RunResult> } {
  let text = '';
  return {
    onStderr: (l) => (text = (text + l + '\n').slice(-65536)),
    into: (done) => done.then((r) => ({ ...r, stderr: text })),
  };
}

/** Run to completion and return the result; throws SubprocessError when it cannot start. */
export async function run(argv: string[], opts: RunOptions = {}): Promise<RunResult> {
  return (await start(argv, opts)).done;
}
