// Flow options that reach kubespray's -e are refused before anything runs: exit 2, a message naming the option, nothing
// written or run (the command never reaches the workspace).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exampleText } from '../unit/helpers.js';
import { hasStackTrace, kspray, tempDir } from './helpers.js';

describe('kspray upgrade with bad flow arguments', () => {
  it.concurrent.each([
    [['--serial', 'abc'], /--serial "abc" is not a node count or a percentage/],
    [['--serial', '0'], /--serial "0" is not a node count or a percentage/],
    [['--drain-timeout', 'bogus'], /--drain-timeout "bogus" is not a duration/],
    [['--drain-grace-period', 'soon'], /--drain-grace-period "soon" is not a number of seconds/],
  ] as const)('%j: exit 2 before anything runs', async (args, msg) => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'kspray.yaml'), exampleText('homelab'));
    const r = await kspray(cwd, ['upgrade', '--to', 'v1.29.5', '--dry-run', ...args]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(msg);
    expect(r.stdout).toBe('');
    expect(hasStackTrace(r.stderr)).toBe(false);
  });
});
