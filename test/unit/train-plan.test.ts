// What `kspray upgrade --plan` and `kspray validate` say about the release train: pure, from the release table.
import { describe, expect, it } from 'vitest';
import { setSpecValues } from '../../src/config/edit.js';
import { findRelease, parseKubeVersion } from '../../src/config/releases.js';
import { planTrain, tagStepProblem } from '../../src/config/train.js';
import { refusedChanges, trainLines, viewTrain, type ResolvedTrain } from '../../src/flows/train.js';
import { tagCheckoutDir } from '../../src/paths.js';
import { edit, exampleText, validCluster, withRelease } from './helpers.js';

const k = (s: string) => parseKubeVersion(s)!;
const homelab = validCluster(exampleText('homelab'));
const applied = { release: findRelease('v2.25.0')!, kube: k('v1.29.5') };
const base = { configDir: '/srv/c', kubesprayDir: '/srv/c/kubespray', tag: 'v2.25.0', venv: '/srv/venvs/v225', env: { KSPRAY_CACHE_DIR: '/srv/cache' } };

function resolved(cluster = homelab): ResolvedTrain {
  const t = planTrain(cluster, applied, { kube: 'latest' });
  if (!t.ok) throw new Error(t.reason);
  return { mode: 'to', from: { tag: 'v2.25.0', kube: applied.kube }, target: t.target, hops: t.hops };
}

describe('upgrade --plan', () => {
  it('the reference cluster to latest: seven hops, each with its Ansible, its own checkout beside the others and its venv', () => {
    const t = resolved();
    const view = viewTrain(t, base);
    expect(view.map((h) => `${h.from.tag}/${h.from.kube} → ${h.to.tag}/${h.to.kube}`)).toEqual([
      'v2.25.0/v1.29.5 → v2.26.1/v1.30.6',
      'v2.26.1/v1.30.6 → v2.27.1/v1.31.9',
      'v2.27.1/v1.31.9 → v2.28.1/v1.32.8',
      'v2.28.1/v1.32.8 → v2.29.1/v1.33.7',
      'v2.29.1/v1.33.7 → v2.30.0/v1.34.3',
      'v2.30.0/v1.34.3 → v2.31.0/v1.35.4',
      'v2.31.0/v1.35.4 → v2.32.0/v1.36.4',
    ]);
    expect(view.map((h) => h.checkout)).toEqual(['v2.26.1', 'v2.27.1', 'v2.28.1', 'v2.29.1', 'v2.30.0', 'v2.31.0', 'v2.32.0'].map((tag) => `/srv/c/kubespray-${tag}`));
    expect(view[6]!.ansible).toEqual({ core: '>=2.19.0,<2.20.0', package: 'ansible==12.3.0' });
    expect(view[0]!.venv).toBe('/srv/cache/venvs/kubespray-req-SHA12_OF_v2.26.1_REQUIREMENTS');
    expect(view[0]!.ready).toEqual({ checkout: false, venv: false });
    const text = trainLines(t, view).join('\n');
    expect(text).toMatch(/^release train v2\.25\.0\/v1\.29\.5 → v2\.32\.0\/v1\.36\.4: 7 hops$/m);
    expect(text).toContain('6. v2.31.0 / v1.35.4 — v2.31.0 is the newest patch of v2.31, the next kubespray minor');
    expect(text).toContain('behaviour: etcd moves from 3.5 to 3.6');
    expect(refusedChanges(t.hops)).toEqual([]);
  });

  it('extraVars: renamed ones rewritten, removed ones refused where kubespray fails the run, removed add-ons flagged', () => {
    const c = validCluster(
      edit(exampleText('homelab'), { 'spec.extraVars': { enable_dual_stack_networks: false, eviction_hard_control_plane: { 'memory.available': '100Mi' }, dashboard_enabled: true } }),
    );
    const t = resolved(c);
    expect(refusedChanges(t.hops).map((r) => [r.hop, r.path])).toEqual([['v2.32.0', 'spec.extraVars.eviction_hard_control_plane']]);
    const v231 = t.hops.find((h) => h.to.tag === 'v2.31.0')!;
    expect(v231.changes.find((x) => x.kind === 'addon')?.text).toBe('kubespray v2.31 no longer installs or upgrades the Kubernetes Dashboard: what runs stays but is not managed any more');
    const lines = trainLines(t, viewTrain(t, base)).join('\n');
    expect(lines).toContain('rewrite: spec.extraVars.enable_dual_stack_networks: enable_dual_stack_networks is renamed ipv6_stack in v2.28');
    expect(lines).toContain('refused: spec.extraVars.eviction_hard_control_plane: kubespray v2.32.0 fails the run when eviction_hard_control_plane is set (removed variable) — remove spec.extraVars.eviction_hard_control_plane');
  });

  it('--to a version no tag can reach is refused with the newest there is', () => {
    const t = planTrain(homelab, applied, { kube: k('v1.37.0') });
    expect(t.ok).toBe(false);
    if (!t.ok) expect([t.reason, t.fix]).toEqual(['no kubespray release kspray knows can deploy v1.37.0', 'the newest is v1.36.4 (kubespray v2.32.0)']);
  });
});

describe('validate against what was last applied', () => {
  it('an edit that skips a kubespray tag is an error at spec.kubespray.version naming the train', () => {
    const p = tagStepProblem(applied, validCluster(withRelease(exampleText('homelab'), 'v2.27.0', 'v1.29.5')));
    expect(p).toMatchObject({ severity: 'error', path: 'spec.kubespray.version', rule: 'versions/kubespray-train' });
    expect(p!.message).toBe('kubespray v2.27.0 skips v2.26: the cluster was last applied at v2.25.0 / v1.29.5, and kubespray moves one tag at a time');
    expect(p!.fix).toBe('run `kspray upgrade`, which takes the release train v2.26.1/v1.29.5 → v2.27.0/v1.29.5 (`kspray upgrade --plan` shows it)');
  });

  it('the next tag is fine when it runs the applied version; one that cannot is an error', () => {
    expect(tagStepProblem(applied, validCluster(withRelease(exampleText('homelab'), 'v2.26.1', 'v1.29.5')))).toBeUndefined();
    expect(tagStepProblem(applied, homelab)).toBeUndefined();
    const old = { release: findRelease('v2.25.0')!, kube: k('v1.27.3') };
    expect(tagStepProblem(old, validCluster(withRelease(exampleText('homelab'), 'v2.26.1', 'v1.28.10')))?.message).toMatch(/^kubespray v2\.26\.1 cannot run the v1\.27\.3 the cluster runs/);
  });
});

describe('where the tags live and how the config records a hop', () => {
  it('one checkout per tag, side by side', () => {
    expect(tagCheckoutDir('/c/kubespray', 'v2.30.0', 'v2.31.0')).toBe('/c/kubespray-v2.31.0');
    expect(tagCheckoutDir('/c/kubespray-v2.31.0', 'v2.31.0', 'v2.32.0')).toBe('/c/kubespray-v2.32.0');
    expect(tagCheckoutDir('/c/kubespray', 'v2.30.0', 'v2.30.0')).toBe('/c/kubespray');
  });

  it('the hop is written into the config keeping its comments', () => {
    const text = '# mine\napiVersion: kspray.io/v1alpha1\nspec:\n  kubespray:\n    version: v2.30.0 # pinned\n    path: ./kubespray\n  kubernetes:\n    version: v1.34.3\n';
    const out = setSpecValues(text, [
      [['kubespray', 'version'], 'v2.31.0'],
      [['kubespray', 'path'], './kubespray-v2.31.0'],
      [['kubespray', 'venv'], undefined],
      [['kubernetes', 'version'], 'v1.35.4'],
    ]);
    expect(out).toContain('# mine');
    expect(out).toMatch(/version: v2\.31\.0/);
    expect(out).toContain('path: ./kubespray-v2.31.0');
    expect(out).not.toContain('venv');
    expect(out).toContain('version: v1.35.4');
  });
});
