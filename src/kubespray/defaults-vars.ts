// kubespray's defaults files as a variable lookup, with the few Jinja forms its version variables use evaluated the
// way Ansible would (pure). Only the top-level keys asked for are parsed: checksums.yml is ~160 kB, and parsing all of
// it costs more than the rest of `kspray validate`.
import { parse } from 'yaml';

export type VarValue = string | VarMap | VarValue[];
export interface VarMap {
  [key: string]: VarValue;
}

/** The text of one top-level key of a YAML file (its line and everything indented under it), or undefined. */
export function topLevelSection(text: string, key: string): string | undefined {
  const start = new RegExp(`^${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:`, 'm').exec(text);
  if (!start) return undefined;
  const rest = text.slice(start.index);
  const end = /\n(?=[^\s#])/.exec(rest);
  return end ? rest.slice(0, end.index) : rest;
}

export class DefaultsVars {
  private readonly cache = new Map<string, VarValue | undefined>();

  /** texts in Ansible's precedence order: role vars before role defaults */
  constructor(private readonly texts: readonly string[]) {}

  raw(name: string): VarValue | undefined {
    if (this.cache.has(name)) return this.cache.get(name);
    let value: VarValue | undefined;
    for (const text of this.texts) {
      const section = topLevelSection(text, name);
      if (section === undefined) continue;
      // failsafe: every scalar a string, so `1.30` stays "1.30" and versions are never numbers
      const doc = parse(section, { schema: 'failsafe' }) as Record<string, VarValue> | null;
      value = doc?.[name];
      break;
    }
    this.cache.set(name, value);
    return value;
  }

  /** A string variable with its Jinja evaluated (undefined when it takes a form this reader does not know). */
  resolve(name: string, scope: Record<string, string> = {}, depth = 0): string | undefined {
    if (name in scope) return scope[name];
    const v = this.raw(name);
    return typeof v === 'string' ? this.evaluate(v, scope, depth) : undefined;
  }

  evaluate(value: string, scope: Record<string, string>, depth = 0): string | undefined {
    const expr = /^\s*\{\{\s*(.*?)\s*\}\}\s*$/.exec(value)?.[1];
    if (expr === undefined) return value.includes('{{') || value.includes('{%') ? undefined : value;
    if (depth > 8) return undefined;
    const ref = String.raw`([A-Za-z_]\w*)(?:\['(\w+)'\]|\.(\w+))`;
    // (x_checksums['amd64'] | dict2items)[0].key — the newest entry; [-1] the oldest
    let m = new RegExp(String.raw`^\(${ref}\s*\|\s*dict2items\)\[(-?\d+)\]\.key$`).exec(expr);
    if (m) {
      const keys = this.keysOf(m[1]!, m[2] ?? m[3]!);
      return keys?.at(Number(m[4]));
    }
    // (x_checksums['amd64'].keys() | select('version', '3.6', '<'))[0] — the newest entry below a bound
    m = new RegExp(String.raw`^\(${ref}\.keys\(\)\s*\|\s*select\('version',\s*'([\d.]+)',\s*'<'\)\)\[0\]$`).exec(expr);
    if (m) {
      const bound = m[4]!;
      return this.keysOf(m[1]!, m[2] ?? m[3]!)?.find((k) => compareVersions(k, bound) < 0);
    }
    // x_supported_versions[kube_major_version]
    m = /^([A-Za-z_]\w*)\[([A-Za-z_]\w*)\]$/.exec(expr);
    if (m) {
      const map = this.raw(m[1]!);
      const key = this.resolve(m[2]!, scope, depth + 1);
      const item = key !== undefined && isMap(map) ? map[key] : undefined;
      return typeof item === 'string' ? this.evaluate(item, scope, depth + 1) : undefined;
    }
    if (/^[A-Za-z_]\w*$/.test(expr)) return this.resolve(expr, scope, depth + 1);
    return undefined;
  }

  /** keys of a nested mapping, in file order */
  keysOf(name: string, sub: string): string[] | undefined {
    const map = this.raw(name);
    const inner = isMap(map) ? map[sub] : undefined;
    return isMap(inner) ? Object.keys(inner) : undefined;
  }
}

export const isMap = (v: VarValue | undefined): v is VarMap => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Ansible's `version` test for dotted numbers, leading `v` ignored. */
export function compareVersions(a: string, b: string): number {
  const pa = a.replace(/^v/, '').split('.').map(Number);
  const pb = b.replace(/^v/, '').split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}
