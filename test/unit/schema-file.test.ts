// The committed JSON Schema must match the zod schema; regenerate with `node --import tsx scripts/generate-schema.ts`.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { schemaFile, schemaText } from '../../scripts/generate-schema.js';

describe('schema/kspray.schema.json', () => {
  it('is up to date with src/config/schema.ts (run scripts/generate-schema.ts when this fails)', () => {
    expect(readFileSync(schemaFile, 'utf8')).toBe(schemaText());
  });

  it('documents every top-level key and requires the ones without defaults', () => {
    const s = JSON.parse(schemaText()) as { required: string[]; properties: Record<string, unknown>; $id: string };
    expect(s.$id).toMatch(/kspray\.schema\.json$/);
    expect(Object.keys(s.properties)).toEqual(['apiVersion', 'kind', 'metadata', 'spec']);
    expect(s.required).toEqual(['apiVersion', 'kind', 'metadata', 'spec']);
  });
});
