// kubespray's defaults files as a variable lookup, with the few Jinja forms its version variables use evaluated the
// way Ansible would (pure). Only the keys asked for are parsed, and of the checksums only the amd64 keys: checksums.yml
// is ~160 kB, and parsing all of it costs more than the rest of `kspray validate`.
import { parse } from 'yaml';

// for the cache of what is derived from a checkout (disk-cache.ts): it changes with this code
export const moduleUrl = import.meta.url;

export type VarValue = string | VarMap | VarValue[];
export interface VarMap {
  [key: string]: VarValue;
}

function keyLine(text: string, key: string, nested: boolean): { index: number; indent: number } | undefined {
  if (!nested) {
    if (text.startsWith(`${key}:`)) return { index: 0, indent: 0 };
    // indexOf, not a multiline regex: over 160 kB of checksums that costs more than the parsing
    const i = text.indexOf(`\n${key}:`);
    return i < 0 ? undefined : { index: i + 1, indent: 0 };
  }
  const m = new RegExp(`^( *)${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:`, 'm').exec(text);
  return m ? { index: m.index, indent: m[1]!.length } : undefined;
}

/**
 * The text of one key of a YAML mapping (its line and every line indented deeper under it), dedented so it parses on
 * its own; undefined when absent. A top-level key unless `nested`, then the first at any indentation.
 */
export function yamlSection(text: string, key: string, nested = false): string | undefined {
  const at = keyLine(text, key, nested);
  if (!at) return undefined;
  const { index, indent } = at;
  const rest = text.slice(index);
  // the next line (not blank, not a comment) indented no deeper than the key ends its section, except a list item at
  // the key's own indentation (YAML allows `key:\n- item`)
  const end = new RegExp(String.raw`\n(?! {${indent}}- )(?= {0,${indent}}[^\s#])`).exec(rest);
  const body = end ? rest.slice(0, end.index) : rest;
  return indent ? body.replace(new RegExp(`^ {${indent}}`, 'gm'), '') : body;
}

/** kubespray's files as Ansible reads them: failsafe keeps every scalar a string (`1.30` stays "1.30", versions never
 *  become numbers); no duplicate-key check, which is quadratic in a mapping's size and checksum maps are long. */
export function parseFacts(text: string): unknown {
  // a file kspray cannot read states nothing (the facts stay unread); it never stops validate
  try {
    return parse(text, { schema: 'failsafe', uniqueKeys: false, maxAliasCount: 100 });
  } catch {
    return undefined;
  }
}

/** One key of a YAML text, parsed alone. */
export function parseSection(text: string, key: string, nested = false): VarValue | undefined {
  const section = yamlSection(text, key, nested);
  if (section === undefined) return undefined;
  return (parseFacts(section) as Record<string, VarValue> | null)?.[key];
}

export class DefaultsVars {
  private readonly cache = new Map<string, VarValue | undefined>();

  /** texts in Ansible's precedence order: role vars before role defaults */
  constructor(private readonly texts: readonly string[]) {}

  raw(name: string): VarValue | undefined {
    if (this.cache.has(name)) return this.cache.get(name);
    let value: VarValue | undefined;
    for (const text of this.texts) {
      const section = yamlSection(text, name);
      if (section === undefined) continue;
      value = (parseFacts(section) as Record<string, VarValue> | null)?.[name];
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
    // 'v1.11.1' if (kube_version is version('v1.29.0', '>=')) else 'v1.10.1'
    m = /^'([^']*)' if \(?([A-Za-z_]\w*) is version\('([^']+)', '(>=|<|>|<=)'\)\)? else '([^']*)'$/.exec(expr);
    if (m) {
      const v = this.resolve(m[2]!, scope, depth + 1);
      if (v === undefined) return undefined;
      const c = compareVersions(v, m[3]!);
      const holds = { '>=': c >= 0, '<': c < 0, '>': c > 0, '<=': c <= 0 }[m[4] as '>=' | '<' | '>' | '<='];
      return holds ? m[1] : m[5];
    }
    if (/^[A-Za-z_]\w*$/.test(expr)) return this.resolve(expr, scope, depth + 1);
    return undefined;
  }

  /** keys of a nested mapping (x_checksums.amd64), in file order; only that part is parsed, the checksums are long */
  keysOf(name: string, sub: string): string[] | undefined {
    for (const text of this.texts) {
      const outer = yamlSection(text, name);
      if (outer === undefined) continue;
      const inner = yamlSection(outer.slice(outer.indexOf('\n') + 1), sub, true);
      return inner === undefined ? undefined : flatKeys(inner, sub);
    }
    return undefined;
  }
}

/**
 * The keys of `sub:` followed by flat `key: value` lines, as checksum maps are written. Those maps are long (a
 * `validate` next to a checkout would spend most of its time parsing them), so such lines are read directly; any
 * other shape goes through the YAML parser.
 */
function flatKeys(section: string, sub: string): string[] | undefined {
  const lines = section.split('\n').slice(1).filter((l) => l.trim() !== '' && !l.trimStart().startsWith('#'));
  const indent = /^ */.exec(lines[0] ?? '')![0];
  const flat = new RegExp(String.raw`^${indent}(?:'([^']+)'|"([^"]+)"|([^\s'"#:][^\s:]*)): `);
  const keys = lines.map((l) => flat.exec(l)).map((m) => m && (m[1] ?? m[2] ?? m[3]));
  if (indent && keys.every((k) => k)) return keys as string[];
  const map = (parseFacts(section) as Record<string, VarValue> | null)?.[sub];
  return isMap(map) ? Object.keys(map) : undefined;
}

export const isMap = (v: VarValue | undefined): v is VarMap => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Ansible's `version` test for dotted numbers, leading `v` ignored. */
export function compareVersions(a: string, b: string): number {
  const pa = a.replace(/^v/, '').split('.').map(Number);
  const pb = b.replace(/^v/, '').split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}
