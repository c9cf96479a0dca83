// Turn zod issues into kspray problems: readable messages, a fix, "did you mean" for unknown keys.
import type { z } from 'zod';
import { closest, formatPath, type PathSegment, type Problem } from './problems.js';

type AnySchema = z.core.$ZodType;

function unwrap(s: AnySchema): AnySchema {
  let cur = s;
  for (;;) {
    const def = cur._zod.def as { type: string; innerType?: AnySchema };
    if ((def.type === 'optional' || def.type === 'default' || def.type === 'nullable' || def.type === 'prefault') && def.innerType)
      cur = def.innerType;
    else return cur;
  }
}

/** Keys an object at `path` accepts (union members merged). */
export function knownKeys(root: AnySchema, path: readonly PathSegment[]): string[] {
  let nodes: AnySchema[] = [unwrap(root)];
  for (const seg of path) {
    const next: AnySchema[] = [];
    for (const n of nodes) {
      const def = n._zod.def as { type: string; shape?: Record<string, AnySchema>; element?: AnySchema; options?: AnySchema[]; valueType?: AnySchema };
      const members = def.type === 'union' && def.options ? def.options.map(unwrap) : [n];
      for (const m of members) {
        const md = m._zod.def as typeof def;
        if (md.type === 'object' && typeof seg === 'string' && md.shape?.[seg]) next.push(unwrap(md.shape[seg]));
        else if (md.type === 'array' && typeof seg === 'number' && md.element) next.push(unwrap(md.element));
        else if (md.type === 'record' && md.valueType) next.push(unwrap(md.valueType));
      }
    }
    nodes = next;
  }
  const keys = new Set<string>();
  for (const n of nodes) {
    const def = n._zod.def as { type: string; shape?: Record<string, AnySchema>; options?: AnySchema[] };
    const members = def.type === 'union' && def.options ? def.options.map(unwrap) : [n];
    for (const m of members) {
      const md = m._zod.def as typeof def;
      if (md.type === 'object' && md.shape) for (const k of Object.keys(md.shape)) keys.add(k);
    }
  }
  return [...keys];
}

const typeName = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'a mapping' : typeof v);

/** A value as the user wrote it, cut short (a whole mapping would drown the message). */
function preview(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function valueAt(root: unknown, path: readonly PathSegment[]): unknown {
  let cur = root;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[seg];
  }
  return cur;
}

export function issuesToProblems(issues: z.core.$ZodIssue[], schema: AnySchema, input: unknown): Problem[] {
  const out: Problem[] = [];
  for (const issue of issues) {
    const path = issue.path as PathSegment[];
    const at = formatPath(path);
    const base = { severity: 'error' as const, rule: `schema/${issue.code}` };
    switch (issue.code) {
      case 'unrecognized_keys': {
        const known = knownKeys(schema, path);
        for (const key of issue.keys) {
          const guess = closest(key, known);
          out.push({
            ...base,
            path: formatPath([...path, key]),
            message: `unknown key "${key}"`,
            fix: guess ? `did you mean "${guess}"?` : `remove it; allowed here: ${known.join(', ')}`,
          });
        }
        break;
      }
      case 'invalid_type': {
        const got = valueAt(input, path);
        if (got === undefined) out.push({ ...base, path: at, message: `required ${issue.expected} is missing`, fix: `add ${at}` });
        else if (got === null)
          out.push({ ...base, path: at, message: `expected ${issue.expected}, but the value is empty`, fix: `write ${/^[aeiou]/.test(issue.expected) ? 'an' : 'a'} ${issue.expected} after the colon, or remove the key` });
        else
          out.push({ ...base, path: at, message: `expected ${issue.expected}, got ${typeName(got)} ${preview(got)}`, fix: `write ${/^[aeiou]/.test(issue.expected) ? 'an' : 'a'} ${issue.expected} here` });
        break;
      }
      case 'invalid_value':
        if (valueAt(input, path) === undefined) {
          out.push({ ...base, path: at, message: 'required value is missing', fix: `add ${at}: ${issue.values.map((v) => String(v)).join(' | ')}` });
          break;
        }
        out.push({
          ...base,
          path: at,
          message: `${JSON.stringify(valueAt(input, path))} is not allowed`,
          fix: `use one of: ${issue.values.map((v) => String(v)).join(', ')}`,
        });
        break;
      case 'invalid_union': {
        const { discriminator: disc, options } = issue as { discriminator?: string; options?: unknown[] };
        if (!disc) {
          out.push({ ...base, path: at, message: 'does not match any allowed form', fix: 'see `kspray schema` for the allowed shapes' });
          break;
        }
        // zod already puts the discriminator at the end of the path
        const discPath = path[path.length - 1] === disc ? path : [...path, disc];
        const got = valueAt(input, discPath);
        out.push({
          ...base,
          path: formatPath(discPath),
          message: got === undefined ? `required ${disc} is missing` : `${disc} ${JSON.stringify(got)} is not allowed`,
          fix: options?.length ? `use one of: ${options.map(String).join(', ')}` : `set ${disc} to one of the documented values (see \`kspray schema\`)`,
        });
        break;
      }
      case 'too_small': {
        const got = valueAt(input, path);
        const bound = `${issue.inclusive === false ? '>' : '≥'} ${String(issue.minimum)}`;
        out.push({
          ...base,
          path: at,
          message: issue.origin === 'array' ? `needs at least ${String(issue.minimum)} item(s)` : issue.origin === 'string' ? 'must not be empty' : `${preview(got)} is too small: must be ${bound}`,
          fix: issue.origin === 'array' || issue.origin === 'string' ? 'fill in the value' : `use a value ${bound}`,
        });
        break;
      }
      case 'too_big': {
        const bound = `${issue.inclusive === false ? '<' : '≤'} ${String(issue.maximum)}`;
        out.push({ ...base, path: at, message: issue.origin === 'array' || issue.origin === 'string' ? `is too long: must be ${bound}` : `${preview(valueAt(input, path))} is too large: must be ${bound}`, fix: `use a value ${bound}` });
        break;
      }
      case 'invalid_format':
        out.push({ ...base, path: at, message: `${JSON.stringify(valueAt(input, path))} ${issue.message}`, fix: 'correct the value' });
        break;
      default:
        out.push({ ...base, path: at, message: issue.message, fix: 'see `kspray schema` for the allowed values' });
    }
  }
  return out;
}
