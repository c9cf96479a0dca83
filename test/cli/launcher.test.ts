// bin/kspray is a plain Node launcher of dist/main.js: it must run the same from every place npm links it to, say
// when the bundle is missing, and `validate` must not load the dependencies only host work needs.
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bin, kspray, tempDir, type CliResult } from './helpers.js';
import { exampleText, repoPath } from '../unit/helpers.js';


function run(file: string, args: string[], cwd: string, env: Record<string, string | undefined> = {}) {
  return new Promise<CliResult>((resolve) => {
    execFile(file, args, { cwd, env: { ...process.env, KSPRAY_CONFIG: undefined, FORCE_COLOR: undefined, NODE_OPTIONS: undefined, ...env } as NodeJS.ProcessEnv }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

/** The package as `npm install -g` lays it out: <prefix>/lib/node_modules/kspray and a <prefix>/bin/kspray symlink. */
function installedCopy(parts = ['bin', 'dist', 'templates', 'schema', 'package.json']): string {
  const prefix = tempDir();
  const pkg = join(prefix, 'lib', 'node_modules', 'kspray');
  mkdirSync(pkg, { recursive: true });
  for (const p of parts) cpSync(repoPath(p), join(pkg, p), { recursive: true });
  symlinkSync(repoPath('node_modules'), join(pkg, 'node_modules'));
  mkdirSync(join(prefix, 'bin'));
  symlinkSync('../lib/node_modules/kspray/bin/kspray', join(prefix, 'bin', 'kspray'));
  return join(prefix, 'bin', 'kspray');
}

describe('bin/kspray', () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'kspray.yaml'), exampleText('homelab'));
  writeFileSync(join(dir, 'broken.yaml'), exampleText('homelab').replace('podSubnet: 10.233.64.0/18', 'podSubnet: 10.233.64.0/33').replace('spec:', 'spec:\n  colour: blue'));

  it('is a plain node script', () => {
    expect(readFileSync(bin, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
  });

  it.each([
    [['validate']],
    [['validate', '-o', 'json']],
    [['-c', 'broken.yaml', 'validate']],
    [['-c', 'broken.yaml', 'render', '--stdout']],
    [['render', '--stdout']],
    [['--version']],
    [['validate', '--bogus']],
    [['nonsense']],
    [['runs', '-o', 'json']],
  ])('gives the same result through the symlink npm installs as from the checkout: kspray %j', async (args) => {
    const installed = installedCopy();
    expect(await run(installed, args, dir)).toEqual(await kspray(dir, args));
  });

  it('runs the same with node flags in NODE_OPTIONS', async () => {
    const r = await run(bin, ['validate'], dir, { NODE_OPTIONS: '--max-old-space-size=512' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout + r.stderr).toContain('valid — homelab-kubespray');
  });

  it('says how to build when dist/ is missing (exit 70, no stack trace)', async () => {
    const r = await run(installedCopy(['bin', 'templates', 'package.json']), ['validate'], dir);
    expect(r.code).toBe(70);
    expect(r.stderr).toBe('kspray: not built yet, run `npm run build`\n');
  });

  it('runs --debug before the command (readable stack traces) with the same results', async () => {
    const r = await kspray(dir, ['--debug', '-c', 'broken.yaml', 'validate']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('spec.colour (line 7): unknown key');
  });

  it('loads none of the dependencies of host work for validate, nor zod for a valid config', async () => {
    // a resolve hook that records every module the process loads
    const hook = join(tempDir(), 'hook.mjs');
    const log = join(dirname(hook), 'loaded.txt');
    writeFileSync(
      hook,
      `import { appendFileSync } from 'node:fs';\nexport async function resolve(s, c, next) { const r = await next(s, c); appendFileSync(${JSON.stringify(log)}, r.url + '\\n'); return r; }\n`,
    );
    const register = join(dirname(hook), 'register.mjs');
    writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hook).href)});\n`);
    const r = await run(bin, ['validate'], dir, { NODE_OPTIONS: `--import ${pathToFileURL(register).href}` });
    expect(r.code, r.stderr).toBe(0);
    const loaded = readFileSync(log, 'utf8').split('\n').filter((u) => u.startsWith('file:'));
    expect(loaded.some((u) => u.endsWith('/dist/main.js'))).toBe(true);
    // external ones by their path, bundled ones by what the build says each file of dist/ holds
    const bundled = JSON.parse(readFileSync(repoPath('dist', 'packages.json'), 'utf8')) as Record<string, string[]>;
    const packages = new Set(loaded.flatMap((u) => (u.includes('/dist/') ? (bundled[u.slice(u.lastIndexOf('/') + 1)] ?? []) : [/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(u)?.[1] ?? []].flat())));
    expect(packages.has('yaml')).toBe(true);
    // zod too: a valid config is checked by the parser compiled from its schema at build time
    for (const dep of ['execa', '@kubernetes/client-node', 'node-ssh', 'ssh2', 'ora', 'chalk', 'zod']) expect(packages.has(dep), dep).toBe(false);
  });
});
