// One operation at a time per cluster. The lock names its holder; a dead holder's lock is taken over, never trusted.
import { hostname } from 'node:os';
import { rmSync } from 'node:fs';
import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { KsprayError } from '../errors.js';

export interface LockInfo {
  pid: number;
  host: string;
  command: string;
  started: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether an existing lock stands: the error to report, or undefined when it may be taken over (unreadable, or its
 * holder on this machine is dead; a holder on another machine cannot be checked, so it stands). */
export function heldBy(holder: LockInfo | undefined, host: string, isAlive: (pid: number) => boolean, path: string): KsprayError | undefined {
  if (!holder || (holder.host === host && !isAlive(holder.pid))) return undefined;
  return new KsprayError('Locked', `another kspray operation holds this cluster: \`${holder.command}\` (pid ${holder.pid} on ${holder.host}, since ${holder.started})`, {
    hint: holder.host === host ? 'wait for it to finish' : `it runs on another machine; if it is gone, remove ${path}`,
  });
}

const readHolder = (path: string) =>
  readFile(path, 'utf8')
    .then((t) => JSON.parse(t) as LockInfo)
    .catch(() => undefined);

/** Throws when another operation holds the lock now (a check before a long run of operations, which lock each). */
export async function checkUnlocked(path: string): Promise<void> {
  const refused = heldBy(await readHolder(path), hostname(), alive, path);
  if (refused) throw refused;
}

export interface Lock {
  info: LockInfo;
  release(): Promise<void>;
}

export async function acquireLock(path: string, command: string): Promise<Lock> {
  await mkdir(dirname(path), { recursive: true });
  const info: LockInfo = { pid: process.pid, host: hostname(), command, started: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fh = await open(path, 'wx', 0o600);
      await fh.writeFile(JSON.stringify(info) + '\n');
      await fh.close();
      let released = false;
      const releaseSync = () => {
        if (!released) {
          released = true;
          // best effort on hard exits; the normal path awaits release()
          try {
            rmSync(path, { force: true });
          } catch {}
        }
      };
      process.once('exit', releaseSync);
      return {
        info,
        release: async () => {
          if (released) return;
          released = true;
          process.removeListener('exit', releaseSync);
          await rm(path, { force: true });
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const refused = heldBy(await readHolder(path), info.host, alive, path);
      if (refused) throw refused;
      await rm(path, { force: true });
    }
  }
  throw new KsprayError('Locked', `could not take the lock ${path}`);
}
