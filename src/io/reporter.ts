// The one owner of output. Commands and flows talk to a Reporter, never to the console.
// tty: colours + spinner; plain: one line per message (CI, pipes); json: data/events on stdout, prose on stderr.
import type { Writable } from 'node:stream';
import type { ChalkInstance } from 'chalk';
import { redact } from './redact.js';

export type OutputMode = 'tty' | 'plain' | 'json';

export interface Spinner {
  update(text: string): void;
  stop(final?: string): void;
}

export interface Reporter {
  readonly mode: OutputMode;
  readonly color: ChalkInstance;
  info(msg: string): void;
  success(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
  /** supporting lines of an error or warning (details, hints): stderr, like the error itself */
  note(msg: string): void;
  debug(msg: string): void;
  /** `==> title` headers between phases of a flow */
  phase(title: string): void;
  /** a line about one host, prefixed with it */
  host(host: string, msg: string): void;
  /** the command's result: printed as JSON in json mode, by `human` otherwise */
  result(data: unknown, human?: () => void): void;
  /** one structured event (NDJSON on stdout in json mode, ignored otherwise) */
  event(ev: Record<string, unknown>): void;
  /** plain text that is the command's own output (e.g. a rendered file, a diff) */
  print(text: string): void;
  spinner(text: string): Spinner;
}

export interface ReporterOptions {
  mode?: OutputMode;
  debug?: boolean;
  stdout?: Writable & { isTTY?: boolean };
  stderr?: Writable & { isTTY?: boolean };
  env?: NodeJS.ProcessEnv;
  /** chalk, loaded by the caller only when colours are wanted (see wantsColor); plain text otherwise */
  chalk?: ChalkInstance;
}

/** chalk without colours: every style (and chain of styles) returns its text, so plain and json runs never load chalk. */
const plainStyle: ChalkInstance = new Proxy((...text: unknown[]) => text.join(' '), {
  get: (_target, prop) => (prop === 'level' ? 0 : plainStyle),
}) as unknown as ChalkInstance;

/** Colours only on a terminal, in tty mode, without NO_COLOR. */
export function wantsColor(mode: OutputMode, env: NodeJS.ProcessEnv, isTTY: boolean): boolean {
  return mode === 'tty' && !('NO_COLOR' in env) && isTTY;
}

export function detectMode(requested: string | undefined, env: NodeJS.ProcessEnv, isTTY: boolean): OutputMode {
  if (requested === 'json') return 'json';
  if (requested === 'plain') return 'plain';
  return isTTY && !env.CI ? 'tty' : 'plain';
}

export function createReporter(opts: ReporterOptions = {}): Reporter {
  const env = opts.env ?? process.env;
  const out = opts.stdout ?? process.stdout;
  const err = opts.stderr ?? process.stderr;
  const mode = opts.mode ?? detectMode(undefined, env, Boolean(out.isTTY));
  const c: ChalkInstance = opts.chalk && wantsColor(mode, env, Boolean(err.isTTY ?? out.isTTY)) ? opts.chalk : plainStyle;
  const human = mode === 'json' ? err : out;
  let active: { stop(): void; resume(): void } | undefined;
  const write = (stream: Writable, line: string) => {
    active?.stop();
    stream.write(redact(line) + '\n');
    active?.resume();
  };

  return {
    mode,
    color: c,
    info: (m) => write(human, m),
    success: (m) => write(human, c.green(m)),
    warn: (m) => write(err, c.yellow(`warning: ${m}`)),
    error: (m) => write(err, c.red(`error: ${m}`)),
    note: (m) => write(err, m),
    debug: (m) => {
      if (opts.debug) write(err, c.gray(`debug: ${m}`));
    },
    phase: (t) => write(human, c.bold.cyan(`==> ${t}`)),
    host: (h, m) => write(human, `${c.bold(h)}: ${m}`),
    result(data, humanFn) {
      if (mode === 'json') out.write(JSON.stringify(data) + '\n');
      else humanFn?.();
    },
    event(ev) {
      if (mode === 'json') out.write(redact(JSON.stringify(ev)) + '\n');
    },
    print: (text) => {
      active?.stop();
      out.write(text.endsWith('\n') ? text : text + '\n');
      active?.resume();
    },
    spinner(text) {
      if (mode !== 'tty') {
        write(human, text);
        return { update: () => {}, stop: (final) => final && write(human, final) };
      }
      return startTtySpinner(text, human, (a) => (active = a));
    },
  };
}

function startTtySpinner(text: string, stream: Writable, register: (a: { stop(): void; resume(): void } | undefined) => void): Spinner {
  // ora is only needed on a terminal; load it lazily so plain/json runs never pay for it.
  let current = text;
  let ora: { text: string; stop(): void; start(): void; stopAndPersist(o: { text: string; symbol: string }): void } | undefined;
  void import('ora').then(({ default: make }) => {
    if (current === '\0') return;
    ora = make({ text: current, stream: stream as NodeJS.WritableStream }).start();
  });
  register({ stop: () => ora?.stop(), resume: () => ora?.start() });
  return {
    update(t) {
      current = t;
      if (ora) ora.text = t;
    },
    stop(final) {
      register(undefined);
      if (ora) {
        if (final) ora.stopAndPersist({ text: final, symbol: '' });
        else ora.stop();
      } else if (final) stream.write(final + '\n');
      current = '\0';
    },
  };
}
