// kspray plan / kspray diff: kspray.yaml against what the last successful run applied. Reads files only.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { validateText } from '../config-text.js';
import { requireValidConfig } from '../config-file.js';
import type { Cluster } from '../config/model.js';
import { formatKube } from '../config/releases.js';
import type { CommandContext } from '../context.js';
import { ExitCode, KsprayError } from '../errors.js';
import { planChanges, type Operation } from '../flows/change-plan.js';
import { inventoryDiff, type VarChange } from '../inventory/var-diff.js';
import { appliedFile, stateDir } from '../paths.js';
import { runsDir } from '../runs/record.js';

/** The config of the last successful run, or undefined when kspray never applied this cluster. */
export async function appliedCluster(dir: string, name: string): Promise<Cluster | undefined> {
  const text = await readFile(appliedFile(stateDir(dir, name)), 'utf8').catch(() => undefined);
  // what was applied passed validation then; a rule added since must not hide it
  return text === undefined ? undefined : validateText(text).cluster;
}

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

function details(o: Operation): string[] {
  if (o.kind === 'reconfigure') return o.changes.map(formatChange);
  if (o.kind === 'upgrade') return o.hops.map((h) => `${h.from.tag}/${formatKube(h.from.kube, true)} → ${h.to.tag}/${formatKube(h.to.kube, true)}: ${h.why}`);
  return [];
}

export async function plan(ctx: CommandContext, opts: { output?: string }): Promise<number> {
  const loaded = await requireValidConfig(ctx.configPath);
  const applied = await appliedCluster(loaded.dir, loaded.cluster.name);
  const p = planChanges(applied, loaded.cluster);
  const pending = p.operations.length > 0;
  const r = ctx.reporter;
  r.result({ cluster: loaded.cluster.name, applied: applied !== undefined, ...p, pending }, () => {
    if (p.refused.length) {
      for (const x of p.refused) r.error(`${x.path}: ${x.message} — ${x.fix}`);
      r.info(`${p.refused.length} change${p.refused.length === 1 ? '' : 's'} refused; nothing would run`);
      return;
    }
    if (!pending) return r.success(`no changes: ${loaded.file} matches what was last applied`);
    r.info(`${p.operations.length} operation${p.operations.length === 1 ? '' : 's'}, in the order \`kspray apply\` runs them:`);
    p.operations.forEach((o, i) => {
      r.print(`  ${i + 1}. ${title(o)} — ${o.reason}`);
      for (const d of details(o)) r.print(`       ${d}`);
    });
  });
  return p.refused.length ? ExitCode.Config : pending ? ExitCode.ChangesPending : ExitCode.Ok;
}

/** The config a run started with (every run record keeps it). */
async function runCluster(dir: string, id: string): Promise<Cluster> {
  const text = await readFile(join(runsDir(dir), id, 'config.yaml'), 'utf8').catch(() => undefined);
  const cluster = text === undefined ? undefined : validateText(text).cluster;
  if (!cluster) throw new KsprayError('BadArgument', `run ${id} has no readable config`, { hint: '`kspray runs` lists the runs and their ids' });
  return cluster;
}

export async function diff(ctx: CommandContext, opts: { run?: string[] }): Promise<number> {
  const runs = opts.run ?? [];
  if (runs.length > 2) throw new KsprayError('BadArgument', `--run is given ${runs.length} times`, { hint: 'compare two runs (--run A --run B), or one run with the config (--run A)' });
  const loaded = await requireValidConfig(ctx.configPath);
  const [before, after] =
    runs.length === 0
      ? [await appliedCluster(loaded.dir, loaded.cluster.name), loaded.cluster]
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
