// kspray plan / kspray diff: kspray.yaml against what the last successful run applied. Reads files only.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatForList, requireValidConfig, validateConfig } from '../config-file.js';
import type { Cluster } from '../config/model.js';
import { formatKube } from '../config/releases.js';
import type { CommandContext } from '../context.js';
import { ExitCode, KsprayError } from '../errors.js';
import { planSteps, type ApplyOptions, type PlannedStep } from '../flows/apply.js';
import { appliedState, type Applied } from '../flows/applied-state.js';
import { planChanges, type ChangePlan, type Operation, type Refusal } from '../flows/change-plan.js';
import { parsePath } from '../config/problems.js';
import { lineOf, parseYaml } from '../config/yaml-source.js';
import type { Reporter } from '../io/reporter.js';
import { formatInvocation } from '../playbooks/argv.js';
import { openWorkspace, type Workspace } from '../workspace.js';
import { inventoryDiff, type VarChange } from '../inventory/var-diff.js';
import { runsDir } from '../runs/record.js';

const show = (v: unknown) => (v === undefined ? '(unset)' : JSON.stringify(v));
export const formatChange = (c: VarChange) => `${c.file}${c.host ? ` ${c.host}` : ''}: ${c.variable} ${show(c.old)} → ${show(c.new)}`;

function title(o: Operation): string {
  switch (o.kind) {
    case 'add-node':
      return `add-node ${o.host} (${o.roles.join(', ')})`;
    case 'remove-node':
      return `remove-node ${o.host}`;
    case 'reconfigure':
      return `cluster.yml${o.limit ? ` --limit ${o.limit.join(',')}` : ''}`;
    case 'backup':
      return 'etcd-backup';
    case 'upgrade':
      return `upgrade (${o.hops.length} hop${o.hops.length === 1 ? '' : 's'})`;
    case 'deploy':
      return 'deploy';
  }
}

function details(s: PlannedStep): string[] {
  const o = s.op;
  const runs = s.phases.flatMap((p) => (p.playbook ? [`runs ${formatInvocation(p.playbook)}`] : []));
  if (o.kind === 'reconfigure') return [...runs, ...o.changes.map(formatChange)];
  if (o.kind === 'upgrade')
    return [...runs, ...(s.flow ? [] : ['by `kspray upgrade` (see `kspray upgrade --plan`), not by apply']), ...o.hops.map((h) => `${h.from.tag}/${formatKube(h.from.kube, true)} → ${h.to.tag}/${formatKube(h.to.kube, true)}: ${h.why}`)];
  return runs;
}

/** Each refusal as a config problem: file, YAML line, path, what and the way out. */
export function refusalLines(p: Pick<ClusterPlan, 'ws' | 'refused' | 'text'>, refused: Refusal[] = p.refused): string[] {
  const { source } = parseYaml(p.text);
  return refused.map((x) => {
    const line = lineOf(source, parsePath(x.path));
    return formatForList(p.ws.loaded.file, { severity: 'error', rule: 'plan/refused', path: x.path, message: x.message, fix: x.fix, ...(line !== undefined ? { line } : {}) });
  });
}

export interface ClusterPlan extends ChangePlan {
  /** the config text the plan was made from */
  text: string;
  ws: Workspace;
  applied: Applied | undefined;
  steps: PlannedStep[];
}

/** The plan of the config against what was applied, each operation with the phases its flow would run. */
export async function clusterPlan(ctx: CommandContext, o: ApplyOptions = {}): Promise<ClusterPlan> {
  const ws = await openWorkspace(ctx);
  const applied = await appliedState(ws.configDir, ws.cluster.name);
  const text = ws.loaded.text;
  const p = planChanges(applied?.cluster, ws.cluster);
  const steps = p.refused.length ? [] : await planSteps(ws, p, applied, o);
  return { ...p, text, ws, applied, steps };
}

/** Prints the plan (the JSON result too); true when operations are pending and none is refused. */
export function showPlan(r: Reporter, p: ClusterPlan, extra: Record<string, unknown> = {}): boolean {
  const pending = p.operations.length > 0;
  const operations = p.steps.map((s) => ({ ...s.op, ...(s.flow ? { flow: s.flow } : {}), playbooks: s.phases.flatMap((x) => (x.playbook ? [x.playbook] : [])) }));
  r.result({ cluster: p.ws.cluster.name, applied: p.applied !== undefined, operations, refused: p.refused, changes: p.changes, pending, ...extra }, () => {
    if (p.refused.length) {
      for (const x of refusalLines(p)) r.error(x);
      r.info(`${p.refused.length} change${p.refused.length === 1 ? '' : 's'} refused; nothing would run`);
      return;
    }
    if (!pending) return r.success(`no changes: ${p.ws.loaded.file} matches what was last applied`);
    r.info(`${p.operations.length} operation${p.operations.length === 1 ? '' : 's'}, in the order \`kspray apply\` runs them:`);
    p.steps.forEach((s, i) => {
      r.print(`  ${i + 1}. ${title(s.op)} — ${s.op.reason}`);
      for (const d of details(s)) r.print(`       ${d}`);
    });
  });
  return pending && !p.refused.length;
}

export async function plan(ctx: CommandContext, _opts: { output?: string }): Promise<number> {
  const p = await clusterPlan(ctx);
  showPlan(ctx.reporter, p);
  return p.refused.length ? ExitCode.Config : p.operations.length ? ExitCode.ChangesPending : ExitCode.Ok;
}

/** The config a run started with (every run record keeps it). */
async function runCluster(dir: string, id: string): Promise<Cluster> {
  const text = await readFile(join(runsDir(dir), id, 'config.yaml'), 'utf8').catch(() => undefined);
  const cluster = text === undefined ? undefined : (await validateConfig(text)).cluster;
  if (!cluster) throw new KsprayError('BadArgument', `run ${id} has no readable config`, { hint: '`kspray runs` lists the runs and their ids' });
  return cluster;
}

export async function diff(ctx: CommandContext, opts: { run?: string[] }): Promise<number> {
  const runs = opts.run ?? [];
  if (runs.length > 2) throw new KsprayError('BadArgument', `--run is given ${runs.length} times`, { hint: 'compare two runs (--run A --run B), or one run with the config (--run A)' });
  const loaded = await requireValidConfig(ctx.configPath);
  const [before, after] =
    runs.length === 0
      ? [(await appliedState(loaded.dir, loaded.cluster.name))?.cluster, loaded.cluster]
      : [await runCluster(loaded.dir, runs[0]!), runs[1] ? await runCluster(loaded.dir, runs[1]) : loaded.cluster];
  const changes = before ? inventoryDiff(before, after) : [];
  const [from, to] = [runs[0] ? `run ${runs[0]}` : 'what was last applied', runs[1] ? `run ${runs[1]}` : loaded.file];
  const r = ctx.reporter;
  r.result({ cluster: loaded.cluster.name, from, to, changes }, () => {
    if (!before) return r.info('nothing has been applied to this cluster yet: every variable is new (`kspray render --stdout` shows them)');
    if (!changes.length) return r.success(`no differences: the rendered inventory of ${to} matches ${from}`);
    r.info(`${from} → ${to}: ${changes.length} variable${changes.length === 1 ? '' : 's'}`);
    for (const c of changes) r.print(formatChange(c));
  });
  return changes.length ? ExitCode.ChangesPending : ExitCode.Ok;
}
