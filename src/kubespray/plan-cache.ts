// A checks plan depends only on the checkout's files and on kspray's own code, so it is kept on disk: later runs of
// `validate --kubespray` (and every flow's checks phase) skip parsing the checkout's roles, most of kspray's own time.
import { checksPlan, moduleUrl as planUrl, type ChecksPlan, type CheckoutTexts } from './checks-playbook.js';
import { cacheFile, codeStamp, readCached, writeCached } from './disk-cache.js';
import { moduleUrl as splitUrl } from './host-split.js';

// stands for the private dir in the stored plan (a plain path, written unquoted in the YAML like the real one); replaced
// by the run's own dir when read back
const DIR = '/kspray-checks-dir-0c5e1f';
// a dir YAML would quote cannot stand in for the token: such a run makes its plan afresh
const plainPath = /^[\w./-]+$/;

function revive(json: string, dir: string): ChecksPlan {
  const raw = JSON.parse(json.split(DIR).join(JSON.stringify(dir).slice(1, -1))) as Omit<ChecksPlan, 'tasks'> & { tasks: [string, Record<string, unknown>][] };
  return { ...raw, tasks: new Map(raw.tasks) };
}

export async function cachedChecksPlan(texts: CheckoutTexts, dir: string, cacheDir: string): Promise<ChecksPlan> {
  if (!plainPath.test(dir)) return checksPlan(texts, dir);
  const file = cacheFile(cacheDir, 'checks-plans', [await codeStamp([planUrl, splitUrl]), JSON.stringify(texts)], 'json');
  const stored = await readCached(file);
  if (stored !== undefined) {
    try {
      return revive(stored.toString('utf8'), dir);
    } catch {
      // a damaged entry is made again below
    }
  }
  const plan = checksPlan(texts, DIR);
  const json = JSON.stringify({ ...plan, tasks: [...plan.tasks] });
  await writeCached(file, json);
  return revive(json, dir);
}
