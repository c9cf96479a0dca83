// Rewrites one "## " section of docs/benchmarks.md (appended when missing); the other sections are left alone.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';

export function writeSection(root: string, heading: string, out: string): void {
  const docFile = join(root, 'docs', 'benchmarks.md');
  const current = existsSync(docFile) ? readFileSync(docFile, 'utf8') : '# Benchmarks\n';
  const start = current.search(new RegExp(`^${heading.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
  let next: string;
  if (start < 0) next = current.replace(/\n*$/, '\n\n') + out;
  else {
    const end = current.indexOf('\n## ', start + 1);
    next = current.slice(0, start) + out.replace(/\n*$/, '\n\n') + (end < 0 ? '' : current.slice(end + 1));
  }
  writeFileSync(docFile, next.replace(/\n*$/, '\n'));
  process.stdout.write(`\nwrote ${docFile}\n`);
}

/** The 1/5/15-minute load averages, as the sections print them. */
export const loadAverages = (): string => loadavg().map((x) => x.toFixed(1)).join(' / ');

/** The machine a section was measured on, with the load before and after it. */
export function machineLine(loadBefore: string, loadAfter: string, caveat = 'the cores are shared: CPU time is the steadier figure'): string {
  const when = new Date().toISOString().slice(0, 16).replace('T', ' ');
  return `Machine: ${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), Node ${process.version}, ${when} UTC; load average (1/5/15 min) ${loadBefore} before, ${loadAfter} after (${caveat}).`;
}

/** Peak RSS in MiB from the stderr of `/usr/bin/time -v` (0 when it is not there). */
export const maxRssMiB = (timeStderr: string): number => Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(timeStderr)?.[1] ?? 0) / 1024;
