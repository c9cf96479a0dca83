// The rule against what was last applied (config/train.ts tagStepProblem), for validate and for the flows that would
// run the config's kubespray tag against the cluster: an edit that skips a tag is refused before anything runs.
import { existsSync } from 'node:fs';
import { configInvalid, type LoadedFile } from '../config-file.js';
import type { Cluster } from '../config/model.js';
import type { Problem } from '../config/problems.js';
import { tagStepProblem } from '../config/train.js';
import { lineOf, parseYaml } from '../config/yaml-source.js';
import { appliedFile, stateDir } from '../paths.js';

/** A config edit that skips a kubespray tag relative to what was last applied, with the train to take instead. */
export async function trainProblem(dir: string, text: string, cluster: Cluster): Promise<Problem | undefined> {
  // loaded only for a cluster kspray applied: reading applied.yaml brings in the zod pipeline
  if (!existsSync(appliedFile(stateDir(dir, cluster.name)))) return undefined;
  const applied = (await (await import('../flows/applied-state.js')).appliedState(dir, cluster.name))?.cluster;
  if (!applied?.release || !applied.kube) return undefined;
  const p = tagStepProblem({ release: applied.release, kube: applied.kube }, cluster);
  const line = p && lineOf(parseYaml(text).source, ['spec', 'kubespray', 'version']);
  return p && line !== undefined ? { ...p, line } : p;
}

/** Refuse (exit 3, nothing run) a config whose kubespray tag cannot take over from what was last applied. */
export async function refuseTagSkip(loaded: LoadedFile & { cluster: Cluster }): Promise<void> {
  const p = await trainProblem(loaded.dir, loaded.text, loaded.cluster);
  if (p) throw configInvalid({ ...loaded, errors: [p], problems: [p] });
}
