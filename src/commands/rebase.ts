// kspray rebase: a cluster whose applied state was lost gets the config recorded as applied, after its Nodes match it.
import { becomePassword, type BecomeOptions } from '../become.js';
import type { CommandContext } from '../context.js';
import { KsprayError } from '../errors.js';
import { runFlow } from '../flows/flow.js';
import { rebasePhases } from '../flows/rebase.js';
import { confirmTyped } from '../io/confirm.js';
import { openWorkspace } from '../workspace.js';
import { appliedState } from '../flows/applied-state.js';

export async function rebase(ctx: CommandContext, o: BecomeOptions & { yes?: boolean; dryRun?: boolean }): Promise<number> {
  const ws = await openWorkspace(ctx, { forHosts: true });
  if (await appliedState(ws.configDir, ws.cluster.name))
    throw new KsprayError('BadArgument', `${ws.cluster.name} has an applied state; rebase is for a cluster whose applied state was lost`, {
      hint: '`kspray plan` compares the config with it; `kspray apply` makes the cluster match the config',
    });
  if (!o.dryRun) await confirmTyped(ctx.reporter, `This records ${ws.loaded.file} as what ${ws.cluster.name} runs, once its Nodes match it.`, 'yes', o.yes);
  const pw = o.dryRun ? undefined : await becomePassword(o, ctx.env, ctx.reporter);
  return runFlow('rebase', rebasePhases(), ws, { dryRun: Boolean(o.dryRun), ...(pw !== undefined ? { becomePassword: pw } : {}) });
}
