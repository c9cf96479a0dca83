// The broken-config corpus: each test/fixtures/broken/*.yaml names, in `# expect:` header lines, the problems it must produce.
// Errors must match exactly (path, line, message substring; no unexpected errors); listed warnings must be present.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateText } from '../../src/config-text.js';
import type { Problem } from '../../src/config/problems.js';
import { repoPath } from './helpers.js';

interface Expectation {
  severity: 'error' | 'warning';
  path: string;
  line: number;
  message: string;
}

const dir = repoPath('test', 'fixtures', 'broken');
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();

function expectations(text: string): Expectation[] {
  const out: Expectation[] = [];
  for (const m of text.matchAll(/^# expect: (error|warning) (.+?) line (\d+): (.+)$/gm))
    out.push({ severity: m[1] as Expectation['severity'], path: m[2]!, line: Number(m[3]), message: m[4]! });
  return out;
}

const show = (p: Problem) => `${p.severity} ${p.path} line ${p.line ?? '?'}: ${p.message}${p.fix ? ` — ${p.fix}` : ''}`;
const matches = (p: Problem, e: Expectation) =>
  p.severity === e.severity && p.path === e.path && p.line === e.line && `${p.message}${p.fix ? ` — ${p.fix}` : ''}`.includes(e.message);

describe('broken configs', () => {
  it('has a corpus of at least 50 configs, each with an expectation', () => {
    expect(files.length).toBeGreaterThanOrEqual(50);
    for (const f of files) expect(expectations(readFileSync(join(dir, f), 'utf8')), f).not.toHaveLength(0);
  });

  describe.each(files)('%s', (file) => {
    const text = readFileSync(join(dir, file), 'utf8');
    const expected = expectations(text);
    const result = validateText(text);
    const actual = result.problems.map(show).join('\n');

    it.each(expected.map((e) => [`${e.severity} ${e.path} line ${e.line}: ${e.message}`, e] as const))('reports %s', (_, e) => {
      expect(result.problems.some((p) => matches(p, e)), `actual problems:\n${actual}`).toBe(true);
    });

    it('reports no error it does not expect, and every error has a line', () => {
      const unexpected = result.errors.filter((p) => !expected.some((e) => matches(p, e)));
      expect(unexpected.map(show), `actual problems:\n${actual}`).toEqual([]);
      for (const p of result.problems) expect(p.line, show(p)).toBeGreaterThan(0);
    });
  });
});
