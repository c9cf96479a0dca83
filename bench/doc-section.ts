// Rewrites one "## " section of docs/benchmarks.md (appended when missing); the other sections are left alone.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
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
