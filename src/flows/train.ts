// The release train a `kspray upgrade` runs: from the config (`--to`) or from what was last applied to what the
// config now says (config-first), planned from files only, and described for `--plan` with where each tag lives.
import type { Cluster } from '../config/model.js';
import { formatKube, parseKubeVersion, type KubeVersion } from '../config/releases.js';
import { planTrain, type Hop } from '../config/train.js';
import type { HopChange } from '../config/migrations.js';
import { KsprayError } from '../errors.js';
import type { Workspace } from '../workspace.js';
import { layoutBase, tagLayout, type LayoutBase, type TagLayout } from './train-layout.js';

const v = (k: KubeVersion) => formatKube(k, true);

export interface ResolvedTrain {
  /** `to`: the config moves with each hop; `config`: the config already names the target */
  mode: 'to' | 'config';
  from: { tag: string; kube: KubeVersion };
  target: { tag: string; kube: KubeVersion };
  hops: Hop[];
}

/** What the cluster could move to when there is nothing to do: the newest patch of its minor in its tag, the next hop. */
export interface Available {
  patch?: string;
  next?: { tag: string; kube: string; why: string };
}

export function resolveTrain(ws: Workspace, applied: Cluster | undefined, to: string | undefined): ResolvedTrain {
  const c = ws.cluster;
  let mode: ResolvedTrain['mode'] = 'to';
  let base = c;
  let want: Parameters<typeof planTrain>[2];
  if (to === undefined) {
    if (!applied) throw new KsprayError('BadArgument', `kspray never applied ${c.name}: there is nothing to upgrade from`, { hint: 'deploy it first (`kspray deploy`), or name a target: kspray upgrade --to VERSION' });
    mode = 'config';
    base = applied;
    want = { tag: c.config.spec.kubespray.version, kube: c.kube! };
  } else if (to === 'latest') want = { kube: 'latest' };
  else {
    const k = parseKubeVersion(to);
    if (!k) throw new KsprayError('BadArgument', `"${to}" is not a Kubernetes version`, { hint: 'e.g. --to v1.30.4, or --to latest' });
    want = { kube: k };
  }
  const from = { release: base.release!, kube: base.kube! };
  const t = planTrain(c, from, want);
  if (!t.ok) throw new KsprayError('BadArgument', `cannot upgrade: ${t.reason}`, { hint: t.fix });
  return { mode, from: { tag: from.release.tag, kube: from.kube }, target: t.target, hops: t.hops };
}

export function available(c: Cluster): Available {
  const r = c.release!;
  const k = c.kube!;
  const max = r.kube[`${k.major}.${k.minor}`];
  const next = planTrain(c, { release: r, kube: k }, { kube: 'latest' });
  const hop = next.ok ? next.hops[0] : undefined;
  return {
    ...(max !== undefined && max > k.patch ? { patch: v({ ...k, patch: max }) } : {}),
    ...(hop ? { next: { tag: hop.to.tag, kube: v(hop.to.kube), why: hop.why } } : {}),
  };
}

export interface HopView {
  n: number;
  from: { tag: string; kube: string };
  to: { tag: string; kube: string };
  why: string;
  ansible: { core: string; package: string };
  checkout: string;
  venv: string;
  ready: { checkout: boolean; venv: boolean };
  changes: HopChange[];
}

export const refusedChanges = (hops: Hop[]) => hops.flatMap((h) => h.changes.filter((c) => c.kind === 'refused').map((c) => ({ hop: h.to.tag, ...c })));

export function viewTrain(t: ResolvedTrain, b: LayoutBase): HopView[] {
  // each hop starts in the checkout and venv of the one before it
  let at: LayoutBase = { ...b, tag: t.from.tag };
  return t.hops.map((h, i) => {
    const l: TagLayout = tagLayout(at, h.to.tag);
    at = { ...at, tag: h.to.tag, kubesprayDir: l.checkout, venv: l.venv };
    return {
      n: i + 1,
      from: { tag: h.from.tag, kube: v(h.from.kube) },
      to: { tag: h.to.tag, kube: v(h.to.kube) },
      why: h.why,
      ansible: { core: `>=${h.release.ansibleCore.min},<${h.release.ansibleCore.maxExclusive}`, package: h.release.ansiblePackage },
      checkout: l.checkout,
      venv: l.venv,
      ready: { checkout: l.checkedOut, venv: l.venvReady },
      changes: h.changes,
    };
  });
}

export const trainView = (ws: Workspace, t: ResolvedTrain) => viewTrain(t, layoutBase(ws));

/** The text of `--plan`: one block per hop. */
export function trainLines(t: ResolvedTrain, hops: HopView[]): string[] {
  const lines = [`release train ${t.from.tag}/${v(t.from.kube)} → ${t.target.tag}/${v(t.target.kube)}: ${hops.length} hop${hops.length === 1 ? '' : 's'}`];
  for (const h of hops) {
    lines.push(`  ${h.n}. ${h.to.tag} / ${h.to.kube} — ${h.why}`);
    lines.push(`     ansible-core ${h.ansible.core} (${h.ansible.package}); checkout ${h.checkout}${h.ready.checkout ? '' : ' (to clone)'}; venv ${h.venv}${h.ready.venv ? '' : ' (to build)'}`);
    for (const c of h.changes) lines.push(`     ${c.kind}: ${c.path ? `${c.path}: ` : ''}${c.text}${c.fix ? ` — ${c.fix}` : ''}`);
  }
  return lines;
}


/** The train `setup` and `doctor` prepare for: `--to`, else the config-first one when the config moved past what was applied. */
export function pendingTrain(ws: Workspace, applied: Cluster | undefined, to: string | undefined): ResolvedTrain | undefined {
  if (to !== undefined) return resolveTrain(ws, applied, to);
  const c = ws.cluster;
  if (!applied?.release || !applied.kube || !c.kube) return undefined;
  const same = applied.release.tag === c.release!.tag && v(applied.kube) === v(c.kube);
  return same ? undefined : resolveTrain(ws, applied, undefined);
}
