// `kspray render` on a sample of the broken-config corpus (test/fixtures/broken/): exit 3, nothing written.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoPath } from '../unit/helpers.js';
import { hasStackTrace, kspray, tempDir } from './helpers.js';

const dir = repoPath('test', 'fixtures', 'broken');
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();

describe('kspray render on broken configs writes nothing', () => {
  // a sample across the categories keeps the spawn count low
  const sample = files.filter((f) => !/^\d+-warn-/.test(f)).filter((_, i) => i % 6 === 0);

  it.concurrent.each(sample)('%s: exit 3, no inventory, no stack trace', async (file) => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'kspray.yaml'), readFileSync(join(dir, file)));
    const r = await kspray(cwd, ['render', '-o', 'inventory']);
    expect(r.code, r.stderr).toBe(3);
    expect(existsSync(join(cwd, 'inventory'))).toBe(false);
    expect(existsSync(join(cwd, '.kspray'))).toBe(false);
    expect(r.stderr).toMatch(/nothing was written/);
    expect(hasStackTrace(r.stderr)).toBe(false);
  });
});
