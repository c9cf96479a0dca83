import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { becomePassword } from '../become.js';
import { confirmTyped } from './confirm.js';
import { createReporter, type PromptInput } from './reporter.js';

/** A reporter whose "terminal" is a stream the test types into; returns what was written to stderr. */
function terminal(typed: string[], isTTY = true) {
  const input = new PassThrough() as PassThrough & PromptInput;
  input.isTTY = isTTY;
  let err = '';
  const stderr = new Writable({ write: (c, _e, cb) => ((err += c.toString()), cb()) });
  const stdout = new Writable({ write: (_c, _e, cb) => cb() });
  const r = createReporter({ mode: 'plain', stdout, stderr, env: {}, stdin: input });
  // answers arrive after the question is asked, as from a person
  const type = () => setImmediate(() => typed.length && input.write(typed.shift()!));
  return { r, type, err: () => err };
}

describe('reporter prompts', () => {
  it('ask: the question on stderr, the trimmed answer back', async () => {
    const t = terminal(['  kube01 \n']);
    t.type();
    expect(await t.r.ask('name? ')).toBe('kube01');
    expect(t.err()).toBe('name? ');
  });
  it('confirm: only y or yes is yes', async () => {
    for (const [typed, want] of [['y\n', true], ['YES\n', true], ['n\n', false], ['\n', false], ['yess\n', false]] as const) {
      const t = terminal([typed]);
      t.type();
      expect(await t.r.confirm('pin? [y/N] '), typed).toBe(want);
    }
  });
  it('secret: not echoed, backspace edits, Ctrl-C cancels', async () => {
    const t = terminal(['s3cx\u007fret\r']);
    t.type();
    expect(await t.r.secret('password: ')).toBe('s3cret');
    expect(t.err()).toBe('password: \n');
    const c = terminal(['ab\u0003']);
    c.type();
    await expect(c.r.secret('password: ')).rejects.toThrow('cancelled');
  });
  it('without a terminal nothing is asked', async () => {
    const t = terminal(['y\n'], false);
    expect(t.r.interactive).toBe(false);
    await expect(t.r.confirm('pin? ')).rejects.toThrow(/needs a terminal/);
    expect(t.err()).toBe('');
  });
  it('typed confirmation: --yes skips it, the exact name confirms, anything else aborts, no terminal refuses', async () => {
    await confirmTyped(terminal([], false).r, 'wipe?', 'lab', true);
    const ok = terminal(['lab\n']);
    ok.type();
    await confirmTyped(ok.r, 'This wipes lab.', 'lab', undefined);
    expect(ok.err()).toBe('This wipes lab.\nType "lab" to continue: ');
    const no = terminal(['labx\n']);
    no.type();
    await expect(confirmTyped(no.r, 'wipe?', 'lab', undefined)).rejects.toThrow('not confirmed; nothing was changed');
    await expect(confirmTyped(terminal([], false).r, 'wipe?', 'lab', undefined)).rejects.toThrow('confirmation needed but there is no terminal');
  });
  it('--ask-become-pass asks through the reporter, and needs a terminal', async () => {
    const t = terminal(['pw\n']);
    t.type();
    expect(await becomePassword({ askBecomePass: true }, {}, t.r)).toBe('pw');
    expect(t.err()).toBe('sudo password for the nodes: \n');
    await expect(becomePassword({ askBecomePass: true }, {}, terminal([], false).r)).rejects.toThrow('--ask-become-pass needs a terminal');
    expect(await becomePassword({ askBecomePass: true }, { KSPRAY_BECOME_PASSWORD: 'env' }, terminal([], false).r)).toBe('env');
  });
});
