// kspray apply: the plan, an approval, then its operations as their flows in order, stopping at the first failure.
import { becomePassword, type BecomeOptions } from '../become.js';
import type { CommandContext } from '../context.js';
import { ExitCode, KsprayError } from '../errors.js';
import { ApplySteps, applyRefusals } from '../flows/apply.js';
import { runFlow } from '../flows/flow.js';
import { waitOptions } from '../flows/wait-ready.js';
import { confirmTyped } from '../io/confirm.js';
import { checkUnlocked } from '../runs/lock.js';
import { openWorkspace } from '../workspace.js';
import { checkFlowArgs } from './flow-args.js';
import { appliedState } from '../flows/applied-state.js';
import { clusterPlan, refusalLines, showPlan } from './plan.js';

export interface ApplyCommandOptions extends BecomeOptions {
  yes?: boolean;
  dryRun?: boolean;
  ignorePreflight?: string[];
  wait?: boolean;
  waitTimeout?: string;
  skipKubesprayChecks?: boolean;
}

export async function apply(ctx: CommandContext, o: ApplyCommandOptions): Promise<number> {
  checkFlowArgs(o);
  const r = ctx.reporter;
  const opts = { ignorePreflight: o.ignorePreflight ?? [], wait: waitOptions(o) };
  const p = await clusterPlan(ctx, opts);
  const refused = [...p.refused, ...applyRefusals(p)];
  if (refused.length)
    throw new KsprayError('ConfigInvalid', `${refused.length} change${refused.length === 1 ? '' : 's'} cannot be applied; nothing was run`, {
      details: refusalLines(p, refused),
      hint: 'undo the change in the file (`kspray diff` shows it), or follow the way out each line gives',
    });
  if (!showPlan(r, p, { dryRun: Boolean(o.dryRun) })) return ExitCode.Ok;
  if (o.dryRun) {
    r.info('dry-run: nothing was changed (`kspray apply` runs the operations above)');
    return ExitCode.Ok;
  }
  const n = p.operations.length;
  await confirmTyped(r, `Apply ${n} operation${n === 1 ? '' : 's'} to ${p.ws.cluster.name}?`, 'yes', o.yes);
  const pw = await becomePassword(o, ctx.env, r);

  // the plan may be old by now (a prompt waits): it stands only if nothing ran and nothing changed since
  const ws = await openWorkspace(ctx, { forHosts: true });
  await checkUnlocked(ws.lockFile);
  if ((await appliedState(ws.configDir, ws.cluster.name))?.text !== p.applied?.text || ws.loaded.text !== p.text)
    throw new KsprayError('Aborted', `${ws.loaded.file} or what was applied to ${ws.cluster.name} changed since the plan; nothing was run`, { hint: 'run `kspray apply` again to plan from the new state' });

  const flow = { ansibleArgs: ctx.ansibleArgs ?? [], skipKubesprayChecks: Boolean(o.skipKubesprayChecks), ...(pw !== undefined ? { becomePassword: pw } : {}) };
  const steps = new ApplySteps(ws, p.operations, p.applied, opts);
  for (let k = 0; k < n; k++) {
    const s = await steps.step(k);
    r.info(r.color.bold(`==> apply ${k + 1}/${n}: ${s.flow} — ${s.op.reason}`));
    try {
      await runFlow(s.flow, s.phases, ws, { ...flow, ...(s.applied ? { applied: s.applied } : {}) });
    } catch (e) {
      if (k > 0) r.warn(`apply stopped at operation ${k + 1} of ${n} (${s.flow}); the ${k} before it are recorded as applied — \`kspray plan\` shows what is left`);
      throw e;
    }
  }
  r.success(`apply finished: ${n} operation${n === 1 ? '' : 's'} on ${ws.cluster.name}`);
  return ExitCode.Ok;
}
