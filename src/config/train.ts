// PURE: the kubespray release train. kubespray's upgrade guide moves one kubespray minor at a time, to that minor's
// newest patch, and kubeadm moves Kubernetes one minor at a time; every hop's tag must run both the version it starts
// from and the one it reaches.
import { migrate, minorOf, type HopChange } from './migrations.js';
import type { Cluster } from './model.js';
import type { Problem } from './problems.js';
import { canDeploy, describeRange, formatKube, releases, type KubeVersion, type Release } from './releases.js';

export interface Hop {
  from: { tag: string; kube: KubeVersion };
  to: { tag: string; kube: KubeVersion };
  release: Release;
  /** why this tag and this version */
  why: string;
  changes: HopChange[];
  /** the config's extra variables after this hop's mechanical rewrites */
  extraVars: Record<string, unknown>;
}

export interface TrainTarget {
  kube?: KubeVersion | 'latest';
  tag?: string;
}

export type Train = { ok: true; hops: Hop[]; target: { tag: string; kube: KubeVersion } } | { ok: false; reason: string; fix: string };

const cmp = (a: KubeVersion, b: KubeVersion) => a.major - b.major || a.minor - b.minor || a.patch - b.patch;
const minorSort = (r: Release) => Object.keys(r.kube).sort((a, b) => Number(a.split('.')[1]) - Number(b.split('.')[1]));
const v = (k: KubeVersion) => formatKube(k, true);

/** The newest version a release can deploy of a minor, or undefined. */
function newestOf(r: Release, major: number, minor: number): KubeVersion | undefined {
  const max = r.kube[`${major}.${minor}`];
  return max === undefined ? undefined : { major, minor, patch: max };
}

export function newestKube(r: Release): KubeVersion {
  const top = minorSort(r).at(-1)!;
  const [major, minor] = top.split('.').map(Number) as [number, number];
  return { major, minor, patch: r.kube[top]! };
}

/** The newest patch of each kubespray minor, oldest first. */
function seriesHeads(table: Release[]): Map<number, Release> {
  const heads = new Map<number, Release>();
  for (const r of table) heads.set(minorOf(r.tag), r);
  return heads;
}

/** The Kubernetes version a hop on `r` reaches from `kube` towards `target`: one minor up where it can, else the newest patch. */
function reach(r: Release, kube: KubeVersion, target: KubeVersion): KubeVersion {
  if (cmp(kube, target) >= 0) return kube;
  const up = target.minor > kube.minor ? newestOf(r, kube.major, kube.minor + 1) : undefined;
  const same = newestOf(r, kube.major, kube.minor);
  const best = up ?? (same && cmp(same, kube) > 0 ? same : kube);
  return cmp(best, target) > 0 ? target : best;
}

export function planTrain(cluster: Cluster, from: { release: Release; kube: KubeVersion }, want: TrainTarget, table: Release[] = releases): Train {
  const heads = seriesHeads(table);
  const endTag = want.tag ? table.find((r) => r.tag === want.tag) : undefined;
  if (want.tag && !endTag) return { ok: false, reason: `kubespray ${want.tag} is not a release kspray knows`, fix: `use one of ${[...heads.values()].map((r) => r.tag).join(', ')}` };
  if (endTag && minorOf(endTag.tag) < minorOf(from.release.tag))
    return { ok: false, reason: `kubespray ${endTag.tag} is older than ${from.release.tag}: kubespray does not move back`, fix: 'restore from an etcd backup taken before the move to go back' };
  const last = endTag ?? [...heads.values()].at(-1)!;
  const target = want.kube === 'latest' || want.kube === undefined ? (want.kube === 'latest' || !endTag ? newestKube(last) : from.kube) : want.kube;
  if (cmp(target, from.kube) < 0) return { ok: false, reason: `${v(target)} is older than ${v(from.kube)}: downgrades are not supported by kubeadm or kubespray`, fix: 'restore from an etcd backup to go back' };
  if (endTag && !canDeploy(endTag, target))
    return { ok: false, reason: `kubespray ${endTag.tag} cannot deploy ${v(target)} (it has ${describeRange(endTag)})`, fix: `choose a version in that range, or another kubespray tag` };
  if (!table.some((r) => canDeploy(r, target) && minorOf(r.tag) >= minorOf(from.release.tag)))
    return { ok: false, reason: `no kubespray release kspray knows can deploy ${v(target)}`, fix: `the newest is ${v(newestKube([...heads.values()].at(-1)!))} (kubespray ${[...heads.values()].at(-1)!.tag})` };

  const hops: Hop[] = [];
  let cur = from.release;
  let kube = from.kube;
  let extraVars = { ...cluster.config.spec.extraVars };
  const done = () => cmp(kube, target) === 0 && (!endTag || cur.tag === endTag.tag);
  while (!done()) {
    // Kubernetes first within the tag the cluster is on: no checkout to change
    const inPlace = reach(cur, kube, target);
    let next: Release;
    let why: string;
    if (cmp(inPlace, kube) > 0 && (!endTag || minorOf(cur.tag) === minorOf(endTag.tag) || inPlace.minor > kube.minor)) {
      next = cur;
      why = `${cur.tag} already has ${v(inPlace)} (${describeRange(cur)}): Kubernetes moves without changing kubespray`;
    } else {
      const series = minorOf(cur.tag);
      const head = heads.get(series)!;
      const sameSeries = head.tag !== cur.tag && (endTag ? minorOf(endTag.tag) === series : canDeploy(head, target) && !canDeploy(cur, target));
      if (sameSeries) {
        next = endTag && minorOf(endTag.tag) === series ? endTag : head;
        why = `${next.tag} is the newest patch of v2.${series} and has ${v(target)}`;
      } else {
        const n = heads.get(series + 1);
        if (!n) return { ok: false, reason: `no kubespray release after v2.${series} is known to kspray`, fix: 'run `kspray setup` with a newer kubespray checkout, or choose an older target' };
        next = endTag && minorOf(endTag.tag) === series + 1 ? endTag : n;
        why = `${next.tag} is ${next === n ? 'the newest patch of ' : ''}v2.${series + 1}, the next kubespray minor (one at a time)`;
      }
      if (!canDeploy(next, kube))
        return {
          ok: false,
          reason: `kubespray ${next.tag} cannot run the cluster's ${v(kube)} (it has ${describeRange(next)})`,
          fix: `upgrade Kubernetes within ${cur.tag} first (it has ${describeRange(cur)})`,
        };
    }
    const reached = reach(next, kube, target);
    const m = next.tag === cur.tag ? { changes: [], extraVars } : migrate(cluster, extraVars, cur, next);
    const runs = `runs ${v(kube)}${cmp(reached, kube) > 0 ? ` and reaches ${v(reached)}, ${reached.minor > kube.minor ? `the newest ${reached.major}.${reached.minor} patch it has` : 'the newest patch it has'}${cmp(reached, target) === 0 ? ' (the target)' : ''}` : ''}`;
    hops.push({ from: { tag: cur.tag, kube }, to: { tag: next.tag, kube: reached }, release: next, why: `${why}; ${runs}`, changes: m.changes, extraVars: m.extraVars });
    if (hops.length > 40) return { ok: false, reason: 'the release train does not converge', fix: 'report this with the config' };
    cur = next;
    kube = reached;
    extraVars = m.extraVars;
  }
  return { ok: true, hops, target: { tag: cur.tag, kube: target } };
}

/**
 * The validate rule against what was last applied: the config's kubespray tag must run the Kubernetes version the
 * cluster runs and be at most the next kubespray minor (kubespray moves one tag at a time). `kspray upgrade` takes the
 * train that gets there; the problem names it.
 */
export function tagStepProblem(applied: { release: Release; kube: KubeVersion }, cluster: Cluster, table: Release[] = releases): Problem | undefined {
  const to = cluster.release;
  if (!to || to.tag === applied.release.tag || minorOf(to.tag) < minorOf(applied.release.tag)) return undefined;
  const skips = minorOf(to.tag) > minorOf(applied.release.tag) + 1;
  const cannot = !canDeploy(to, applied.kube);
  if (!skips && !cannot) return undefined;
  const t = planTrain(cluster, applied, { tag: to.tag, kube: cluster.kube ?? applied.kube }, table);
  const why = skips
    ? `skips ${Array.from({ length: minorOf(to.tag) - minorOf(applied.release.tag) - 1 }, (_, i) => `v2.${minorOf(applied.release.tag) + i + 1}`).join(', ')}`
    : `cannot run the ${v(applied.kube)} the cluster runs (it has ${describeRange(to)})`;
  return {
    severity: 'error',
    rule: 'versions/kubespray-train',
    path: 'spec.kubespray.version',
    message: `kubespray ${to.tag} ${why}: the cluster was last applied at ${applied.release.tag} / ${v(applied.kube)}, and kubespray moves one tag at a time`,
    fix: t.ok
      ? `run \`kspray upgrade\`, which takes the release train ${t.hops.map((h) => `${h.to.tag}/${v(h.to.kube)}`).join(' → ')} (\`kspray upgrade --plan\` shows it)`
      : `${t.reason}; ${t.fix}`,
  };
}
