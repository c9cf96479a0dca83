// The conventions a newcomer meets first: help, -o json errors, config path errors, `kspray hosts`, `-- ANSIBLE_ARGS`.
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { hasStackTrace, kspray, tempDir } from './helpers.js';
import { exampleText, repoPath } from '../unit/helpers.js';


async function homelab(): Promise<string> {
  const cwd = tempDir();
  await kspray(cwd, ['init', '--example', 'homelab']);
  return cwd;
}

/** Every command path, from `kspray --help` down (e.g. ["etcd-backup", "verify"]). */
async function commandPaths(prefix: string[] = []): Promise<string[][]> {
  const help = (await kspray(tempDir(), [...prefix, '--help'])).stdout;
  const section = help.split(/^Commands:$/m)[1]?.split(/^\S/m)[0] ?? '';
  const names = [...section.matchAll(/^ {2}([a-z][a-z-]*)/gm)].map((m) => m[1]!).filter((n) => n !== 'help');
  const below = await Promise.all(names.map((n) => commandPaths([...prefix, n])));
  return names.flatMap((n, i) => [[...prefix, n], ...below[i]!]);
}

describe('help', () => {
  it('every command shows the global options and at least one example', async () => {
    const paths = await commandPaths();
    expect(paths.length).toBeGreaterThan(20);
    const helps = await Promise.all(paths.map(async (p) => [p, (await kspray(tempDir(), [...p, '--help'])).stdout] as const));
    for (const [p, h] of helps) {
      expect(h, p.join(' ')).toMatch(/^Global Options:$/m);
      expect(h, p.join(' ')).toMatch(/-c, --config <file>/);
      expect(h, p.join(' ')).toMatch(/--debug/);
      expect(h, p.join(' ')).toMatch(/--no-color/);
      expect(h, p.join(' ')).toMatch(new RegExp(`^Examples:\\n {2}kspray ${p.join(' ')}`, 'm'));
    }
  }, 60_000);
});

describe('-o json errors', () => {
  it('are one JSON object on stdout with code, message, details and hint, and nothing on stderr', async () => {
    const r = await kspray(tempDir(), ['doctor', '-o', 'json', '-c', 'nope.yaml']);
    expect(r.code).toBe(3);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({
      type: 'error',
      code: 'ConfigNotFound',
      exitCode: 3,
      message: expect.stringMatching(/^config file \/\S+\/nope\.yaml not found$/),
      details: [],
      hint: 'create one with `kspray init` or pass -c FILE (or set KSPRAY_CONFIG)',
    });
  });
});

describe('config paths that cannot be read', () => {
  it('a directory gets a sentence and a hint, not EISDIR', async () => {
    const cwd = tempDir();
    mkdirSync(join(cwd, 'conf'));
    const r = await kspray(cwd, ['validate', '-c', 'conf']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/error: config path \/\S+\/conf is a directory, not a file\n {2}hint: pass the file itself, e\.g\. -c \/\S+\/conf\/kspray\.yaml/);
    expect(r.stderr).not.toMatch(/EISDIR/);
  });

  it.skipIf(process.getuid?.() === 0)('an unreadable file gets a sentence and a hint, not EACCES', async () => {
    const cwd = await homelab();
    chmodSync(join(cwd, 'kspray.yaml'), 0o000);
    const r = await kspray(cwd, ['validate']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/config file .*kspray\.yaml cannot be read: permission denied/);
  });
});

describe('kspray hosts', () => {
  it('lists the hosts with roles, addresses and pinned keys, as text and JSON', async () => {
    const cwd = await homelab();
    type Row = { name: string; address: string; roles: string[]; hostKeys: unknown[] };
    const before = JSON.parse((await kspray(cwd, ['hosts', '-o', 'json'])).stdout) as { hosts: Row[] };
    expect(before.hosts.map((h) => h.name)).toEqual(['km01', 'km02', 'km03', 'kube01', 'kube02', 'kube03']);
    expect(before.hosts.every((h) => h.hostKeys.length === 0)).toBe(true);
    const km01 = before.hosts[0]!.address;
    const key = 'AAAAC3NzaC1lZDI1NTE5AAAAIHd0ZXN0a2V5d3Rlc3RrZXl3dGVzdGtleXd0ZXN0a2V5';
    mkdirSync(join(cwd, '.kspray', 'homelab-kubespray'), { recursive: true });
    writeFileSync(join(cwd, '.kspray', 'homelab-kubespray', 'known_hosts'), `${km01} ssh-ed25519 ${key}\n`);
    const text = await kspray(cwd, ['hosts']);
    expect(text.code, text.stderr).toBe(0);
    const lines = text.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^NAME +ROLES +ADDRESS +IP +HOST KEY$/);
    expect(lines[1]).toMatch(new RegExp(`^km01 +control-plane,etcd +${km01.replaceAll('.', '\\.')} +ssh-ed25519 SHA256:\\S+$`));
    expect(lines.find((l) => l.startsWith('kube01'))).toMatch(/^kube01 +worker +[\d.]+ +not pinned$/);
    expect(text.stdout).toMatch(/5 of 6 hosts not pinned in .*: run `kspray hosts trust`/);
    const json = JSON.parse((await kspray(cwd, ['hosts', '-o', 'json'])).stdout) as { hosts: Row[] };
    expect(json.hosts[0]).toMatchObject({ roles: ['control-plane', 'etcd'], address: km01, port: 22, hostKeys: [{ type: 'ssh-ed25519' }] });
  });
});

describe('-- ANSIBLE_ARGS', () => {
  it('go to every ansible-playbook of the flow and show in the dry-run', async () => {
    const cwd = await homelab();
    const r = await kspray(cwd, ['deploy', '--dry-run', '--skip-preflight', '--', '--tags', 'k8s-cluster', '-vv']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/ansible-playbook .* --tags k8s-cluster -vv cluster\.yml/);
  });

  it.each([
    [['--limit', 'km01'], /--limit is not passed through: kspray computes the hosts/],
    [['-lkm01'], /-lkm01 is not passed through/],
    [['-i', 'other.ini'], /-i is not passed through: kspray renders the inventory/],
    [['--ssh-common-args=-o StrictHostKeyChecking=no'], /host keys stay verified/],
    [['-e', 'ansible_host_key_checking=false'], /would change how host keys are checked/],
    [['--extra-vars={"ansible_ssh_common_args": "-o UserKnownHostsFile=/dev/null"}'], /would change how host keys are checked/],
    [['--check'], /kubespray does not support check mode/],
    [['-K'], /use kspray's own --ask-become-pass/],
  ])('refuse %j with the reason, before anything runs', async (args, message) => {
    const cwd = await homelab();
    const r = await kspray(cwd, ['upgrade', '--to', 'v1.29.5', '--dry-run', '--', ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(hasStackTrace(r.stderr)).toBe(false);
  });

  it('are refused by commands that run no playbook', async () => {
    const r = await kspray(await homelab(), ['validate', '--', '-vvv']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/only deploy, add-node, remove-node, upgrade, reset pass arguments to ansible-playbook/);
  });
});

describe('kspray init', () => {
  it('the starter says which values are placeholders, validate lists them, and deploy refuses them', async () => {
    const cwd = tempDir();
    const data = tempDir();
    const init = await kspray(cwd, ['init'], { XDG_DATA_HOME: data });
    expect(init.code, init.stderr).toBe(0);
    const text = readFileSync(join(cwd, 'kspray.yaml'), 'utf8');
    expect(text).toMatch(/^# PLACEHOLDERS: /m);
    // the schema line names a copy outside the install and is absolute, so it survives moving either
    const schema = /^# yaml-language-server: \$schema=(file:\/\/\S+)$/m.exec(text)?.[1];
    expect(schema).toBeDefined();
    expect(fileURLToPath(schema!).startsWith(data)).toBe(true);
    expect(readFileSync(fileURLToPath(schema!), 'utf8')).toBe(readFileSync(repoPath('schema', 'kspray.schema.json'), 'utf8'));
    const v = await kspray(cwd, ['validate', '-o', 'json']);
    expect(v.code).toBe(0);
    const problems = (JSON.parse(v.stdout) as { warnings: { rule: string; path: string }[] }).warnings.filter((p) => p.rule === 'placeholder/documentation-address');
    expect(problems.map((p) => p.path)).toEqual(['spec.hosts[0].address', 'spec.hosts[1].address', 'spec.hosts[2].address', 'spec.hosts[3].address']);
    const d = await kspray(cwd, ['deploy']);
    expect(d.code).toBe(3);
    expect(d.stderr).toMatch(/kspray\.yaml still has 4 placeholder addresses; nothing was run/);
    expect(existsSync(join(cwd, '.kspray', 'my-cluster', 'runs'))).toBe(false);
  });

  it("the shipped examples' comments name nothing outside the project", () => {
    for (const name of ['starter', 'homelab'] as const)
      for (const line of exampleText(name).split('\n').filter((l) => l.includes('#')))
        expect(line, name).not.toMatch(/shared\/|reference\/|\.md\b|architecture doc|the doc\b/);
  });
});
