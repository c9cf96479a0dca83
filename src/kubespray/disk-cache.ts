// Results kspray derives from a kubespray checkout's files (its checks plan, its release facts) depend only on those
// files and on kspray's own code, so they are kept in kspray's cache dir, keyed by both. The cache only saves time: an
// unreadable or damaged entry is made again, and a read-only or full disk costs the next run its parse, nothing else.
import { createHash } from 'node:crypto';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../fsutil/atomic.js';

/** Changes whenever the code at these module URLs changes (a rebuild, an upgrade of kspray, an edited source). */
export async function codeStamp(moduleUrls: readonly string[]): Promise<string> {
  const parts = await Promise.all(
    [...new Set(moduleUrls)].map(async (u) => {
      const s = await stat(fileURLToPath(u)).catch(() => undefined);
      return `${u}:${s?.size}:${s?.mtimeMs}`;
    }),
  );
  return parts.join('|');
}

/** <cacheDir>/<kind>/<hash of the parts>.<ext> */
export function cacheFile(cacheDir: string, kind: string, parts: readonly string[], ext: string): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\0');
  return join(cacheDir, kind, `${h.digest('hex').slice(0, 32)}.${ext}`);
}

export const readCached = (file: string): Promise<Buffer | undefined> => readFile(file).catch(() => undefined);

export async function writeCached(file: string, data: string | Buffer): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 })
    .then(() => writeFileAtomic(file, data, 0o600))
    .catch(() => undefined);
}
