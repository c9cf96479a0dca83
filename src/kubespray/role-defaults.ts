// The role defaults of a kubespray checkout as the values a host would see for a variable no inventory sets: every
// role's defaults, the defaults role first (its values are the ones every play sees), with simple Jinja evaluated.
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import type { DefaultOf } from '../inventory/import-compare.js';
import { DefaultsVars } from './defaults-vars.js';

async function defaultsFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string, inDefaults: boolean): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(dir, e.name);
      if (e.isDirectory()) await walk(p, inDefaults || e.name === 'defaults');
      else if (inDefaults && /\.ya?ml$/.test(e.name)) out.push(p);
    }
  };
  await walk(join(root, 'roles'), false);
  const first = (p: string) => (/^roles\/kubespray[-_]defaults\//.test(relative(root, p)) ? 0 : 1);
  return out.sort((a, b) => first(a) - first(b));
}

/** Variables kubespray reads as `x | default(y)` wherever it uses them: unset, they are y. */
const FALLBACKS: Record<string, string> = { loadbalancer_apiserver_port: 'kube_apiserver_port', access_ip: 'ip' };

/** Role defaults of the checkout at `dir`, typed as YAML would type them once their Jinja is evaluated. */
export async function roleDefaults(dir: string): Promise<DefaultOf> {
  const texts = await Promise.all((await defaultsFiles(dir)).map((f) => readFile(f, 'utf8')));
  const dv = new DefaultsVars(texts);
  const of: DefaultOf = (name, hostVars) => {
    const fb = FALLBACKS[name];
    if (fb) return hostVars[fb] ?? of(fb, hostVars);
    const raw = dv.raw(name);
    if (typeof raw !== 'string') return raw;
    // "{{ x is not defined }}" (loadbalancer_apiserver_localhost): decided by what the host itself sets
    const test = /^\s*\{\{\s*([A-Za-z_]\w*) is (not )?defined\s*\}\}\s*$/.exec(raw);
    if (test) return (test[1]! in hostVars) !== Boolean(test[2]);
    const scope = Object.fromEntries(Object.entries(hostVars).filter((e): e is [string, string] => typeof e[1] === 'string'));
    const v = dv.evaluate(raw, scope);
    if (v === undefined) return undefined;
    try {
      return parse(v) as unknown;
    } catch {
      return v;
    }
  };
  return of;
}
