// The sudo password, if the nodes need one: from a file, an environment variable or a prompt — never argv, never a log.
import { readFile, writeFile, rm, mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { KsprayError } from './errors.js';
import { addSecret } from './io/redact.js';
import type { Reporter } from './io/reporter.js';

export interface BecomeOptions {
  becomePasswordFile?: string;
  askBecomePass?: boolean;
}

export async function becomePassword(o: BecomeOptions, env: NodeJS.ProcessEnv, r: Pick<Reporter, 'interactive' | 'secret'>): Promise<string | undefined> {
  let pw: string | undefined;
  if (o.becomePasswordFile) {
    pw = (await readFile(o.becomePasswordFile, 'utf8').catch((e: NodeJS.ErrnoException) => {
      throw new KsprayError('BadArgument', `cannot read --become-password-file ${o.becomePasswordFile}: ${e.code}`);
    })).replace(/\r?\n$/, '');
  } else if (env.KSPRAY_BECOME_PASSWORD !== undefined) pw = env.KSPRAY_BECOME_PASSWORD;
  else if (o.askBecomePass) {
    if (!r.interactive) throw new KsprayError('BadArgument', '--ask-become-pass needs a terminal', { hint: 'use KSPRAY_BECOME_PASSWORD or --become-password-file in automation' });
    pw = await r.secret('sudo password for the nodes: ');
  }
  addSecret(pw);
  return pw;
}

/** A 0600 file in a private temp dir for ansible's --become-password-file; removed by the returned cleanup. */
export async function becomePasswordFile(pw: string): Promise<{ path: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'kspray-become-'));
  const path = join(dir, 'pw');
  await writeFile(path, pw + '\n', { mode: 0o600 });
  return { path, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
