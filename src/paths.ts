// Where kspray's own shipped files live, and where it keeps per-cluster state next to a config.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// dist/*.js and src/paths.ts both sit one level below the package root.
export const packagePath = (...parts: string[]) => join(resolve(dirname(fileURLToPath(import.meta.url)), '..'), ...parts);

/** .kspray/<cluster>/ next to the config: inventory, runs, known_hosts, fact cache, lock. */
export const stateDir = (configDir: string, cluster: string) => join(configDir, '.kspray', cluster);
/** the config of the last run that changed the cluster (deploy, add-node, remove-node, upgrade): what `plan` compares with */
export const appliedFile = (stateDirPath: string) => join(stateDirPath, 'applied.yaml');
export const inventoryDir = (configDir: string, cluster: string) => join(stateDir(configDir, cluster), 'inventory');

/** kspray's own cache: venvs, checks plans, lab binaries (KSPRAY_CACHE_DIR, else the XDG cache dir). */
export const cacheRoot = (env: NodeJS.ProcessEnv) => env.KSPRAY_CACHE_DIR ?? join(env.XDG_CACHE_HOME ?? join(env.HOME ?? '/root', '.cache'), 'kspray');

export function resolveFrom(base: string, p: string): string {
  if (p.startsWith('~/')) return join(process.env.HOME ?? '/root', p.slice(2));
  return resolve(base, p);
}
