// The mutated-config corpus (test/fixtures/mutations.ts): stable, complete configs, and kspray's verdict on each family.
import { describe, expect, it } from 'vitest';
import { validateText } from '../../src/config-text.js';
import { renderInventory } from '../../src/inventory/render.js';
import { mutatedConfigs, rejectedFamilies } from '../fixtures/mutations.js';
import { exampleText } from './helpers.js';
import { propertyRuns } from './property-runs.js';

const mutants = mutatedConfigs();
const mustReject = new Set<string>(rejectedFamilies);

describe('mutated homelab corpus', () => {
  it('has at least 500 distinct mutants, the same on every call, each differing from the example', () => {
    expect(mutants.length).toBeGreaterThanOrEqual(500);
    expect(new Set(mutants.map((m) => m.id)).size).toBe(mutants.length);
    expect(mutatedConfigs()).toEqual(mutants);
    const homelab = exampleText('homelab');
    for (const m of mutants) expect(m.yaml, m.id).not.toBe(homelab);
  });

  it('covers every family, and a smaller count still samples every family', () => {
    const families = new Set(mutants.map((m) => m.family));
    for (const f of rejectedFamilies) expect(families, f).toContain(f);
    expect(families).toContain('valid');
    const few = mutatedConfigs({ seed: 7, count: families.size });
    expect(new Set(few.map((m) => m.family))).toEqual(families);
    expect(mutatedConfigs({ seed: 7, count: 40 })).toEqual(mutatedConfigs({ seed: 7, count: 40 }));
  });

  it('validate never throws, rejects every mutant of a must-reject family at a line of the file, and accepts and renders the valid ones', () => {
    const wrong: string[] = [];
    // families are interleaved, so the quick tier's first third still holds every family; CI checks them all
    for (const m of mutants.slice(0, propertyRuns(mutants.length))) {
      const r = validateText(m.yaml);
      const lines = m.yaml.split('\n').length;
      for (const p of r.problems) if (!(p.line! >= 1 && p.line! <= lines)) wrong.push(`${m.id}: ${p.path} has line ${p.line}`);
      if (mustReject.has(m.family)) {
        if (r.errors.length === 0) wrong.push(`${m.id} (${m.description}) was accepted`);
      } else if (r.errors.length) wrong.push(`${m.id} (${m.description}) was rejected: ${r.errors.map((p) => p.message).join('; ')}`);
      else expect(renderInventory(r.cluster!, { source: 'kspray.yaml', digest: '0'.repeat(64) }).length).toBeGreaterThan(0);
    }
    expect(wrong).toEqual([]);
  });
});
