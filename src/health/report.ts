// Health output: a table per check (status, title, evidence, what to do), the summary line and the exit code.
import { ExitCode } from '../errors.js';
import type { Reporter } from '../io/reporter.js';
import type { HealthReport } from './run.js';
import type { CheckStatus } from './types.js';

export function exitCodeFor(status: CheckStatus): number {
  return status === 'fail' ? ExitCode.HealthFail : status === 'warn' ? ExitCode.HealthWarn : ExitCode.Ok;
}

const label: Record<CheckStatus, string> = { ok: 'OK', warn: 'WARN', fail: 'FAIL', skip: 'SKIP' };

export function summaryLine(r: HealthReport): string {
  const c = r.counts;
  return `${r.cluster}: ${label[r.status]} — ${c.ok} ok, ${c.warn} warning(s), ${c.fail} failure(s), ${c.skip} skipped`;
}

/** PURE: the text table (no colours), one block per check; evidence and fixes indented under it. */
export function formatTable(r: HealthReport, o: { verbose?: boolean } = {}): string[] {
  const width = Math.max(...r.checks.map((c) => c.title.length), 10);
  const lines: string[] = [];
  for (const c of r.checks) {
    lines.push(`${label[c.status].padEnd(5)} ${c.title.padEnd(width)}  ${c.evidence[0] ?? ''}`);
    const more = c.status === 'ok' && !o.verbose ? [] : c.evidence.slice(1);
    for (const e of more) lines.push(`${' '.repeat(width + 8)}${e}`);
    if (c.fix && c.status !== 'ok' && c.status !== 'skip') lines.push(`${' '.repeat(width + 8)}→ ${c.fix}`);
  }
  lines.push('', summaryLine(r));
  return lines;
}

export function printReport(rep: Reporter, r: HealthReport): void {
  rep.result({ type: 'health', ...r }, () => {
    const col = { ok: rep.color.green, warn: rep.color.yellow, fail: rep.color.red, skip: rep.color.gray } as const;
    for (const line of formatTable(r)) {
      const tag = /^(OK|WARN|FAIL|SKIP) /.exec(line)?.[1];
      const st = (Object.keys(label) as CheckStatus[]).find((k) => label[k] === tag);
      rep.print(st ? col[st](line.slice(0, 5)) + line.slice(5) : line);
    }
  });
}
