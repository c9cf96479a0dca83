// PURE: kubespray/kubeadm upgrade rules — no downgrades, one minor at a time, and a release that can deploy the target.
import { canDeploy, formatKube, releasesFor, type KubeVersion, type Release } from './releases.js';

export type UpgradeCheck =
  | { ok: true }
  | { ok: false; reason: string; fix: string };

const cmp = (a: KubeVersion, b: KubeVersion) => a.major - b.major || a.minor - b.minor || a.patch - b.patch;

/** The minors to pass through, e.g. v1.29.5 → v1.31.2 gives v1.30.x, v1.31.2 */
export function upgradePath(from: KubeVersion, to: KubeVersion): string[] {
  const steps: string[] = [];
  for (let m = from.minor + 1; m < to.minor; m++) steps.push(`v${from.major}.${m}.x`);
  steps.push(formatKube(to, true));
  return steps;
}

export function checkUpgrade(from: KubeVersion, to: KubeVersion, release: Release): UpgradeCheck {
  const c = cmp(to, from);
  if (c === 0) return { ok: false, reason: `the cluster already runs ${formatKube(to, true)}`, fix: 'nothing to do' };
  if (c < 0) return { ok: false, reason: `${formatKube(to, true)} is older than ${formatKube(from, true)}: downgrades are not supported by kubeadm or kubespray`, fix: 'restore from an etcd backup to go back' };
  if (to.major !== from.major || to.minor > from.minor + 1)
    return {
      ok: false,
      reason: `${formatKube(from, true)} → ${formatKube(to, true)} skips a minor version (kubeadm refuses it)`,
      fix: `upgrade one minor at a time: ${formatKube(from, true)} → ${upgradePath(from, to).join(' → ')}`,
    };
  if (!canDeploy(release, to)) {
    const able = releasesFor(to).map((r) => r.tag);
    return {
      ok: false,
      reason: `kubespray ${release.tag} cannot deploy ${formatKube(to, true)}`,
      fix: able.length ? `move to kubespray ${able.join(' or ')} first (one release at a time), then upgrade` : 'choose a version a kubespray release supports',
    };
  }
  return { ok: true };
}
