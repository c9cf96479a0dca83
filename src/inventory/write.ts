// Writes a rendered inventory: atomically, deleting files the release no longer uses, and never over a hand edit.
import { createHash } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { KsprayError } from '../errors.js';
import { writeFileAtomic } from '../fsutil/atomic.js';
import type { RenderedFile } from './render.js';

export const MANIFEST = '.kspray-render.json';

interface Manifest {
  files: Record<string, string>;
}

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

export interface Conflict {
  path: string;
  reason: 'edited' | 'foreign';
  current: string;
  next?: string;
}

export interface WritePlan {
  write: RenderedFile[];
  remove: string[];
  unchanged: string[];
  conflicts: Conflict[];
}

export async function planWrite(dir: string, files: RenderedFile[]): Promise<WritePlan> {
  const manifestText = await readText(join(dir, MANIFEST));
  const manifest: Manifest = manifestText ? (JSON.parse(manifestText) as Manifest) : { files: {} };
  const plan: WritePlan = { write: [], remove: [], unchanged: [], conflicts: [] };
  const wanted = new Set(files.map((f) => f.path));
  for (const f of files) {
    const current = await readText(join(dir, f.path));
    if (current === f.content) {
      plan.unchanged.push(f.path);
      continue;
    }
    const recorded = manifest.files[f.path];
    if (current !== undefined && recorded === undefined) plan.conflicts.push({ path: f.path, reason: 'foreign', current, next: f.content });
    else if (current !== undefined && sha(current) !== recorded) plan.conflicts.push({ path: f.path, reason: 'edited', current, next: f.content });
    plan.write.push(f);
  }
  for (const [path, hash] of Object.entries(manifest.files)) {
    if (wanted.has(path)) continue;
    const current = await readText(join(dir, path));
    if (current === undefined) continue;
    if (sha(current) !== hash) plan.conflicts.push({ path, reason: 'edited', current });
    plan.remove.push(path);
  }
  return plan;
}

export async function applyWrite(dir: string, files: RenderedFile[], plan: WritePlan, force: boolean): Promise<void> {
  if (plan.conflicts.length && !force)
    throw new KsprayError('RenderConflict', `${plan.conflicts.length} rendered file(s) in ${dir} were changed by hand; nothing was written`, {
      details: plan.conflicts.map((c) => `${c.path}: ${c.reason === 'edited' ? 'edited since the last render' : 'not written by kspray'}`),
      hint: 'move the change into kspray.yaml (spec.extraVars for anything not modelled), or re-run with --force to overwrite',
    });
  for (const f of plan.write) await writeFileAtomic(join(dir, f.path), f.content);
  for (const p of plan.remove) await rm(join(dir, p), { force: true });
  const manifest: Manifest = { files: Object.fromEntries(files.map((f) => [f.path, sha(f.content)])) };
  await writeFileAtomic(join(dir, MANIFEST), JSON.stringify(manifest, null, 2) + '\n');
}
