// kspray upgrade: `--to VERSION` one minor within the tag, else (and `--to latest`, config-first) the release train,
// `--plan` the whole train from files only.
import type { CommandContext } from '../context.js';
import { formatKube } from '../config/releases.js';
import { ExitCode, isKsprayError } from '../errors.js';
import { runFlow, type Phase } from '../flows/flow.js';
import { available, refusedChanges, resolveTrain, trainLines, trainView, type ResolvedTrain } from '../flows/train.js';
import type { StepOptions } from '../flows/upgrade.js';
import { waitOptions } from '../flows/wait-ready.js';
import type { Workspace } from '../workspace.js';
import { openWorkspace } from '../workspace.js';
import { prepare, type Common } from './lifecycle.js';
import { appliedState } from '../flows/applied-state.js';
import type { FlowArgs } from './flow-args.js';

export interface UpgradeArgs extends Common, FlowArgs {
  to?: string;
  plan?: boolean;
  train?: boolean;
  prefetch?: boolean;
  skipBackup?: boolean;
  serial?: string;
  drain?: boolean;
  drainTimeout?: string;
  drainGracePeriod?: string;
}

function stepOptions(o: UpgradeArgs): StepOptions {
  return {
    skipBackup: Boolean(o.skipBackup),
    drain: o.drain !== false,
    ignorePreflight: o.ignorePreflight ?? [],
    prefetch: Boolean(o.prefetch),
    ...(o.serial ? { serial: o.serial } : {}),
    ...(o.drainTimeout ? { drainTimeout: o.drainTimeout } : {}),
    ...(o.drainGracePeriod ? { drainGracePeriod: Number(o.drainGracePeriod) } : {}),
    wait: waitOptions(o),
  };
}

const v = (k: Parameters<typeof formatKube>[0]) => formatKube(k, true);

async function train(ws: Workspace, to: string | undefined): Promise<ResolvedTrain> {
  return resolveTrain(ws, (await appliedState(ws.configDir, ws.cluster.name))?.cluster, to);
}

/** Nothing to do: say what the cluster runs and what it could move to. */
function upToDate(ws: Workspace, t: ResolvedTrain): number {
  const r = ws.ctx.reporter;
  const a = available(ws.cluster);
  r.result({ cluster: ws.cluster.name, upToDate: true, runs: { tag: t.from.tag, kube: v(t.from.kube) }, available: a }, () => {
    r.success(`nothing to do: ${ws.cluster.name} runs Kubernetes ${v(t.from.kube)} on kubespray ${t.from.tag}, as ${ws.loaded.file} says`);
    if (a.patch) r.info(`available: ${a.patch}, the newest ${t.from.kube.major}.${t.from.kube.minor} patch in ${t.from.tag} (kspray upgrade --to ${a.patch})`);
    if (a.next) r.info(`next step of the release train: ${a.next.tag} / ${a.next.kube} — ${a.next.why} (kspray upgrade --plan --to latest)`);
    if (!a.patch && !a.next) r.info('this is the newest release kspray knows');
  });
  return ExitCode.Ok;
}

async function plan(ctx: CommandContext, o: UpgradeArgs): Promise<number> {
  const ws = await openWorkspace(ctx);
  const t = await train(ws, o.to);
  if (!t.hops.length) return upToDate(ws, t);
  const hops = trainView(ws, t);
  const refused = refusedChanges(t.hops);
  const r = ctx.reporter;
  r.result({ cluster: ws.cluster.name, mode: t.mode, from: { tag: t.from.tag, kube: v(t.from.kube) }, target: { tag: t.target.tag, kube: v(t.target.kube) }, hops, refused }, () => {
    for (const l of trainLines(t, hops)) r.print(l);
    if (refused.length) r.error(`${refused.length} setting${refused.length === 1 ? '' : 's'} would make kubespray fail: fix ${refused.map((x) => x.path).join(', ')} before the train can run`);
    else r.info(`run it: kspray upgrade${o.to ? ` --to ${o.to}` : ''} (--dry-run for every phase)`);
  });
  return refused.length ? ExitCode.Config : ExitCode.Ok;
}

export async function upgrade(ctx: CommandContext, o: UpgradeArgs): Promise<number> {
  if (o.plan) return plan(ctx, o);
  const { ws, flow } = await prepare(ctx, o, 'allow');
  // loaded on use: the backup phases bring in the SSH client, which the other flows load only when they connect
  const { upgradePhases } = await import('../flows/upgrade.js');
  const steps = stepOptions(o);
  let t: ResolvedTrain | undefined;
  if (o.to !== undefined && o.to !== 'latest' && !o.train) {
    let phases: Phase[] | undefined;
    try {
      phases = upgradePhases(ws, { ...steps, to: o.to });
    } catch (e) {
      // a version the current tag cannot reach in one step: the release train takes it there, hop by hop
      if (!isKsprayError(e) || e.code !== 'BadArgument' || !/skips a minor|cannot deploy/.test(e.message)) throw e;
      t = await train(ws, o.to).catch(() => undefined);
      if (!t?.hops.length) throw e;
    }
    if (phases) return runFlow('upgrade', phases, ws, flow);
  }
  t ??= await train(ws, o.to);
  if (!t.hops.length) return upToDate(ws, t);
  const { trainPhases } = await import('../flows/train-phases.js');
  return runFlow('upgrade', trainPhases(ws, t, steps), ws, flow);
}
