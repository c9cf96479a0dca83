// Compiles the kspray.yaml schema into plain JavaScript that checks a config and fills its defaults without zod, so
// the common case (a valid config) starts without loading and constructing zod (about a third of `kspray validate`'s
// start-up). scripts/build.mjs runs this at build time; from source, fast-parse.ts runs it on first load.
// The compiled parser only ever answers "valid, and here is exactly what zod would return" or "ask zod": every
// construct it does not model, and every value it is unsure of, returns FAIL, and the caller falls back to zod,
// which then produces the real problems. So it may be stricter than zod, never looser.
import { isDeepStrictEqual } from 'node:util';
import type { z } from 'zod';

type Node = z.core.$ZodType;
interface Def {
  type: string;
  checks?: { _zod: { def: { check: string; format?: string; minimum?: number; value?: unknown; inclusive?: boolean; pattern?: RegExp; when?: unknown } } }[];
  shape?: Record<string, Node>;
  catchall?: Node;
  element?: Node;
  keyType?: Node;
  valueType?: Node;
  innerType?: Node;
  options?: Node[];
  defaultValue?: unknown;
  coerce?: boolean;
}

const defOf = (n: Node) => n._zod.def as unknown as Def;
const UNSUPPORTED = 'return F;';

/** JavaScript source of an expression: a function `(input) => output | undefined` (undefined: ask zod). */
export function compileParser(schema: Node): string {
  const fns: string[] = [];
  const ids = new Map<Node, string>();
  const fn = (n: Node): string => {
    const known = ids.get(n);
    if (known) return known;
    const id = `s${ids.size}`;
    ids.set(n, id);
    fns.push(`function ${id}(v) {\n${body(n)}\n}`);
    return id;
  };
  const checks = (d: Def, kind: 'string' | 'number' | 'array'): string | undefined => {
    const out: string[] = [];
    for (const c of d.checks ?? []) {
      const cd = c._zod.def;
      if (cd.check === 'min_length' && typeof cd.minimum === 'number' && kind !== 'number')
        // zod counts a string's length in code points
        out.push(kind === 'string' ? `if ([...v].length < ${cd.minimum}) return F;` : `if (v.length < ${cd.minimum}) return F;`);
      else if (cd.check === 'string_format' && cd.format === 'regex' && cd.pattern instanceof RegExp && kind === 'string')
        out.push(`{ const re = ${cd.pattern.toString()}; if (!re.test(v)) return F; }`);
      else if (cd.check === 'number_format' && cd.format === 'safeint' && kind === 'number') out.push('if (!Number.isSafeInteger(v)) return F;');
      else if ((cd.check === 'greater_than' || cd.check === 'less_than') && typeof cd.value === 'number' && kind === 'number') {
        const op = cd.check === 'greater_than' ? (cd.inclusive ? '>=' : '>') : cd.inclusive ? '<=' : '<';
        out.push(`if (!(v ${op} ${cd.value})) return F;`);
      } else return undefined;
    }
    return out.join('\n');
  };
  const literalList = (values: unknown): string | undefined => {
    if (!(values instanceof Set)) return undefined;
    const list = [...values];
    return list.every((x) => typeof x === 'string' || (typeof x === 'number' && Number.isFinite(x)) || typeof x === 'boolean' || x === null) ? JSON.stringify(list) : undefined;
  };
  const body = (n: Node): string => {
    const d = defOf(n);
    if (d.coerce) return UNSUPPORTED;
    const own = d.checks?.length ? d.checks : undefined;
    switch (d.type) {
      case 'string': {
        const c = checks(d, 'string');
        return c === undefined ? UNSUPPORTED : `if (typeof v !== 'string') return F;\n${c}\nreturn v;`;
      }
      case 'number': {
        const c = checks(d, 'number');
        return c === undefined ? UNSUPPORTED : `if (typeof v !== 'number' || !Number.isFinite(v)) return F;\n${c}\nreturn v;`;
      }
      case 'boolean':
        return own ? UNSUPPORTED : `return typeof v === 'boolean' ? v : F;`;
      case 'unknown':
        return own ? UNSUPPORTED : 'return v;';
      case 'enum':
      case 'literal': {
        const list = literalList(n._zod.values);
        return own || list === undefined ? UNSUPPORTED : `return ${list}.includes(v) ? v : F;`;
      }
      case 'optional': {
        // an optional around a default substitutes for absence; not modelled
        if (own || !d.innerType || d.innerType._zod.optin === 'defaulted') return UNSUPPORTED;
        return `return v === undefined ? undefined : ${fn(d.innerType)}(v);`;
      }
      case 'default': {
        const value = d.defaultValue;
        // the default is written into the code as a literal, so it must survive JSON unchanged
        if (own || !d.innerType || value === undefined || !isDeepStrictEqual(JSON.parse(JSON.stringify(value)), value)) return UNSUPPORTED;
        const lit = JSON.stringify(value);
        return `if (v === undefined) return ${lit};\nconst r = ${fn(d.innerType)}(v);\nreturn r === undefined ? ${lit} : r;`;
      }
      case 'array': {
        const c = checks(d, 'array');
        if (c === undefined || !d.element) return UNSUPPORTED;
        return `if (!Array.isArray(v)) return F;\nconst out = new Array(v.length);\nfor (let i = 0; i < v.length; i++) { const r = ${fn(d.element)}(v[i]); if (r === F) return F; out[i] = r; }\nv = out;\n${c}\nreturn v;`;
      }
      case 'record': {
        const key = d.keyType && defOf(d.keyType);
        if (own || !key || key.type !== 'string' || key.checks?.length || key.coerce || !d.valueType) return UNSUPPORTED;
        return `if (!plain(v)) return F;\nconst out = {};\nfor (const k of Reflect.ownKeys(v)) { if (typeof k !== 'string' || k === '__proto__' || !Object.prototype.propertyIsEnumerable.call(v, k)) return F; const r = ${fn(d.valueType)}(v[k]); if (r === F) return F; out[k] = r; }\nreturn out;`;
      }
      case 'object': {
        if (own || !d.shape) return UNSUPPORTED;
        const strict = d.catchall !== undefined;
        if (strict && defOf(d.catchall!).type !== 'never') return UNSUPPORTED;
        const keys = Object.keys(d.shape);
        if (keys.includes('__proto__')) return UNSUPPORTED;
        const lines = [`if (v === null || typeof v !== 'object' || Array.isArray(v)) return F;`, 'const out = {};'];
        for (const k of keys) {
          const el = d.shape[k]!;
          const { optin, optout } = el._zod;
          const q = JSON.stringify(k);
          // zod's handlePropertyResult, for a value that passed
          lines.push(
            `{ const present = ${q} in v; ` +
              (optin === 'optional' && optout === 'optional' ? `if (present) { const r = ${fn(el)}(v[${q}]); if (r === F) return F; out[${q}] = r; } }` : '') +
              (optin === 'optional' && optout === 'optional'
                ? ''
                : `const r = ${fn(el)}(v[${q}]); if (r === F) return F; ` +
                  (optin === undefined ? 'if (!present) return F; ' : '') +
                  `if (r !== undefined) out[${q}] = r; else if (present${optin === 'defaulted' && optout !== 'optional' ? ' || true' : ''}) out[${q}] = undefined; }`),
          );
        }
        if (strict) lines.push(`for (const k in v) if (!${JSON.stringify(keys)}.includes(k)) return F;`);
        lines.push('return out;');
        return lines.join('\n');
      }
      case 'union': {
        // only options told apart by a required literal at one key: then at most one can pass, here as in zod
        if (own || !d.options?.length || !exclusive(d.options)) return UNSUPPORTED;
        return `let r;\n${d.options.map((o) => `r = ${fn(o)}(v); if (r !== F) return r;`).join('\n')}\nreturn F;`;
      }
      default:
        return UNSUPPORTED;
    }
  };
  const root = fn(schema);
  return `(() => {\nconst F = Symbol('ask zod');\nconst plain = (o) => o !== null && typeof o === 'object' && !Array.isArray(o) && (Object.getPrototypeOf(o) === Object.prototype || Object.getPrototypeOf(o) === null);\n${fns.join('\n')}\nreturn (input) => { const r = ${root}(input); return r === F ? undefined : r; };\n})()`;
}

/** Options that are objects, each with the same required literal key and no value shared between two of them. */
function exclusive(options: Node[]): boolean {
  const shapes = options.map((o) => defOf(o)).map((d) => (d.type === 'object' ? d.shape : undefined));
  if (shapes.some((s) => !s)) return false;
  return Object.keys(shapes[0]!).some((key) => {
    const seen = new Set<unknown>();
    for (const s of shapes) {
      const f = s![key];
      if (!f || defOf(f).type !== 'literal' || f._zod.optin !== undefined) return false;
      for (const x of f._zod.values ?? []) {
        if (seen.has(x)) return false;
        seen.add(x);
      }
    }
    return true;
  });
}
