// The compiled schema parser (src/config/schema-compile.ts) stands in for zod on valid configs: whenever it answers,
// zod must accept the same input and return exactly the same data; and it must answer for the configs users write.
import { readdirSync, readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { propertyRuns } from './property-runs.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { fastParse } from '../../src/config/fast-parse.js';
import { ClusterConfig } from '../../src/config/schema.js';
import { compileParser } from '../../src/config/schema-compile.js';
import { z } from 'zod';
import { generatedConfig } from '../../bench/config-gen.js';
import { mutatedConfigs } from '../fixtures/mutations.js';
import { exampleText, repoPath } from './helpers.js';

/** The compiled parser either asks zod (undefined) or agrees with it: whether it answered, and whether zod accepts. */
function agrees(input: unknown, label: string): { answered: boolean; valid: boolean } {
  const fast = fastParse(structuredClone(input));
  const slow = ClusterConfig.safeParse(structuredClone(input));
  if (fast === undefined) return { answered: false, valid: slow.success };
  expect(slow.success, `${label}: compiled parser accepted what zod rejects`).toBe(true);
  // node's strict deep equality (keys with undefined values count) is far cheaper than expect's on 600 configs
  if (!isDeepStrictEqual(fast, slow.data)) expect(fast, label).toStrictEqual(slow.data);
  return { answered: true, valid: true };
}

const yamlOf = (text: string): unknown => {
  try {
    return parse(text, { uniqueKeys: true });
  } catch {
    return undefined;
  }
};

describe('compiled schema parser', () => {
  it('answers for the examples and generated configs, with what zod returns', () => {
    for (const name of ['homelab', 'starter'] as const) expect(agrees(yamlOf(exampleText(name)), name).answered, name).toBe(true);
    for (const n of [1, 6, 100]) expect(agrees(yamlOf(generatedConfig(n)), `generated ${n}`).answered).toBe(true);
  });

  it('agrees with zod on the broken-config corpus and the mutants, and answers for every valid mutant', () => {
    const dir = repoPath('test', 'fixtures', 'broken');
    for (const f of readdirSync(dir)) agrees(yamlOf(readFileSync(`${dir}/${f}`, 'utf8')), f);
    // a sample that still holds every family (the whole corpus is mutations.test.ts's)
    for (const m of mutatedConfigs({ seed: 7, count: propertyRuns(150) })) {
      const r = agrees(yamlOf(m.yaml), m.id);
      if (r.valid) expect(r.answered, `${m.id} (${m.description}) fell back to zod`).toBe(true);
    }
  }, 120_000);

  it('agrees with zod on arbitrary edits of the homelab example', () => {
    const homelab = yamlOf(exampleText('homelab')) as Record<string, unknown>;
    const paths: (string | number)[][] = [];
    const walk = (v: unknown, at: (string | number)[]) => {
      if (v === null || typeof v !== 'object') return;
      for (const [k, x] of Array.isArray(v) ? v.map((x, i) => [i, x] as const) : Object.entries(v)) (paths.push([...at, k]), walk(x, [...at, k]));
    };
    walk(homelab, []);
    const value = fc.oneof(fc.string({ maxLength: 6 }), fc.integer({ min: -2, max: 70_000 }), fc.double(), fc.boolean(), fc.constant(null), fc.constant(undefined), fc.array(fc.string({ maxLength: 4 }), { maxLength: 2 }), fc.dictionary(fc.string({ maxLength: 4 }), fc.string({ maxLength: 4 }), { maxKeys: 2 }));
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(), value, fc.boolean()), { minLength: 1, maxLength: 3 }), (edits) => {
        const doc = structuredClone(homelab);
        for (const [at, v, del] of edits) {
          const path = paths[at % paths.length]!;
          let parent = doc as Record<string | number, unknown>;
          for (const seg of path.slice(0, -1)) {
            const next = parent?.[seg];
            if (next === null || typeof next !== 'object') return;
            parent = next as Record<string | number, unknown>;
          }
          if (del) delete parent[path.at(-1)!];
          else parent[path.at(-1)!] = v;
        }
        agrees(doc, JSON.stringify(edits));
      }),
      { numRuns: 400, seed: 11 },
    );
  });

  it('asks zod for anything it does not model', () => {
    const parser = (s: z.core.$ZodType) => new Function(`return ${compileParser(s)}`)() as (v: unknown) => unknown;
    expect(parser(z.string().email())('a@b.c')).toBeUndefined();
    expect(parser(z.string().transform((s) => s.length))('abc')).toBeUndefined();
    expect(parser(z.strictObject({ a: z.string().default('x').optional() }))({})).toBeUndefined();
    expect(parser(z.union([z.string(), z.number()]))('a')).toBeUndefined();
    expect(parser(z.strictObject({ a: z.string().min(2) }))({ a: 'é' })).toBeUndefined();
    expect(parser(z.strictObject({ a: z.string().min(2) }))({ a: 'éé' })).toEqual({ a: 'éé' });
  });
});
