// The one owner of output. Commands and flows talk to a Reporter, never to the console.
// tty: colours + spinner; plain: one line per message (CI, pipes); json: data/events on stdout, prose on stderr.
import type { Readable, Writable } from 'node:stream';
import type { ChalkInstance } from 'chalk';
import { KsprayError } from '../errors.js';
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
  /** whether there is a terminal to ask questions on (without one, callers refuse or take a default instead of hanging) */
  readonly interactive: boolean;
  /** a question on stderr, the answer (trimmed) from stdin */
  ask(question: string): Promise<string>;
  /** yes/no; only y or yes (any case) is yes */
  confirm(question: string): Promise<boolean>;
  /** a question whose answer is not echoed (passwords); untrimmed */
  secret(question: string): Promise<string>;
}

/** Where answers come from: a terminal (raw mode keeps a secret from being echoed), or any stream in tests. */
export type PromptInput = Readable & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };

export interface ReporterOptions {
  mode?: OutputMode;
  debug?: boolean;
  stdout?: Writable & { isTTY?: boolean };
  stderr?: Writable & { isTTY?: boolean };
  env?: NodeJS.ProcessEnv;
  /** chalk, loaded by the caller only when colours are wanted (see wantsColor); plain text otherwise */
  chalk?: ChalkInstance;
  /** answers to questions (default process.stdin); questions are asked only when it is a terminal */
  stdin?: PromptInput;
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
  // process.stdin is made on first use: only when there is a question to ask
  const input = (): PromptInput => opts.stdin ?? process.stdin;
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
    get interactive() {
      return Boolean(input().isTTY);
    },
    ask: (q) => asking(() => readLine(input(), err, q, false)).then((a) => a.trim()),
    confirm: (q) => asking(() => readLine(input(), err, q, false)).then((a) => /^y(es)?$/i.test(a.trim())),
    secret: (q) => asking(() => readLine(input(), err, q, true)),
  };

  /** one question at a time, with no spinner drawing over it */
  async function asking(fn: () => Promise<string>): Promise<string> {
    if (!input().isTTY) throw new KsprayError('Aborted', 'a question needs a terminal', { hint: 'pass the answer as an option instead' });
    active?.stop();
    try {
      return await fn();
    } finally {
      active?.resume();
    }
  }
}

/**
 * One line from `input`, after writing `question` to `output`. A secret is read with the terminal in raw mode, so
 * it is not echoed (backspace edits, Ctrl-C cancels); the line break after it is written by kspray.
 */
async function readLine(input: PromptInput, output: Writable, question: string, secret: boolean): Promise<string> {
  if (!secret) {
    const { createInterface } = await import('node:readline/promises');
    const rl = createInterface({ input, output });
    try {
      return await rl.question(question);
    } finally {
      rl.close();
    }
  }
  output.write(question);
  input.setRawMode?.(true);
  input.resume();
  let value = '';
  let onData: ((b: Buffer | string) => void) | undefined;
  try {
    return await new Promise<string>((resolve, reject) => {
      onData = (b) => {
        for (const ch of b.toString()) {
          if (ch === '\r' || ch === '\n') return resolve(value);
          if (ch === '\u0003') return reject(new KsprayError('Aborted', 'cancelled'));
          if (ch === '\u007f') value = value.slice(0, -1);
          else value += ch;
        }
      };
      input.on('data', onData);
    });
  } finally {
    if (onData) input.removeListener('data', onData);
    input.setRawMode?.(false);
    input.pause();
    output.write('\n');
  }
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
