// Writes docs/config-reference.md from the JSON Schema (itself generated from the zod schema), so docs cannot drift.
import fs from 'node:fs';
import path from 'node:path';
import { jsonSchema } from '../src/config/json-schema.js';

type S = { type?: string | string[]; properties?: Record<string, S>; items?: S; description?: string; default?: unknown; enum?: unknown[]; const?: unknown; anyOf?: S[]; oneOf?: S[]; additionalProperties?: S | boolean; required?: string[] };

const rows: string[] = [];
function typeOf(s: S): string {
  if (s.const !== undefined) return `\`${JSON.stringify(s.const)}\``;
  if (s.enum) return s.enum.map((e) => `\`${String(e)}\``).join(' \\| ');
  if (s.oneOf || s.anyOf) return (s.oneOf ?? s.anyOf)!.map(typeOf).join(' or ');
  if (s.type === 'array') return `list of ${s.items ? typeOf(s.items) : 'any'}`;
  if (s.type === 'object' && !s.properties) return 'mapping';
  return Array.isArray(s.type) ? s.type.join('/') : (s.type ?? 'any');
}
function walk(s: S, p: string, required: boolean): void {
  const variants = s.oneOf ?? s.anyOf;
  if (variants && variants.every((v) => v.properties)) {
    rows.push(`| \`${p}\` | one of ${variants.length} forms (by \`type\`) | ${required ? 'required' : ''} | ${s.description ?? ''} |`);
    for (const v of variants) for (const [k, c] of Object.entries(v.properties!)) walk(c, `${p}.${k}`, (v.required ?? []).includes(k));
    return;
  }
  if (p) rows.push(`| \`${p}\` | ${typeOf(s)} | ${s.default !== undefined ? `\`${JSON.stringify(s.default)}\`` : required ? 'required' : ''} | ${(s.description ?? '').replace(/\|/g, '\\|')} |`);
  if (s.properties) for (const [k, c] of Object.entries(s.properties)) walk(c, p ? `${p}.${k}` : k, (s.required ?? []).includes(k));
  if (s.type === 'array' && s.items?.properties) walk({ ...s.items, description: undefined }, `${p}[]`, false);
}
walk(jsonSchema() as S, '', true);
const out = `# kspray.yaml reference\n\nGenerated from the schema by \`node --import tsx scripts/generate-config-docs.ts\`; \`kspray schema\` prints the JSON Schema.\n\n| key | type | default | description |\n|---|---|---|---|\n${rows.filter((r) => !r.startsWith('| `[]')).join('\n')}\n`;
fs.writeFileSync(path.join(process.cwd(), 'docs', 'config-reference.md'), out);
console.log(`docs/config-reference.md: ${rows.length} keys`);
