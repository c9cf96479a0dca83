// `kspray validate --kubespray` against real kubespray checkouts: the homelab example passes every release's own
// inventory checks, and configs kspray's rules let through but kubespray rejects fail with kubespray's message at
// the config path and line that produced the variable.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_DIR } from '../lab/index.js';
import { kspray } from './helpers.js';
import { realKubespray } from './real-kubespray.js';

const homelab = fs.readFileSync(path.join(REPO_DIR, 'templates', 'examples', 'homelab.yaml'), 'utf8');

/** The homelab example for a release: its tag (master is checked as v2.31.0 until the table knows v2.32.0) and a Kubernetes version it deploys. */
const refs: { ref: string; tag: string; kube: string }[] = [
  { ref: 'v2.25.0', tag: 'v2.25.0', kube: 'v1.29.5' },
  { ref: 'v2.27.1', tag: 'v2.27.1', kube: 'v1.31.4' },
  { ref: 'v2.28.1', tag: 'v2.28.1', kube: 'v1.32.5' },
  { ref: 'v2.31.0', tag: 'v2.31.0', kube: 'v1.34.3' },
  { ref: 'master', tag: 'v2.31.0', kube: 'v1.34.3' },
];

function configFor(ref: { ref: string; tag: string; kube: string }, rk: { dir: string; venv: string }, edit: (t: string, ref: string) => string = (t) => t): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kspray-ks-checks-'));
  const file = path.join(dir, 'kspray.yaml');
  const text = homelab
    .replace(/^(\s+)version: v2\.\d+\.\d+$/m, `$1version: ${ref.tag}`)
    .replace(/^(\s+)path: \.\/kubespray$/m, `$1path: ${rk.dir}\n$1venv: ${rk.venv}`)
    .replace(/^(  kubernetes:\n\s+version: )v[\d.]+/m, `$1${ref.kube}`);
  fs.writeFileSync(file, edit(text, ref.tag));
  return file;
}

const withExtraVars = (vars: string) => (t: string) => (/^  extraVars:/m.test(t) ? t.replace(/^  extraVars:.*$/m, `  extraVars:\n${vars}`) : `${t.trimEnd()}\n  extraVars:\n${vars}\n`);

interface Reject {
  name: string;
  refs: string[];
  edit: (t: string, ref: string) => string;
  rule: string;
  path: string;
  message: RegExp;
}

// each accepted by kspray's own rules (asserted below), rejected by kubespray
const rejects: Reject[] = [
  {
    name: 'a comma-separated admission plugin list (up to v2.27)',
    refs: ['v2.25.0', 'v2.27.1'],
    edit: withExtraVars("    kube_apiserver_enable_admission_plugins: ['NodeRestriction,PodSecurity']"),
    rule: 'kubespray/stop-if-using-deprecated-comma-separated-list-for-admission',
    path: 'spec.extraVars.kube_apiserver_enable_admission_plugins',
    message: /Comma-separated list for kube_apiserver_enable_admission_plugins is now deprecated/,
  },
  {
    name: 'a minimum Kubernetes version above the configured one',
    refs: ['v2.25.0', 'v2.31.0'],
    // in the release's own kube_version format (a `v` up to v2.27)
    edit: (t, ref) => withExtraVars(`    kube_version_min_required: ${ref <= 'v2.27' ? 'v' : ''}1.99.0`)(t),
    rule: 'kubespray/stop-if-unsupported-version-of-kubernetes',
    path: 'spec.extraVars.kube_version_min_required',
    message: /only support newer version of Kubernetes than v?1\.99\.0/,
  },
];

describe.each(refs)('kubespray $ref', (ref) => {
  const rk = realKubespray(ref.ref);
  const skip = 'skip' in rk ? rk.skip : undefined;

  it.skipIf(skip)(`the homelab example passes its own inventory checks${skip ? ` (skipped: ${skip})` : ''}`, async () => {
    const rkOk = rk as { dir: string; venv: string };
    const file = configFor(ref, rkOk);
    const r = await kspray(['validate', '--kubespray', '-c', file, '-o', 'json'], { cwd: path.dirname(file) });
    expect(r.code, r.all).toBe(0);
    const out = JSON.parse(r.stdout) as { valid: boolean; kubespray: { passed: boolean; hostChecks: string[]; sources: string[] } };
    expect(out.kubespray.passed).toBe(true);
    // the checks that need a live host are named, not dropped
    expect(out.kubespray.hostChecks).toEqual(expect.arrayContaining(['Stop if non systemd OS type']));
    expect(out.kubespray.hostChecks.some((n) => /ip var does not match local ips/.test(n))).toBe(true);
    const human = await kspray(['validate', '--kubespray', '-c', file], { cwd: path.dirname(file) });
    expect(human.all).toMatch(/checked by deploy's preflight on the host: .*Stop if non systemd OS type/);
    // nothing left behind in the user's inventory dir
    expect(fs.existsSync(path.join(path.dirname(file), '.kspray'))).toBe(false);
  });

  for (const x of rejects.filter((x) => x.refs.includes(ref.ref)))
    it.skipIf(skip)(`rejects ${x.name} with kubespray's message at its config path`, async () => {
      const file = configFor(ref, rk as { dir: string; venv: string }, x.edit);
      const plain = await kspray(['validate', '-c', file, '-o', 'json'], { cwd: path.dirname(file) });
      expect(plain.code, `kspray's own rules now reject it; pick another case: ${plain.stdout}`).toBe(0);
      const r = await kspray(['validate', '--kubespray', '-c', file, '-o', 'json'], { cwd: path.dirname(file) });
      expect(r.code, r.all).toBe(3);
      const out = JSON.parse(r.stdout) as { errors: { rule: string; path: string; line?: number; message: string }[] };
      const p = out.errors.find((e) => e.rule === x.rule);
      expect(p, JSON.stringify(out.errors)).toBeDefined();
      expect(p!.path).toBe(x.path);
      expect(p!.message).toMatch(x.message);
      const key = x.path.split('.').at(-1)!;
      const lines = fs.readFileSync(file, 'utf8').split('\n');
      expect(lines[p!.line! - 1]).toContain(key);
    });
});

describe('without a real checkout', () => {
  it('names what is missing and how to get it (exit 12)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kspray-ks-none-'));
    const file = path.join(dir, 'kspray.yaml');
    fs.writeFileSync(file, homelab.replace(/path: \.\/kubespray/, `path: ${path.join(dir, 'nothing-here')}`));
    const r = await kspray(['validate', '--kubespray', '-c', file], { cwd: dir });
    expect(r.code).toBe(12);
    expect(r.all).toMatch(/no kubespray checkout at .*nothing-here/);
    expect(r.all).toMatch(/kspray setup/);
  });

  it('a checkout without the checks is refused by validate', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kspray-ks-bare-'));
    fs.mkdirSync(path.join(dir, 'checkout'));
    fs.writeFileSync(path.join(dir, 'checkout', 'ansible.cfg'), '[defaults]\n');
    const file = path.join(dir, 'kspray.yaml');
    fs.writeFileSync(file, homelab.replace(/path: \.\/kubespray/, `path: ${path.join(dir, 'checkout')}`));
    const r = await kspray(['validate', '--kubespray', '-c', file], { cwd: dir });
    expect(r.code).toBe(12);
    expect(r.all).toMatch(/kubespray checks unavailable in this checkout/);
  });
});
