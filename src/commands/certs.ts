// kspray certs --local FILE...: every certificate in certificate and kubeconfig files on this machine, soonest expiry first.
import { readFile } from 'node:fs/promises';
import { bySoonest, certName, certStatus, inspectText, summary, type CertInfo, type FileProblem } from '../certs/inspect.js';
import type { CommandContext } from '../context.js';
import { formatTable } from '../io/table.js';
import { ExitCode, KsprayError } from '../errors.js';

export const DEFAULT_WARN_DAYS = 30;

export async function certs(ctx: CommandContext, opts: { local?: string[]; warnDays?: string }): Promise<number> {
  const warnDays = opts.warnDays === undefined ? DEFAULT_WARN_DAYS : Number(opts.warnDays);
  if (!Number.isInteger(warnDays) || warnDays < 0) throw new KsprayError('BadArgument', `--warn-days "${opts.warnDays}" is not a whole number of days`, { hint: 'e.g. --warn-days 30' });
  if (!opts.local?.length) throw new KsprayError('BadArgument', 'name the files to check: kspray certs --local FILE...', { hint: 'e.g. kspray certs --local .kspray/homelab/kubeconfig /etc/kubernetes/pki/apiserver.crt' });
  const now = new Date();
  const found: CertInfo[] = [];
  const problems: FileProblem[] = [];
  for (const file of opts.local) {
    const text = await readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => {
      problems.push({ where: 'local', file, problem: e.code === 'ENOENT' ? 'not found' : `cannot be read (${e.code ?? e.message})` });
      return undefined;
    });
    if (text === undefined) continue;
    const r = inspectText(text, 'local', file, now);
    found.push(...r.certs);
    problems.push(...r.problems);
  }
  found.sort(bySoonest);
  const rows = found.map((c) => ({ ...c, name: certName(c), status: certStatus(c, warnDays, now) }));
  const worst = rows.some((c) => c.status === 'fail') ? 'fail' : rows.some((c) => c.status === 'warn') ? 'warn' : 'ok';
  const r = ctx.reporter;
  r.result({ warnDays, status: worst, summary: summary(found), certificates: rows, problems }, () => {
    const cols = rows.map((c) => [c.name, c.file, c.subject, c.notAfter.slice(0, 10), String(c.daysLeft), c.status === 'ok' ? 'ok' : c.status === 'warn' ? r.color.yellow('expires soon') : r.color.red(c.daysLeft < 0 ? 'EXPIRED' : 'not yet valid')]);
    const head = ['NAME', 'FILE', 'SUBJECT', 'NOT AFTER', 'DAYS', 'STATUS'];
    if (rows.length) r.print(formatTable(head, cols));
    for (const p of problems) r.warn(`${p.file}: ${p.problem} (skipped)`);
    r.info(summary(found));
  });
  return worst === 'fail' ? ExitCode.HealthFail : worst === 'warn' ? ExitCode.HealthWarn : ExitCode.Ok;
}
