// kspray validate: every problem at once, as `path (line N): what — fix`. Exit 3 on errors, 0 on warnings only.
import { relative } from 'node:path';
import { loadConfigFile } from '../config/load.js';
import { formatProblem } from '../config/problems.js';
import type { CommandContext } from '../context.js';
import { ExitCode } from '../errors.js';

export async function validate(ctx: CommandContext): Promise<number> {
  const loaded = await loadConfigFile(ctx.configPath);
  const r = ctx.reporter;
  const file = relative(ctx.cwd, loaded.path) || loaded.path;
  r.result({ file, valid: loaded.errors.length === 0, errors: loaded.errors, warnings: loaded.warnings }, () => {
    for (const p of loaded.problems) {
      const line = formatProblem(p);
      if (p.severity === 'error') r.error(line);
      else r.warn(line);
    }
    const c = loaded.cluster;
    if (loaded.errors.length === 0 && c)
      r.success(
        `${file}: valid — ${c.name}, Kubernetes ${c.config.spec.kubernetes.version} on kubespray ${c.config.spec.kubespray.version}, ` +
          `${c.controlPlanes.length} control plane, ${c.etcdMembers.length} etcd, ${c.workers.length} worker${loaded.warnings.length ? `, ${loaded.warnings.length} warning(s)` : ''}`,
      );
    else r.info(`${file}: ${loaded.errors.length} error(s), ${loaded.warnings.length} warning(s); nothing was written or run`);
  });
  return loaded.errors.length ? ExitCode.Config : ExitCode.Ok;
}
