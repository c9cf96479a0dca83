// The release tag a kubespray checkout is at, from git itself.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from '../exec.js';

/** The release tag at HEAD of a checkout that is its own git repository (not a folder inside another one). */
export async function gitTag(dir: string): Promise<string | undefined> {
  if (!(await stat(join(dir, '.git')).then(() => true, () => false))) return undefined;
  const git = await run(['git', '-C', dir, 'describe', '--tags', '--exact-match'], { timeoutMs: 5000 }).catch(() => undefined);
  return git?.exitCode === 0 ? git.stdout.trim() || undefined : undefined;
}
