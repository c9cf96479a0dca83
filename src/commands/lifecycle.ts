// Thin commands over the flows: parse options, open the workspace, build the phase list, run it.
import type { CommandContext } from '../context.js';
import { becomePassword, type BecomeOptions } from '../become.js';
import { KsprayError } from '../errors.js';
import { confirmTyped } from '../io/confirm.js';
import { addNodePhases } from '../flows/add-node.js';
import { deployPhases } from '../flows/deploy.js';
import { runFlow } from '../flows/flow.js';
import { removeNodePhases, withoutHost } from '../flows/remove-node.js';
import { copyHost } from '../config/edit.js';
import { resetPhases } from '../flows/reset.js';
import { waitOptions } from '../flows/wait-ready.js';
import { roleValues } from '../config/schema.js';
import { openWorkspace } from '../workspace.js';
import { checkFlowArgs, type FlowArgs } from './flow-args.js';
import { refuseTagSkip } from './train-check.js';

export interface Common extends BecomeOptions {
  dryRun?: boolean;
  ignorePreflight?: string[];
  yes?: boolean;
  /** --no-wait / --wait-timeout (deploy, add-node, upgrade) */
  wait?: boolean;
  waitTimeout?: string;
  skipKubesprayChecks?: boolean;
}

/** `tagSkip: 'refuse'` for the flows that run the config's kubespray tag as it is; upgrade takes the train instead, reset undoes */
export async function prepare(ctx: CommandContext, o: Common & FlowArgs, tagSkip: 'refuse' | 'allow' = 'refuse') {
  checkFlowArgs(o);
  const ws = await openWorkspace(ctx, { forHosts: true });
  if (tagSkip === 'refuse') await refuseTagSkip(ws.loaded);
  if (ws.loaded.warnings.length) ctx.reporter.warn(`${ws.loaded.warnings.length} config warning(s); \`kspray validate\` lists them`);
  const pw = o.dryRun ? undefined : await becomePassword(o, ctx.env, ctx.reporter);
  return { ws, flow: { dryRun: Boolean(o.dryRun), ansibleArgs: ctx.ansibleArgs ?? [], skipKubesprayChecks: Boolean(o.skipKubesprayChecks), ...(pw !== undefined ? { becomePassword: pw } : {}) } };
}

export async function deploy(ctx: CommandContext, o: Common & { skipPreflight?: boolean }): Promise<number> {
  const { ws, flow } = await prepare(ctx, o);
  return runFlow('deploy', deployPhases({ ignorePreflight: o.ignorePreflight ?? [], skipPreflight: Boolean(o.skipPreflight), wait: waitOptions(o) }), ws, flow);
}

export async function addNode(ctx: CommandContext, name: string, o: Common & { address?: string; ip?: string; role?: string[]; allowEvenEtcd?: boolean }): Promise<number> {
  const { ws, flow } = await prepare(ctx, o);
  const existing = ws.cluster.hosts.find((h) => h.name === name);
  // loaded on use: what was applied is read with the full validation pipeline
  const applied = await (await import('../flows/applied-state.js')).appliedState(ws.configDir, ws.cluster.name);
  // declared in the file and never applied: the config-first form, the host as the file has it
  const declared = Boolean(existing && !existing.pending && applied && !applied.cluster.hosts.some((h) => h.name === name));
  if (existing && !existing.pending && !declared)
    throw new KsprayError('BadArgument', `${name} is already a host of ${ws.cluster.name}`, {
      hint: applied ? '`kspray plan` shows what differs from what was applied' : 'add-node NAME without --address adds a host of the file that was never applied; this cluster has no applied state (`kspray rebase` records it)',
    });
  if (declared && o.address && o.address !== existing!.address)
    throw new KsprayError('BadArgument', `${name} is declared in ${ws.loaded.file} with address ${existing!.address}, not ${o.address}`, { hint: `drop --address (the file's host is added), or change the address in ${ws.loaded.file}` });
  const roles = (o.role?.length ? o.role : ['worker']).flatMap((r) => r.split(','));
  for (const r of roles) if (!(roleValues as readonly string[]).includes(r)) throw new KsprayError('BadArgument', `unknown role "${r}"`, { hint: `use ${roleValues.join(', ')}` });
  const address = existing?.address ?? o.address;
  if (!address) throw new KsprayError('BadArgument', 'add-node needs --address', { hint: `kspray add-node ${name} --address 10.0.0.24` });
  const opts = {
    name,
    address,
    ...(o.ip ? { ip: o.ip } : {}),
    roles: existing ? existing.raw.roles : (roles as (typeof roleValues)[number][]),
    ignorePreflight: o.ignorePreflight ?? [],
    allowEvenEtcd: Boolean(o.allowEvenEtcd),
    resume: Boolean(existing),
    declared,
    wait: waitOptions(o),
  };
  // what the cluster then runs is what was applied plus this host, not every other change in the file
  return runFlow('add-node', addNodePhases(opts, ws.loaded.text, ws.cluster), ws, { ...flow, ...(applied ? { applied: (text: string) => copyHost(text, applied.text, name) } : {}) });
}

export async function removeNode(ctx: CommandContext, name: string, o: Common & { unreachable?: boolean; allowEvenEtcd?: boolean }): Promise<number> {
  const { ws, flow } = await prepare(ctx, o);
  const phases = removeNodePhases(ws, { name, unreachable: Boolean(o.unreachable), allowEvenEtcd: Boolean(o.allowEvenEtcd) });
  if (!o.dryRun) await confirmTyped(ctx.reporter, `This drains ${name}, removes it from ${ws.cluster.name}${o.unreachable ? ' without touching the (unreachable) host' : ' and resets it'}.`, name, o.yes);
  const applied = await (await import('../flows/applied-state.js')).appliedState(ws.configDir, ws.cluster.name);
  // what the cluster then runs is what was applied without this host, not every other change in the file
  const record = applied?.cluster.hosts.some((h) => h.name === name) ? { applied: () => withoutHost(applied.text, applied.cluster, name) } : {};
  return runFlow('remove-node', phases, ws, { ...flow, ...record });
}

export async function reset(ctx: CommandContext, o: Common): Promise<number> {
  const { ws, flow } = await prepare(ctx, o, 'allow');
  if (!o.dryRun)
    await confirmTyped(ctx.reporter, `This wipes Kubernetes and etcd from all ${ws.cluster.hosts.length} hosts of ${ws.cluster.name}.`, ws.cluster.name, o.yes);
  return runFlow('reset', resetPhases(), ws, flow);
}
