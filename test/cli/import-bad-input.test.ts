// kspray import on bad input, offline: an existing config is never overwritten without --force, a missing inventory
// or kubespray checkout is named with what to do; exit codes, nothing written, no stack trace.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoPath } from '../unit/helpers.js';
import { hasStackTrace, kspray, tempDir } from './helpers.js';

const fixture = repoPath('test', 'fixtures', 'import', 'homelab');
const standIn = repoPath('test', 'kubespray');

describe('kspray import on bad input', () => {
  it('an existing kspray.yaml: refused without --force (exit 2), left as it was', async () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'kspray.yaml'), 'mine\n');
    const r = await kspray(cwd, ['import', fixture, '--kubespray', standIn]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/kspray\.yaml already exists; nothing was read or written/);
    expect(r.stderr).toMatch(/--force/);
    expect(readFileSync(join(cwd, 'kspray.yaml'), 'utf8')).toBe('mine\n');
    expect(hasStackTrace(r.stderr)).toBe(false);
  });

  it('no kubespray checkout: exit 12 naming kspray setup, nothing written', async () => {
    const cwd = tempDir();
    mkdirSync(join(cwd, 'empty'));
    const r = await kspray(cwd, ['import', fixture, '--kubespray', 'empty', '-o', 'json']);
    expect(r.code, r.stderr).toBe(12);
    const err = JSON.parse(r.stdout) as { code: string; hint: string };
    expect(err.code).toBe('ToolMissing');
    expect(err.hint).toMatch(/kspray setup/);
    expect(existsSync(join(cwd, 'kspray.yaml'))).toBe(false);
  });

  it('an inventory that does not exist: exit 2 naming it, nothing written', async () => {
    const cwd = tempDir();
    const r = await kspray(cwd, ['import', 'nowhere/hosts.yaml', '--kubespray', standIn]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/nowhere\/hosts\.yaml does not exist/);
    expect(existsSync(join(cwd, 'kspray.yaml'))).toBe(false);
    expect(hasStackTrace(r.stderr)).toBe(false);
  });
});
