// What the cluster runs, as the flows that change it record it: applied.yaml (the config text), and beside it the
// parsed config keyed by that text's digest, so `kspray plan` does not parse a large config twice on every run.
import { createHash } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { validateConfig } from '../config-file.js';
import { buildCluster, type Cluster } from '../config/model.js';
import type { ClusterConfig } from '../config/schema.js';
import { writeFileAtomic } from '../fsutil/atomic.js';
import { appliedFile, stateDir } from '../paths.js';

/** What was applied: the text of applied.yaml and its cluster. */
export interface Applied {
  text: string;
  cluster: Cluster;
}

const parsedFile = (sdir: string) => `${appliedFile(sdir)}.json`;
const digest = (text: string) => createHash('sha256').update(text).digest('hex');

/** Record `text` as applied; `config`, when the caller has it, is its parsed form. */
export async function recordApplied(sdir: string, text: string, config?: ClusterConfig): Promise<void> {
  await writeFileAtomic(appliedFile(sdir), text, 0o600);
  if (config) await writeFileAtomic(parsedFile(sdir), JSON.stringify({ sha256: digest(text), config }), 0o600);
}

/** Forget what was applied (a reset cluster runs nothing), with its parsed form. */
export async function forgetApplied(sdir: string): Promise<void> {
  await Promise.all([appliedFile(sdir), parsedFile(sdir)].map((f) => rm(f, { force: true })));
}

/** The config of the last successful run, or undefined when kspray never applied this cluster. */
export async function appliedState(dir: string, name: string): Promise<Applied | undefined> {
  const sdir = stateDir(dir, name);
  const text = await readFile(appliedFile(sdir), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  const sha256 = digest(text);
  const parsed = await readFile(parsedFile(sdir), 'utf8')
    .then((t) => JSON.parse(t) as { sha256?: string; config?: ClusterConfig })
    .catch(() => undefined);
  // the parsed form stands only for the very text it was made from; anything else is parsed again
  if (parsed?.sha256 === sha256 && parsed.config) return { text, cluster: buildCluster(parsed.config) };
  // what was applied passed validation then; a rule added since must not hide it
  const cluster = (await validateConfig(text)).cluster;
  if (!cluster) return undefined;
  await writeFileAtomic(parsedFile(sdir), JSON.stringify({ sha256, config: cluster.config }), 0o600).catch(() => undefined);
  return { text, cluster };
}
