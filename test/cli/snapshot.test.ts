// bin/kspray's two halves: the startup snapshot (pure commands) and the ESM bundle must behave identically, and the
// launcher must only use the snapshot when V8 will accept it.
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bin, kspray, tempDir } from './helpers.js';
import { exampleText, repoPath } from '../unit/helpers.js';


/** The launcher traced by `sh -x`: which node command line it exec'd, and what kspray printed. */
function traced(launcher: string, args: string[], cwd: string, env: Record<string, string | undefined> = {}) {
  return new Promise<{ snapshot: boolean; code: number; stdout: string; stderr: string }>((resolve) => {
    execFile('sh', ['-x', launcher, ...args], { cwd, env: { ...process.env, KSPRAY_CONFIG: undefined, NODE_OPTIONS: undefined, ...env } as NodeJS.ProcessEnv }, (err, stdout, stderr) => {
      const exec = stderr.split('\n').find((l) => /^\+ exec /.test(l)) ?? '';
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ snapshot: exec.includes('--snapshot-blob'), code, stdout, stderr: stderr.split('\n').filter((l) => !l.startsWith('+')).join('\n') });
    });
  });
}

describe('bin/kspray startup snapshot', () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'kspray.yaml'), exampleText('homelab'));
  writeFileSync(join(dir, 'broken.yaml'), exampleText('homelab').replace('podSubnet: 10.233.64.0/18', 'podSubnet: 10.233.64.0/33').replace('spec:', 'spec:\n  colour: blue'));

  it('is used by the command when this node built it', async () => {
    const r = await traced(bin, ['validate'], dir);
    expect(r.snapshot, r.stderr).toBe(true);
    expect(r.code).toBe(0);
    expect(r.stdout + r.stderr).toContain('valid — homelab-kubespray');
  });

  it.each([
    [['validate']],
    [['validate', '-o', 'json']],
    [['-c', 'broken.yaml', 'validate']],
    [['-c', 'broken.yaml', 'render', '--stdout']],
    [['render', '--stdout']],
    [['schema']],
    [['--help']],
    [['validate', '--help']],
    [['--version']],
    [['validate', '--bogus']],
    [['nonsense']],
    [['runs', '-o', 'json']],
    [['deploy', '--dry-run']],
    [['validate', '--debug']],
  ])('gives the same result as the ESM bundle: kspray %j', async (args) => {
    const fast = await kspray(dir, args);
    const plain = await kspray(dir, args, { KSPRAY_NO_SNAPSHOT: '1' });
    expect(fast).toEqual(plain);
  });

  it.each([[['runs']], [['--debug', 'validate']], [['-c', 'kspray.yaml', 'etcd-backup', 'list']]])('is not loaded for commands outside it: kspray %j', async (args) => {
    const r = await traced(bin, args, dir);
    expect(r.snapshot).toBe(false);
    expect(r.code, r.stderr).toBe(0);
  });

  it('is not used with NODE_OPTIONS (V8 refuses a blob built with other flags)', async () => {
    const r = await traced(bin, ['validate'], dir, { NODE_OPTIONS: '--max-old-space-size=512' });
    expect(r.snapshot).toBe(false);
    expect(r.code, r.stderr).toBe(0);
  });

  it('is not used when the node on PATH did not build it', async () => {
    // a copy of the package whose blob claims another node binary
    const pkg = tempDir();
    for (const p of ['bin', 'dist', 'templates', 'schema', 'package.json']) cpSync(repoPath(p), join(pkg, p), { recursive: true });
    symlinkSync(repoPath('node_modules'), join(pkg, 'node_modules'));
    writeFileSync(join(pkg, 'dist', 'kspray.blob.node'), '1 2 3\n');
    const r = await traced(join(pkg, 'bin', 'kspray'), ['validate'], dir);
    expect(r.snapshot).toBe(false);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout + r.stderr).toContain('valid — homelab-kubespray');
  });

  it('follows the symlink npm makes in node_modules/.bin', async () => {
    const binDir = join(tempDir(), '.bin');
    mkdirSync(binDir);
    symlinkSync(bin, join(binDir, 'kspray'));
    const r = await traced(join(binDir, 'kspray'), ['validate'], dir);
    expect(r.snapshot).toBe(true);
    expect(r.code).toBe(0);
  });

  it('runs --debug from the ESM bundle (readable stack traces) with the same results', async () => {
    const r = await kspray(dir, ['--debug', '-c', 'broken.yaml', 'validate']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('spec.colour (line 7): unknown key');
  });
});
