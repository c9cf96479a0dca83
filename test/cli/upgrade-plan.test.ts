// `kspray upgrade --plan`, config-first planning and the validate rule against what was applied: the built CLI, offline.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasStackTrace, kspray, tempDir } from './helpers.js';

async function homelab(): Promise<string> {
  const cwd = tempDir();
  expect((await kspray(cwd, ['init', '--example', 'homelab'])).code).toBe(0);
  return cwd;
}
/** what a successful run at v2.25.0 / v1.29.5 would have recorded */
function applyAsIs(cwd: string): void {
  const state = join(cwd, '.kspray', 'homelab-kubespray');
  mkdirSync(state, { recursive: true });
  writeFileSync(join(state, 'applied.yaml'), readFileSync(join(cwd, 'kspray.yaml'), 'utf8'), { mode: 0o600 });
}
const setVersion = (cwd: string, tag: string) => {
  const f = join(cwd, 'kspray.yaml');
  writeFileSync(f, readFileSync(f, 'utf8').replace(/^(    version: )v2\.25\.0$/m, `$1${tag}`));
};

describe('kspray upgrade --plan', () => {
  it('prints the seven-hop train to latest as JSON and text, writing nothing', async () => {
    const cwd = await homelab();
    const r = await kspray(cwd, ['upgrade', '--plan', '--to', 'latest', '-o', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const plan = JSON.parse(r.stdout) as { hops: { to: { tag: string }; ansible: { core: string }; checkout: string }[]; refused: unknown[] };
    expect(plan.hops.map((h) => h.to.tag)).toEqual(['v2.26.1', 'v2.27.1', 'v2.28.1', 'v2.29.1', 'v2.30.0', 'v2.31.0', 'v2.32.0']);
    expect(plan.hops[0]!.checkout).toBe(join(cwd, 'kubespray-v2.26.1'));
    expect(plan.refused).toEqual([]);
    const text = await kspray(cwd, ['upgrade', '--plan', '--to', 'latest']);
    expect(text.stdout).toMatch(/^release train v2\.25\.0\/v1\.29\.5 → v2\.32\.0\/v1\.36\.4: 7 hops$/m);
    expect(text.stdout).toMatch(/ansible-core >=2\.18\.0,<2\.19\.0 \(ansible==11\.13\.0\); checkout \S+kubespray-v2\.31\.0 \(to clone\)/);
  });

  it('a version no tag can reach is refused with the newest there is, exit 2, no stack trace', async () => {
    const cwd = await homelab();
    const r = await kspray(cwd, ['upgrade', '--plan', '--to', 'v1.40.0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no kubespray release kspray knows can deploy v1\.40\.0/);
    expect(r.stderr).toMatch(/the newest is v1\.36\.4 \(kubespray v2\.32\.0\)/);
    expect(hasStackTrace(r.stderr)).toBe(false);
  });

  it('config-first needs something applied; with nothing to do it names what is available', async () => {
    const cwd = await homelab();
    const never = await kspray(cwd, ['upgrade', '--plan']);
    expect(never.code).toBe(2);
    expect(never.stderr).toMatch(/kspray never applied homelab-kubespray/);
    applyAsIs(cwd);
    const r = await kspray(cwd, ['upgrade', '--plan']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout + r.stderr).toMatch(/nothing to do: homelab-kubespray runs Kubernetes v1\.29\.5 on kubespray v2\.25\.0/);
    expect(r.stdout + r.stderr).toMatch(/available: v1\.29\.5|next step of the release train: v2\.26\.1 \/ v1\.30\.6/);
  });

  it('an edit that skips a tag: validate refuses it naming the train, and the config-first plan is that train', async () => {
    const cwd = await homelab();
    applyAsIs(cwd);
    setVersion(cwd, 'v2.27.0');
    const v = await kspray(cwd, ['validate']);
    expect(v.code).toBe(3);
    expect(v.stdout + v.stderr).toMatch(/spec\.kubespray\.version \(line \d+\): kubespray v2\.27\.0 skips v2\.26: the cluster was last applied at v2\.25\.0 \/ v1\.29\.5/);
    expect(v.stdout + v.stderr).toMatch(/the release train v2\.26\.1\/v1\.29\.5 → v2\.27\.0\/v1\.29\.5/);
    const p = await kspray(cwd, ['upgrade', '--plan', '-o', 'json']);
    expect(p.code, p.stderr).toBe(0);
    expect((JSON.parse(p.stdout) as { mode: string; hops: { to: { tag: string } }[] }).hops.map((h) => h.to.tag)).toEqual(['v2.26.1', 'v2.27.0']);
  });

  it('--to latest --prefetch --dry-run: one flow, per hop the checkout, the download phase, then the upgrade with skip_downloads', async () => {
    const cwd = await homelab();
    const r = await kspray(cwd, ['upgrade', '--to', 'latest', '--prefetch', '--dry-run', '-o', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const plan = (JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { plan: { phase: string; actions: string[] }[] }).plan;
    const hop7 = plan.filter((p) => p.phase.startsWith('Hop 7/7 (v2.32.0, v1.36.4)'));
    expect(hop7.map((p) => p.phase.replace(/^Hop 7\/7 \(v2\.32\.0, v1\.36\.4\): /, ''))).toEqual(
      expect.arrayContaining(['kubespray v2.32.0 checkout and venv', "Pre-download 1.36.4's files and images (upgrade-cluster.yml --tags download)", 'Run upgrade-cluster.yml -e kube_version=1.36.4', 'record v2.32.0 / v1.36.4']),
    );
    const run = hop7.find((p) => p.phase.endsWith('Run upgrade-cluster.yml -e kube_version=1.36.4'))!;
    expect(run.actions.join(' ')).toMatch(/skip_downloads/);
    expect(run.actions.join(' ')).toContain(join(cwd, 'kubespray-v2.32.0'));
    // the preflight runs once, before the first hop; nothing was written
    expect(plan.filter((p) => p.phase.endsWith(': Preflight'))).toHaveLength(1);
    expect(readFileSync(join(cwd, 'kspray.yaml'), 'utf8')).toMatch(/^    version: v2\.25\.0$/m);
  });

  it('config-first --dry-run: from what was applied to what the config says, the config keeps naming the target', async () => {
    const cwd = await homelab();
    applyAsIs(cwd);
    setVersion(cwd, 'v2.27.0');
    const r = await kspray(cwd, ['upgrade', '--dry-run', '-o', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const plan = (JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { plan: { phase: string; actions: string[] }[] }).plan;
    expect(plan.filter((p) => /checkout and venv$/.test(p.phase)).map((p) => p.phase)).toEqual(['Hop 1/2 (v2.26.1, v1.29.5): kubespray v2.26.1 checkout and venv', 'Hop 2/2 (v2.27.0, v1.29.5): kubespray v2.27.0 checkout and venv']);
    const record = plan.find((p) => p.phase === 'Hop 1/2 (v2.26.1, v1.29.5): record v2.26.1 / v1.29.5')!;
    expect(record.actions[0]).toMatch(/^set spec\.kubespray\.path\/venv in the config and write applied\.yaml/);
    expect(plan.find((p) => p.phase.endsWith('Run upgrade-cluster.yml -e kube_version=v1.29.5'))!.actions.join(' ')).toContain(join(cwd, 'kubespray-v2.26.1'));
  });
  it('--to a version two minors on takes the release train without any other flag (--dry-run: the hops, nothing written)', async () => {
    const cwd = await homelab();
    const r = await kspray(cwd, ['upgrade', '--to', 'v1.31.4', '--dry-run', '-o', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const plan = (JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { plan: { phase: string }[] }).plan;
    expect(plan.filter((p) => /: Run upgrade-cluster\.yml/.test(p.phase)).map((p) => p.phase)).toEqual([
      'Hop 1/2 (v2.26.1, v1.30.6): Run upgrade-cluster.yml -e kube_version=v1.30.6',
      'Hop 2/2 (v2.27.1, v1.31.4): Run upgrade-cluster.yml -e kube_version=v1.31.4',
    ]);
    expect(readFileSync(join(cwd, 'kspray.yaml'), 'utf8')).toMatch(/^    version: v1\.29\.5$/m);
    const text = await kspray(cwd, ['upgrade', '--plan', '--to', 'v1.31.4']);
    expect(text.stdout + text.stderr).toMatch(/run it: kspray upgrade --to v1\.31\.4 \(--dry-run for every phase\)/);
  });

  it('an edit that skips a tag stops deploy, add-node and remove-node before anything runs (exit 3); upgrade takes the train', async () => {
    const cwd = await homelab();
    applyAsIs(cwd);
    setVersion(cwd, 'v2.27.0');
    for (const args of [['deploy'], ['add-node', 'kube09', '--address', '192.168.10.99'], ['remove-node', 'kube03', '--yes']]) {
      const r = await kspray(cwd, [...args, '--dry-run']);
      expect(r.code, `${args[0]}: ${r.stderr}`).toBe(3);
      expect(r.stderr).toMatch(/kspray\.yaml:\d+ spec\.kubespray\.version: kubespray v2\.27\.0 skips v2\.26: the cluster was last applied at v2\.25\.0 \/ v1\.29\.5/);
      expect(r.stderr).toMatch(/nothing was written or run/);
      expect(hasStackTrace(r.stderr)).toBe(false);
    }
    const up = await kspray(cwd, ['upgrade', '--dry-run']);
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout).toMatch(/Hop 2\/2 \(v2\.27\.0, v1\.29\.5\)/);
  });
});
