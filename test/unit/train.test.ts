// The release train planner and its migrations: pure, from the built-in release table.
import { describe, expect, it } from 'vitest';
import { findRelease, parseKubeVersion, type KubeVersion } from '../../src/config/releases.js';
import { planTrain, type Train } from '../../src/config/train.js';
import { edit, exampleText, validCluster } from './helpers.js';

const k = (s: string) => parseKubeVersion(s)!;
const homelab = validCluster(exampleText('homelab'));
const from = { release: findRelease('v2.25.0')!, kube: k('v1.29.5') };
const show = (t: Train) => (t.ok ? t.hops.map((h) => `${h.to.tag}/${fmt(h.to.kube)}`) : t.reason);
const fmt = (v: KubeVersion) => `${v.major}.${v.minor}.${v.patch}`;

describe('release train', () => {
  it('takes the reference cluster to the newest release one kubespray minor at a time (seven hops)', () => {
    const t = planTrain(homelab, from, { kube: 'latest' });
    expect(show(t)).toEqual(['v2.26.1/1.30.6', 'v2.27.1/1.31.9', 'v2.28.1/1.32.8', 'v2.29.1/1.33.7', 'v2.30.0/1.34.3', 'v2.31.0/1.35.4', 'v2.32.0/1.36.4']);
    if (!t.ok) return;
    // every hop's tag runs the version it starts from and the one it reaches
    for (const h of t.hops) {
      expect(h.release.kube[`${h.from.kube.major}.${h.from.kube.minor}`]).toBeGreaterThanOrEqual(h.from.kube.patch);
      expect(h.release.kube[`${h.to.kube.major}.${h.to.kube.minor}`]).toBeGreaterThanOrEqual(h.to.kube.patch);
    }
    expect(t.hops[0]!.why).toContain('v2.26.1 is the newest patch of v2.26, the next kubespray minor');
    expect(t.hops[0]!.why).toContain('runs v1.29.5 and reaches v1.30.6');
    const v231 = t.hops[5]!;
    expect(v231.changes.map((c) => c.text)).toContain('etcd moves from 3.5 to 3.6 (members are upgraded one at a time; take the backup first, it is the way back)');
    expect(v231.changes.some((c) => c.kind === 'ansible' && c.text.includes('ansible-core >=2.18.0,<2.19.0'))).toBe(true);
  });

  it('--to a version: the first tag of the next minor that can run both (not a tag that cannot run 1.29.5)', () => {
    expect(show(planTrain(homelab, from, { kube: k('v1.30.4') }))).toEqual(['v2.26.1/1.30.4']);
    expect(show(planTrain(homelab, from, { kube: k('v1.29.10') }))).toEqual(['v2.25.1/1.29.10']);
    expect(show(planTrain(homelab, from, { kube: k('v1.31.2') }))).toEqual(['v2.26.1/1.30.6', 'v2.27.1/1.31.2']);
  });

  it('moves Kubernetes within the current tag before changing kubespray', () => {
    const t = planTrain(homelab, { release: findRelease('v2.26.0')!, kube: k('v1.29.5') }, { kube: k('v1.31.4') });
    expect(show(t)).toEqual(['v2.26.0/1.30.4', 'v2.27.1/1.31.4']);
  });

  it('a tag named in the config ends the train on exactly that tag', () => {
    expect(show(planTrain(homelab, from, { tag: 'v2.27.0' }))).toEqual(['v2.26.1/1.29.5', 'v2.27.0/1.29.5']);
    expect(show(planTrain(homelab, from, { tag: 'v2.27.0', kube: k('v1.31.4') }))).toEqual(['v2.26.1/1.30.6', 'v2.27.0/1.31.4']);
  });

  it('refuses what no train reaches, with the reason', () => {
    const none = planTrain(homelab, from, { kube: k('v1.40.0') });
    expect(none.ok).toBe(false);
    if (!none.ok) expect(none.reason).toBe('no kubespray release kspray knows can deploy v1.40.0');
    const back = planTrain(homelab, from, { kube: k('v1.28.3') });
    if (!back.ok) expect(back.reason).toContain('downgrades are not supported');
    expect(back.ok).toBe(false);
    const old = planTrain(homelab, from, { tag: 'v2.24.3' });
    expect(old.ok).toBe(false);
    const cannot = planTrain(homelab, from, { tag: 'v2.26.0', kube: k('v1.31.0') });
    if (!cannot.ok) expect(cannot.reason).toBe('kubespray v2.26.0 cannot deploy v1.31.0 (it has 1.28.0–1.28.12, 1.29.0–1.29.7, 1.30.0–1.30.4)');
    expect(cannot.ok).toBe(false);
  });

  it('rewrites renamed extra variables, flags dropped ones and refuses what kubespray would fail on', () => {
    const text = edit(exampleText('homelab'), {
      'spec.extraVars': {
        enable_dual_stack_networks: false,
        kube_master_cpu_reserved: '200m',
        kubelet_static_pod_path: '/etc/kubernetes/manifests',
        ingress_nginx_enabled: true,
        kubeadm_patches: { enabled: true, source_dir: '/x', dest_dir: '/y' },
        cilium_kube_proxy_replacement: 'strict',
        some_flag: 'true',
      },
    });
    const t = planTrain(validCluster(text), from, { kube: 'latest' });
    expect(t.ok).toBe(true);
    if (!t.ok) return;
    const at = (tag: string) => t.hops.find((h) => h.to.tag === tag)!.changes.filter((c) => c.path).map((c) => [c.kind, c.path]);
    expect(at('v2.27.1')).toEqual([
      ['dropped', 'spec.extraVars.kube_master_cpu_reserved'],
      ['refused', 'spec.extraVars.kubeadm_patches'],
    ]);
    expect(at('v2.28.1')).toEqual([['rewrite', 'spec.extraVars.enable_dual_stack_networks']]);
    expect(at('v2.31.0')).toEqual([
      ['rewrite', 'spec.extraVars.cilium_kube_proxy_replacement'],
      ['addon', 'spec.extraVars.ingress_nginx_enabled'],
      ['refused', 'spec.extraVars.kubelet_static_pod_path'],
    ]);
    expect(at('v2.32.0')).toEqual([['rewrite', 'spec.extraVars.some_flag']]);
    const end = t.hops.at(-1)!.extraVars;
    expect(end).toMatchObject({ ipv6_stack: false, cilium_kube_proxy_replacement: true, kubelet_static_pod_path: '/etc/kubernetes/manifests' });
    expect(end).not.toHaveProperty('enable_dual_stack_networks');
  });
});
