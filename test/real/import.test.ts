// kspray import against real kubespray: the sample inventory of each release (hosts filled in, as a user starts) and
// the hand-written fixtures import with 0 differences in what any host sees, as real ansible-inventory resolves both
// the original and the rendered config; the written config validates; an inventory Ansible cannot read writes nothing.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoPath } from '../unit/helpers.js';
import { run } from '../lab/proc.js';
import { realKubespray, realRefs, realSkipReason, type RealKubespray } from './kubespray.js';

const skip = realSkipReason();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kspray-real-import-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const fixtures = repoPath('test', 'fixtures', 'import');

interface Imported {
  fidelity: { hosts: number; variables: number; differences: unknown[]; accepted: { variable: string; reason: string }[] };
  notes: string[];
  findings: { kind: string; text: string }[];
  written: string[];
}

/** The built CLI with the ref's venv active (kspray picks its ansible-inventory), in `cwd`. */
function kspray(k: RealKubespray, cwd: string, args: string[]) {
  const env = { ...process.env, VIRTUAL_ENV: k.venv, KSPRAY_CONFIG: undefined, KSPRAY_CACHE_DIR: path.join(tmp, 'cache') };
  return run([repoPath('bin', 'kspray'), ...args], { cwd, env, allowFail: true, timeoutMs: 240_000 });
}

async function importInto(k: RealKubespray, dir: string, inventory: string, extra: string[] = []): Promise<Imported> {
  fs.mkdirSync(dir, { recursive: true });
  const r = await kspray(k, dir, ['import', inventory, '--kubespray', k.dir, '-c', 'kspray.yaml', '-o', 'json', ...extra]);
  expect(r.code, r.stderr + r.stdout).toBe(0);
  const result = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Imported;
  expect(result.fidelity.differences).toEqual([]);
  const v = await kspray(k, dir, ['validate', '-c', 'kspray.yaml']);
  expect(v.code, v.stderr + v.stdout).toBe(0);
  // recorded as applied: the cluster runs what the config renders, so there is nothing to plan
  const p = await kspray(k, dir, ['plan', '-c', 'kspray.yaml']);
  expect(p.code, p.stderr + p.stdout).toBe(0);
  expect(p.stdout + p.stderr).toMatch(/no changes/);
  return result;
}

/** inventory/sample as a user starts from it: the commented example hosts uncommented, `ip=` kept. */
function sampleWithHosts(k: RealKubespray, to: string): string {
  fs.cpSync(path.join(k.dir, 'inventory', 'sample'), to, { recursive: true });
  const ini = path.join(to, 'inventory.ini');
  const text = fs.readFileSync(ini, 'utf8').replace(/^# (node\d+)(.*)$/gm, (_, n: string, rest: string) => n + rest.replace(/\s+# (ip=)/, ' $1'));
  fs.writeFileSync(ini, text);
  return to;
}

describe.skipIf(skip)(`kspray import with real kubespray${skip ? ` (${skip})` : ''}`, () => {
  for (const ref of realRefs())
    it(`${ref}: inventory/sample with its hosts filled in imports with 0 differences and validates`, async () => {
      const k = realKubespray(ref);
      const dir = path.join(tmp, ref);
      const inv = sampleWithHosts(k, path.join(dir, 'inventory'));
      const r = await importInto(k, dir, inv, ['--kubernetes-version', `v${k.release.defaultKube}`]);
      expect(r.fidelity.hosts).toBe(6);
      expect(r.fidelity.variables).toBeGreaterThan(6 * 30);
      // kubespray's ansible.cfg ignores .ini files in an inventory directory: said, and the file read instead
      expect(r.notes.join('\n')).toMatch(/ignores inventory\.ini/);
      expect(r.notes.join('\n')).toMatch(new RegExp(`kubespray ${k.release.tag === k.ref ? k.ref : 'v'}`));
    });

  it('the hand-written fixtures: legacy INI (v2.25), YAML dirs with a custom group, vault and Jinja (v2.31), the homelab (v2.25)', async () => {
    const [old, recent] = [realKubespray('v2.25.0'), realKubespray('v2.31.0')];
    const legacy = await importInto(old, path.join(tmp, 'legacy'), path.join(fixtures, 'legacy-ini', 'inventory.ini'));
    expect(legacy.findings.filter((f) => f.kind === 'legacy-group')).toHaveLength(3);
    expect(legacy.findings.filter((f) => f.kind === 'string-boolean').map((f) => f.text).join('\n')).toMatch(/kube_proxy_strict_arp "true" → true/);
    const text = fs.readFileSync(path.join(tmp, 'legacy', 'kspray.yaml'), 'utf8');
    expect(text.indexOf('name: cp2')).toBeLessThan(text.indexOf('name: cp1'));
    expect(text).toMatch(/bastion:\n\s+address: 10\.10\.0\.2\n\s+user: jump/);

    const yamlDir = await importInto(recent, path.join(tmp, 'yaml-dir'), path.join(fixtures, 'yaml-dir'));
    expect(yamlDir.findings.map((f) => f.kind)).toEqual(expect.arrayContaining(['vault', 'jinja']));
    expect(yamlDir.notes.join('\n')).toMatch(/ignores old-inventory\.ini/);
    const creds = yamlDir.written.filter((p) => p.endsWith('credentials'));
    expect(creds).toEqual([path.join(tmp, 'yaml-dir', '.kspray', 'lab.example', 'inventory', 'credentials')]);
    expect(fs.readFileSync(path.join(creds[0]!, 'kubeadm_certificate_key.creds'), 'utf8')).toMatch(/test-only/);
    expect(fs.statSync(path.join(creds[0]!, 'kubeadm_certificate_key.creds')).mode & 0o077).toBe(0);
    const cfg = fs.readFileSync(path.join(tmp, 'yaml-dir', 'kspray.yaml'), 'utf8');
    expect(cfg).toMatch(/kube_oidc_client_secret: !vault \|/);
    expect(cfg).toMatch(/groups:\n\s+- gpu/);

    const homelab = await importInto(old, path.join(tmp, 'homelab'), path.join(fixtures, 'homelab'));
    expect(homelab.fidelity.hosts).toBe(6);
  });

  it('an inventory Ansible cannot parse: its message with the file, exit 3, nothing written', async () => {
    const k = realKubespray('v2.31.0');
    const dir = path.join(tmp, 'broken');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'hosts.yaml'), 'all:\n  hosts:\n    a: {ansible_host: 10.0.0.1\n  children: [\n');
    const r = await kspray(k, dir, ['import', 'hosts.yaml', '--kubespray', k.dir, '-c', 'kspray.yaml']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/Ansible cannot read the inventory .*hosts\.yaml; nothing was written/);
    expect(r.stderr).toMatch(/hosts\.yaml/);
    expect(fs.existsSync(path.join(dir, 'kspray.yaml'))).toBe(false);
  });
});
