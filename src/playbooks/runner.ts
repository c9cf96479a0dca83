// Runs one ansible-playbook: full output to the run log, events to the live view, Ctrl-C to a clean stop.
import { createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { start } from '../exec.js';
import type { Reporter } from '../io/reporter.js';
import { redact } from '../io/redact.js';
import type { Interrupts } from '../runs/interrupt.js';
import type { AnsibleCommand } from './argv.js';
import { applyEvent, newRunState, parseEventLine, statusLine, type AnsibleEvent, type RunState } from './events.js';

export interface PlaybookOutcome {
  exitCode: number | undefined;
  interrupted: boolean;
  state: RunState;
  durationMs: number;
}

export interface RunnerOptions {
  reporter: Reporter;
  logFile: string;
  eventsFile: string;
  interrupts?: Interrupts;
  estimateMs?: number;
  /** grace between SIGINT and SIGKILL after the first Ctrl-C */
  stopGraceMs?: number;
}

/** Follows a growing file and hands over complete lines (Ansible appends events as it goes). */
function tailLines(path: string, onLine: (l: string) => void) {
  let offset = 0;
  let partial = '';
  let busy = false;
  const poll = async () => {
    if (busy) return;
    busy = true;
    try {
      const fh = await open(path, 'r').catch(() => undefined);
      if (!fh) return;
      try {
        const buf = Buffer.alloc(64 * 1024);
        for (;;) {
          const { bytesRead } = await fh.read(buf, 0, buf.length, offset);
          if (!bytesRead) break;
          offset += bytesRead;
          const text = partial + buf.subarray(0, bytesRead).toString('utf8');
          const lines = text.split('\n');
          partial = lines.pop() ?? '';
          for (const l of lines) onLine(l);
        }
      } finally {
        await fh.close();
      }
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void poll(), 200);
  return {
    async stop() {
      clearInterval(timer);
      while (busy) await new Promise((r) => setTimeout(r, 20));
      await poll();
      if (partial) onLine(partial);
    },
  };
}

export async function runPlaybook(cmd: AnsibleCommand, o: RunnerOptions): Promise<PlaybookOutcome> {
  const r = o.reporter;
  const state = newRunState();
  const began = Date.now();
  const log = createWriteStream(o.logFile, { flags: 'a', mode: 0o600 });
  // plain/json output gets PLAY/TASK lines and events instead of a spinner
  const spin = r.mode === 'tty' ? r.spinner(statusLine(state, 0, o.estimateMs)) : { update: () => {}, stop: () => {} };
  const onEvent = (e: AnsibleEvent) => {
    const failedBefore = state.failures.length;
    applyEvent(state, e);
    r.event({ ...e, type: `ansible.${e.type}` });
    if (r.mode === 'plain') {
      if (e.type === 'play_start') r.info(`PLAY ${e.play}`);
      else if (e.type === 'task_start') r.info(`  TASK ${e.task}`);
    }
    for (const f of state.failures.slice(failedBefore)) r.host(f.host, r.color.red(`${f.unreachable ? 'UNREACHABLE' : 'FAILED'} in "${f.task}": ${f.msg.split('\n')[0]}`));
    spin.update(statusLine(state, Date.now() - began, o.estimateMs));
  };
  const tail = tailLines(o.eventsFile, (line) => {
    const e = parseEventLine(line);
    if (e) onEvent(e);
  });
  const ticker = setInterval(() => spin.update(statusLine(state, Date.now() - began, o.estimateMs)), 1000);
  const toLog = (l: string) => log.write(redact(l) + '\n');
  const proc = await start(cmd.argv, { cwd: cmd.cwd, env: cmd.env, collect: false, onStdout: toLog, onStderr: toLog });
  let interrupted = false;
  const stop = () => {
    interrupted = true;
    spin.update('stopping ansible-playbook (Ctrl-C again to kill)…');
    // ansible handles SIGINT like a keyboard interrupt: it stops its workers and prints a recap
    proc.cancel({ signal: 'SIGINT', graceMs: o.stopGraceMs ?? 30_000 });
  };
  const kill = () => proc.kill();
  o.interrupts?.signal.addEventListener('abort', stop, { once: true });
  o.interrupts?.onForce(kill);
  if (o.interrupts?.signal.aborted) stop();
  let exitCode: number | undefined;
  try {
    const res = await proc.done;
    exitCode = res.exitCode;
  } finally {
    clearInterval(ticker);
    await tail.stop();
    o.interrupts?.signal.removeEventListener('abort', stop);
    await new Promise((res) => log.end(res));
  }
  const durationMs = Date.now() - began;
  spin.stop();
  return { exitCode, interrupted, state, durationMs };
}
