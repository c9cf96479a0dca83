// Shared test helpers: example configs, edits that keep comments, and a fully valid cluster.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
import { validateText } from '../../src/config-text.js';
import type { Cluster } from '../../src/config/model.js';

export const repoPath = (...parts: string[]) => fileURLToPath(new URL(`../../${parts.join('/')}`, import.meta.url));

export const exampleText = (name: 'homelab' | 'starter') => readFileSync(repoPath('templates', 'examples', `${name}.yaml`), 'utf8');

/** Set values at dot paths (numbers index lists), keeping the rest of the document (and its comments) as written. */
export function edit(text: string, changes: Record<string, unknown>): string {
  const doc = parseDocument(text);
  for (const [path, value] of Object.entries(changes)) {
    const segs = path.split('.').map((s) => (/^\d+$/.test(s) ? Number(s) : s));
    if (value === undefined) doc.deleteIn(segs);
    else doc.setIn(segs, value);
  }
  return doc.toString();
}

export const withRelease = (text: string, kubespray: string, kubernetes: string) =>
  edit(text, { 'spec.kubespray.version': kubespray, 'spec.kubernetes.version': kubernetes });

/** A cluster that must validate without errors (fails the test with the problems otherwise). */
export function validCluster(text: string): Cluster {
  const r = validateText(text);
  if (r.errors.length || !r.cluster) throw new Error(`expected a valid config:\n${r.errors.map((p) => `${p.path}:${p.line} ${p.message}`).join('\n')}`);
  return r.cluster;
}

export const tempDir = (prefix = 'kspray-test-') => mkdtempSync(join(tmpdir(), prefix));
