// kspray setup: clone the configured kubespray release and build a venv with its requirements.txt (flows/setup.ts).
import { join } from 'node:path';
import type { CommandContext } from '../context.js';
import { configInvalid, loadConfigFile } from '../config-file.js';
import { runTask } from '../flows/flow.js';
import { DEFAULT_REPO, setupPhases, type SetupContext } from '../flows/setup.js';
import { cacheRoot, resolveFrom } from '../paths.js';

export async function setup(ctx: CommandContext, o: { repository?: string; venv?: boolean }): Promise<number> {
  const loaded = await loadConfigFile(ctx.configPath);
  if (!loaded.cluster || loaded.errors.length) throw configInvalid(loaded);
  const spec = loaded.cluster.config.spec;
  const tag = spec.kubespray.version;
  const dir = resolveFrom(loaded.dir, spec.kubespray.path);
  const venv = o.venv === false ? undefined : spec.kubespray.venv ? resolveFrom(loaded.dir, spec.kubespray.venv) : join(cacheRoot(ctx.env), 'venvs', `kubespray-${tag}`);
  const repository = o.repository ?? spec.kubespray.repository ?? DEFAULT_REPO;
  await runTask((base): SetupContext => ({ ...base, tag, dir, repository, ...(venv ? { venv } : {}) }), setupPhases(), 'setup', ctx.reporter);
  ctx.reporter.success(`kubespray ${tag} ready in ${dir}; next: kspray doctor`);
  return 0;
}
