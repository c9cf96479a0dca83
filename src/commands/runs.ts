// kspray runs / runs show ID: what kspray did, from the run records.
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { CommandContext } from '../context.js';
import { KsprayError } from '../errors.js';
import { formatDuration } from '../playbooks/events.js';
import { listRuns, runsDir } from '../runs/record.js';

export async function runs(ctx: CommandContext): Promise<number> {
  const dir = dirname(ctx.configPath);
  const all = await listRuns(dir);
  const r = ctx.reporter;
  r.result(all, () => {
    if (!all.length) return r.info('no runs yet');
    for (const x of all) r.info(`${x.id}  ${x.cluster}  ${x.status.padEnd(11)}  exit ${String(x.exitCode).padEnd(3)}  ${x.durationMs !== undefined ? formatDuration(x.durationMs) : '-'}`);
  });
  return 0;
}

export async function showRun(ctx: CommandContext, id: string, o: { log?: boolean }): Promise<number> {
  const dir = dirname(ctx.configPath);
  const all = await listRuns(dir);
  const x = all.find((a) => a.id === id) ?? (id === 'last' ? all.at(-1) : all.find((a) => a.id.startsWith(id)));
  if (!x) throw new KsprayError('BadArgument', `no run ${id}`, { hint: '`kspray runs` lists them' });
  const r = ctx.reporter;
  const runDir = join(runsDir(dir), x.id);
  r.result({ ...x, dir: runDir }, () => {
    r.info(`${x.id}: ${x.flow} on ${x.cluster} — ${x.status}, exit ${x.exitCode}${x.durationMs !== undefined ? `, ${formatDuration(x.durationMs)}` : ''}`);
    r.info(`command: ${x.command}`);
    for (const s of x.steps) r.info(`  ${s.status.padEnd(11)} ${s.title}${s.durationMs !== undefined ? ` (${formatDuration(s.durationMs)})` : ''}${s.command ? `\n              ${s.command}` : ''}`);
    for (const f of x.failures) r.host(f.host, r.color.red(`${f.unreachable ? 'unreachable' : 'failed'} in "${f.task}": ${f.msg.split('\n')[0]}`));
    r.info(`record: ${runDir} (ansible.log, events.jsonl, inventory/)`);
  });
  if (o.log) r.print(await readFile(join(runDir, 'ansible.log'), 'utf8').catch(() => '(no ansible output)'));
  return 0;
}
