// Show what a render would change in a hand-edited file, with the system's `diff -u`.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../exec.js';

export async function unifiedDiff(label: string, current: string, next: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'kspray-diff-'));
  try {
    await writeFile(join(dir, 'a'), current);
    await writeFile(join(dir, 'b'), next);
    const r = await run(['diff', '-u', '--label', `${label} (on disk)`, '--label', `${label} (kspray render)`, join(dir, 'a'), join(dir, 'b')]);
    return r.stdout;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
