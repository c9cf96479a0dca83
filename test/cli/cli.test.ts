// The built CLI, spawned from a temp dir as a user would run it (never on a TTY).
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasStackTrace, kspray, tempDir, type CliResult } from './helpers.js';
import { repoPath } from '../unit/helpers.js';


const ansi = /\u001b\[/;
const noAnsi = (r: CliResult) => expect(ansi.test(r.stdout + r.stderr), r.stdout + r.stderr).toBe(false);

describe('kspray init', () => {
  it('writes the starter with the schema header, refuses to overwrite, and overwrites with --force', async () => {
    const cwd = tempDir();
    const first = await kspray(cwd, ['init']);
    expect(first.code, first.stderr).toBe(0);
    const text = readFileSync(join(cwd, 'kspray.yaml'), 'utf8');
    expect(text.split('\n')[0]).toMatch(/^# yaml-language-server: \$schema=\S+kspray\.schema\.json$/);

    writeFileSync(join(cwd, 'kspray.yaml'), 'mine\n');
    const again = await kspray(cwd, ['init']);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/kspray\.yaml already exists; nothing was written/);
    expect(readFileSync(join(cwd, 'kspray.yaml'), 'utf8')).toBe('mine\n');

    const forced = await kspray(cwd, ['init', '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(readFileSync(join(cwd, 'kspray.yaml'), 'utf8')).toBe(text);
  });

  it('writes the homelab example, which validates with warnings only', async () => {
    const cwd = tempDir();
    expect((await kspray(cwd, ['init', '--example', 'homelab'])).code).toBe(0);
    const v = await kspray(cwd, ['validate']);
    expect(v.code, v.stderr).toBe(0);
    expect(v.stdout).toMatch(/valid — homelab-kubespray, Kubernetes v1\.29\.5 on kubespray v2\.25\.0, 3 control plane, 3 etcd, 3 worker, \d+ warning/);
    expect(v.stderr).toMatch(/^warning: spec\.etcd\.memoryLimit \(line \d+\): /m);
    noAnsi(v);
  });

  it('rejects an unknown example with a usage error', async () => {
    const r = await kspray(tempDir(), ['init', '--example', 'datacenter']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown example "datacenter"/);
  });
});

describe('kspray validate', () => {
  it('-o json emits one parseable JSON document on stdout', async () => {
    const cwd = tempDir();
    await kspray(cwd, ['init', '--example', 'homelab']);
    const r = await kspray(cwd, ['validate', '-o', 'json']);
    expect(r.code).toBe(0);
    const data = JSON.parse(r.stdout) as { valid: boolean; errors: unknown[]; warnings: { path: string; line: number }[] };
    expect(data.valid).toBe(true);
    expect(data.errors).toEqual([]);
    expect(data.warnings.map((w) => w.path)).toContain('spec.etcd.memoryLimit');
  });

  it('exits 3 with path and line for an invalid config, in JSON too', async () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'kspray.yaml'), readFileSync(repoPath('test', 'fixtures', 'broken', '01-unknown-key-typo.yaml')));
    const text = await kspray(cwd, ['validate']);
    expect(text.code).toBe(3);
    expect(text.stderr).toMatch(/^error: spec\.netwrok \(line 18\): unknown key "netwrok" — did you mean "network"\?$/m);
    const json = await kspray(cwd, ['validate', '--output', 'json']);
    expect(json.code).toBe(3);
    expect(JSON.parse(json.stdout)).toMatchObject({ valid: false, errors: [{ path: 'spec.netwrok', line: 18 }] });
  });

  it('names the missing config file and exits 3', async () => {
    const r = await kspray(tempDir(), ['-c', 'prod.yaml', 'validate']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/config file \S*prod\.yaml not found/);
    expect(hasStackTrace(r.stderr)).toBe(false);
  });
});

describe('kspray render', () => {
  const inventory = (cwd: string) => join(cwd, '.kspray', 'homelab-kubespray', 'inventory');

  it('writes nothing on the second run', async () => {
    const cwd = tempDir();
    await kspray(cwd, ['init', '--example', 'homelab']);
    const first = await kspray(cwd, ['render']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/8 written, 0 unchanged, 0 removed/);
    const hosts = join(inventory(cwd), 'hosts.yaml');
    const before = statSync(hosts).mtimeMs;
    const second = await kspray(cwd, ['render']);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/0 written, 8 unchanged, 0 removed/);
    expect(statSync(hosts).mtimeMs).toBe(before);
  });

  it('shows a diff for a hand-edited file, leaves it alone, and overwrites it with --force', async () => {
    const cwd = tempDir();
    await kspray(cwd, ['init', '--example', 'homelab']);
    await kspray(cwd, ['render']);
    const file = join(inventory(cwd), 'group_vars', 'k8s_cluster', 'k8s-cluster.yml');
    const rendered = readFileSync(file, 'utf8');
    const edited = rendered.replace('kube_proxy_mode: iptables', 'kube_proxy_mode: ipvs');
    writeFileSync(file, edited);

    const refused = await kspray(cwd, ['render']);
    expect(refused.code).not.toBe(0);
    expect(refused.stdout).toMatch(/^-kube_proxy_mode: ipvs$/m);
    expect(refused.stdout).toMatch(/^\+kube_proxy_mode: iptables$/m);
    expect(refused.stderr).toMatch(/changed by hand; nothing was written/);
    expect(readFileSync(file, 'utf8')).toBe(edited);
    expect(hasStackTrace(refused.stderr)).toBe(false);

    const forced = await kspray(cwd, ['render', '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(rendered);
  });

  it('takes the directory as --out, and -o as the output format: -o json prints the rendered files as JSON', async () => {
    const cwd = tempDir();
    await kspray(cwd, ['init', '--example', 'homelab']);
    const r = await kspray(cwd, ['render', '--out', 'inv', '-o', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(cwd, 'json'))).toBe(false);
    const out = JSON.parse(r.stdout) as { dir: string; written: string[]; files: { path: string; content: string }[] };
    expect(out.dir).toBe(join(cwd, 'inv'));
    expect(out.files.map((f) => f.path)).toEqual(out.written);
    expect(out.files.find((f) => f.path === 'hosts.yaml')!.content).toBe(readFileSync(join(cwd, 'inv', 'hosts.yaml'), 'utf8'));
    const printed = await kspray(cwd, ['render', '--stdout', '-o', 'json']);
    expect(JSON.parse(printed.stdout)).toEqual({ release: 'v2.25.0', files: out.files });
  });

  it('still takes -o DIR for one release, with a deprecation warning', async () => {
    const cwd = tempDir();
    await kspray(cwd, ['init', '--example', 'homelab']);
    const r = await kspray(cwd, ['render', '-o', 'inventory']);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(cwd, 'inventory', 'hosts.yaml'))).toBe(true);
    expect(r.stderr).toMatch(/warning: -o inventory as the output directory is deprecated .* use --out inventory/);
  });
});

describe('kspray schema', () => {
  it('prints exactly the committed schema/kspray.schema.json', async () => {
    const r = await kspray(tempDir(), ['schema']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(readFileSync(repoPath('schema', 'kspray.schema.json'), 'utf8'));
  });
});

describe('output and usage errors', () => {
  it('has no ANSI escapes with NO_COLOR or without a TTY, even with FORCE_COLOR unset', async () => {
    const cwd = tempDir();
    await kspray(cwd, ['init', '--example', 'homelab']);
    const envs: Record<string, string>[] = [{ NO_COLOR: '1' }, {}];
    const runs = envs.flatMap((env) => [['validate'], ['render', '--stdout'], ['bogus']].map((args) => kspray(cwd, args, env)));
    for (const r of await Promise.all(runs)) noAnsi(r);
  });

  it.each([
    [['bogus'], /unknown command 'bogus'/],
    [['validate', '--bogus'], /unknown option '--bogus'/],
    [['validate', '-o', 'yaml'], /argument 'yaml' is invalid/],
  ])('kspray %j exits 2 without a stack trace', async (args, message) => {
    const r = await kspray(tempDir(), args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(hasStackTrace(r.stderr)).toBe(false);
  });
});
