// A checks plan depends only on the checkout's files and on kspray's own code, so it is kept on disk: later runs of
// `validate --kubespray` (and every flow's checks phase) skip parsing the checkout's roles, most of kspray's own time.
import { createHash } from 'node:crypto';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../fsutil/atomic.js';
import { checksPlan, moduleUrl as planUrl, type ChecksPlan, type CheckoutTexts } from './checks-playbook.js';
import { moduleUrl as splitUrl } from './host-split.js';

// stands for the private dir in the stored plan (a plain path, written unquoted in the YAML like the real one); replaced
// by the run's own dir when read back
const DIR = '/kspray-checks-dir-0c5e1f';
// a dir YAML would quote cannot stand in for the token: such a run makes its plan afresh
const plainPath = /^[\w./-]+$/;

/** Changes whenever the code that makes plans changes (a rebuild, an upgrade of kspray, an edited source). */
async function codeStamp(): Promise<string> {
  const parts = await Promise.all(
    [...new Set([planUrl, splitUrl])].map(async (u) => {
      const s = await stat(fileURLToPath(u)).catch(() => undefined);
      return `${u}:${s?.size}:${s?.mtimeMs}`;
    }),
  );
  return parts.join('|');
}

function revive(json: string, dir: string): ChecksPlan {
  const raw = JSON.parse(json.split(DIR).join(JSON.stringify(dir).slice(1, -1))) as Omit<ChecksPlan, 'tasks'> & { tasks: [string, Record<string, unknown>][] };
  return { ...raw, tasks: new Map(raw.tasks) };
}

export async function cachedChecksPlan(texts: CheckoutTexts, dir: string, cacheDir: string): Promise<ChecksPlan> {
  if (!plainPath.test(dir)) return checksPlan(texts, dir);
  const key = createHash('sha256').update(await codeStamp()).update(JSON.stringify(texts)).digest('hex').slice(0, 32);
  const file = join(cacheDir, 'checks-plans', `${key}.json`);
  const stored = await readFile(file, 'utf8').catch(() => undefined);
  if (stored !== undefined) {
    try {
      return revive(stored, dir);
    } catch {
      // a damaged entry is made again below
    }
  }
  const plan = checksPlan(texts, DIR);
  const json = JSON.stringify({ ...plan, tasks: [...plan.tasks] });
  // the cache only saves time: a read-only or full disk costs the next run its parse, nothing else
  await mkdir(dirname(file), { recursive: true, mode: 0o700 })
    .then(() => writeFileAtomic(file, json, 0o600))
    .catch(() => undefined);
  return revive(json, dir);
}
