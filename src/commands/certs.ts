// kspray certs: every certificate that matters on the cluster's hosts over SSH (flows/certs.ts) and the operator's
// kubeconfig, or with --local in files on this machine only; soonest expiry first, with a one-line summary.
import { resolve } from 'node:path';
import { becomePassword, type BecomeOptions } from '../become.js';
import { bySoonest, certName, certStatus, summary } from '../certs/inspect.js';
import { readLocalCerts, type CertsRead } from '../certs/read.js';
import type { CommandContext } from '../context.js';
import { ExitCode, KsprayError } from '../errors.js';
import { runFlow, runTask } from '../flows/flow.js';
import { renewPhases, type RenewResult } from '../flows/certs-renew.js';
import { confirmTyped } from '../io/confirm.js';
import { certsContext, certsPhases } from '../flows/certs.js';
import { formatTable } from '../io/table.js';
import { openWorkspace } from '../workspace.js';

export const DEFAULT_WARN_DAYS = 30;

export interface CertsOptions extends BecomeOptions {
  local?: string[];
  warnDays?: string;
}

function warnDaysOf(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new KsprayError('BadArgument', `--warn-days "${v}" is not a whole number of days`, { hint: 'e.g. --warn-days 30' });
  return n;
}

export async function certs(ctx: CommandContext, opts: CertsOptions): Promise<number> {
  const flag = warnDaysOf(opts.warnDays);
  if (opts.local?.length) {
    const now = new Date();
    return report(ctx, await readLocalCerts(opts.local.map((f) => resolve(ctx.cwd, f)), { now }), flag ?? DEFAULT_WARN_DAYS, now);
  }
  const ws = await openWorkspace(ctx, { forHosts: true });
  const pw = await becomePassword(opts, ctx.env, ctx.reporter);
  const done = await runTask((base) => certsContext(base, ws, pw), certsPhases(), 'certs', ctx.reporter);
  return report(ctx, done.read, flag ?? ws.cluster.config.spec.security.certificates.warnDays, done.now);
}

/** The table (or JSON) and the exit code: hosts unreachable first, then expired, then expiring within warnDays. */
function report(ctx: CommandContext, read: CertsRead, warnDays: number, now: Date): number {
  const found = [...read.certs].sort(bySoonest);
  const rows = found.map((c) => ({ ...c, name: certName(c), status: certStatus(c, warnDays, now) }));
  const worst = rows.some((c) => c.status === 'fail') ? 'fail' : rows.some((c) => c.status === 'warn') ? 'warn' : 'ok';
  const line = summary(found);
  const r = ctx.reporter;
  const down = read.down.map((d) => ({ host: d.host, status: d.unreachable ? 'unreachable' : 'failed', error: d.error }));
  r.result({ warnDays, status: worst, summary: line, certificates: rows, problems: read.problems, hosts: down }, () => {
    const label = (s: string, days: number) => (s === 'ok' ? 'ok' : s === 'warn' ? r.color.yellow('expires soon') : r.color.red(days < 0 ? 'EXPIRED' : 'not yet valid'));
    const cols = rows.map((c) => [c.where, c.name, c.file, c.subject, c.notAfter.slice(0, 10), String(c.daysLeft), label(c.status, c.daysLeft)]);
    for (const d of down) cols.push([d.host, '-', '-', '-', '-', '-', r.color.red(`${d.status.toUpperCase()}: ${d.error}`)]);
    if (cols.length) r.print(formatTable(['HOST', 'NAME', 'FILE', 'SUBJECT', 'NOT AFTER', 'DAYS', 'STATUS'], cols));
    for (const p of read.problems) r.warn(`${p.where === 'local' ? '' : `${p.where}: `}${p.file}: ${p.problem} (skipped)`);
    r.info(line);
  });
  if (down.some((d) => d.status === 'unreachable')) return ExitCode.HostsUnreachable;
  if (down.length) return ExitCode.HostsFailed;
  return worst === 'fail' ? ExitCode.HealthFail : worst === 'warn' ? ExitCode.HealthWarn : ExitCode.Ok;
}

export interface RenewOptions extends BecomeOptions {
  dryRun?: boolean;
  yes?: boolean;
}

export async function certsRenew(ctx: CommandContext, o: RenewOptions): Promise<number> {
  const ws = await openWorkspace(ctx, { forHosts: true });
  const cps = ws.cluster.controlPlanes.filter((h) => !h.pending).map((h) => h.name);
  if (!o.dryRun) await confirmTyped(ctx.reporter, `This renews kubeadm's certificates on ${cps.join(', ')} one at a time, restarting each one's control-plane pods (the CAs and etcd's certificates are left alone).`, ws.cluster.name, o.yes);
  const pw = await becomePassword(o, ctx.env, ctx.reporter);
  let res: RenewResult | undefined;
  const code = await runFlow('certs-renew', renewPhases({}, (_fc, x) => void (res = x)), ws, { dryRun: Boolean(o.dryRun), ...(pw !== undefined ? { becomePassword: pw } : {}) });
  if (o.dryRun || !res) return code;
  const r = ctx.reporter;
  const done = res;
  r.result(done, () => {
    const rows = done.renewed.map((c) => [c.host, c.name, c.before.slice(0, 10), (c.after ?? '').slice(0, 10)]);
    r.print(formatTable(['HOST', 'NAME', 'BEFORE', 'NOW ENDS'], rows));
    if (done.etcd.length) r.note(`${done.etcd.length} etcd certificate(s) not renewed (first ends ${done.etcd[0]!.notAfter.slice(0, 10)}: ${done.etcd[0]!.name} on ${done.etcd[0]!.host}): ${done.etcdReason}`);
    r.success(`renewed ${done.renewed.length} certificate(s) on ${done.nodes.map((n) => n.host).join(', ')}; wrote ${done.kubeconfig}`);
  });
  return code;
}
