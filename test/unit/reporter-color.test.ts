// Colour is opt-in: without a chalk instance (plain, json, NO_COLOR, pipes) every style returns its text unchanged.
import { Writable } from 'node:stream';
import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { createReporter, wantsColor } from '../../src/io/reporter.js';

function capture(isTTY: boolean) {
  const chunks: string[] = [];
  const stream = Object.assign(new Writable({ write: (c, _e, cb) => (chunks.push(String(c)), cb()) }), { isTTY });
  return { stream, text: () => chunks.join('') };
}

describe('reporter colours', () => {
  it('styles are the identity without chalk, however they are chained', () => {
    const out = capture(true);
    const r = createReporter({ mode: 'tty', stdout: out.stream, stderr: out.stream, env: {} });
    expect(r.color.bold.cyan('x')).toBe('x');
    expect(r.color.red('a', 'b')).toBe('a b');
    r.warn('careful');
    expect(out.text()).toBe('warning: careful\n');
  });

  it('uses the chalk it is given on a terminal, and not with NO_COLOR', () => {
    const chalk = new Chalk({ level: 1 });
    const tty = capture(true);
    createReporter({ mode: 'tty', stdout: tty.stream, stderr: tty.stream, env: {}, chalk }).error('boom');
    expect(tty.text()).toContain('\u001b[31m');
    const noColor = capture(true);
    createReporter({ mode: 'tty', stdout: noColor.stream, stderr: noColor.stream, env: { NO_COLOR: '1' }, chalk }).error('boom');
    expect(noColor.text()).toBe('error: boom\n');
  });

  it('wants colour only in tty mode on a terminal without NO_COLOR', () => {
    expect(wantsColor('tty', {}, true)).toBe(true);
    expect(wantsColor('tty', { NO_COLOR: '' }, true)).toBe(false);
    expect(wantsColor('plain', {}, true)).toBe(false);
    expect(wantsColor('json', {}, true)).toBe(false);
    expect(wantsColor('tty', {}, false)).toBe(false);
  });
});
