// Rewrite kspray.yaml as part of a flow: the new text must validate, is written atomically, and the workspace follows it.
import { validateText } from '../config-file.js';
import { buildCluster } from '../config/model.js';
import { KsprayError } from '../errors.js';
import { writeFileAtomic } from '../fsutil/atomic.js';
import type { Workspace } from '../workspace.js';
import { formatProblem } from '../config/problems.js';

export function checkConfigText(text: string, what: string) {
  const v = validateText(text);
  if (v.errors.length || !v.cluster)
    throw new KsprayError('ConfigInvalid', `${what} would make the config invalid; nothing was changed`, { details: v.errors.map(formatProblem) });
  return v;
}

export async function updateConfig(ws: Workspace, text: string, what: string): Promise<void> {
  const v = checkConfigText(text, what);
  await writeFileAtomic(ws.loaded.path, text);
  ws.loaded = { ...ws.loaded, ...v, text, cluster: v.cluster! };
  ws.cluster = buildCluster(v.cluster!.config);
}
