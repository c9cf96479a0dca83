// Rewrite kspray.yaml as part of a flow: the new text must validate, is written atomically, and the workspace follows it.
import { validateText } from '../config-text.js';
import { buildCluster } from '../config/model.js';
import { KsprayError } from '../errors.js';
import { writeFileAtomic } from '../fsutil/atomic.js';
import type { Workspace } from '../workspace.js';
import type { FlowContext, Phase } from './flow.js';
import { formatProblem } from '../config/problems.js';

export function checkConfigText(text: string, what: string) {
  const v = validateText(text);
  if (v.errors.length || !v.cluster)
    throw new KsprayError('ConfigInvalid', `${what} would make the config invalid; nothing was changed`, { details: v.errors.map(formatProblem) });
  return v;
}

/** Write the new config and make the workspace follow it; with `write: false` (a dry run) only the workspace follows. */
export async function updateConfig(ws: Workspace, text: string, what: string, write = true): Promise<void> {
  // the same text validates the same: nothing to write, nothing for the workspace to follow
  if (text === ws.loaded.text) return;
  const v = checkConfigText(text, what);
  if (write) await writeFileAtomic(ws.loaded.path, text);
  ws.loaded = { ...ws.loaded, ...v, text, cluster: v.cluster! };
  ws.cluster = buildCluster(v.cluster!.config);
}

/**
 * A phase that rewrites the config, described once by the text it writes: the run writes it, a dry run applies it in
 * memory, so every later phase plans against the cluster the run would give it (the same hosts, the same version).
 */
export function configPhase(title: string, plan: string, next: (fc: FlowContext) => string, what: string): Phase {
  return {
    title,
    plan: () => [plan],
    preview: (fc) => updateConfig(fc.ws, next(fc), what, false),
    run: (fc) => updateConfig(fc.ws, next(fc), what),
  };
}
