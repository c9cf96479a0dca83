// Where kspray's own shipped files live, and where it keeps per-cluster state next to a config.
import { createHash } from 'node:crypto';
import { basename, dirname, join, resolve } from 'node:path';
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

/** Another kubespray tag's checkout, side by side with the current one (./kubespray → ./kubespray-v2.31.0). */
export function tagCheckoutDir(current: string, currentTag: string, tag: string): string {
  if (tag === currentTag) return current;
  const stem = basename(current).replace(/-v\d+\.\d+\.\d+$/, '');
  return join(dirname(current), `${stem}-${tag}`);
}

/** One venv per distinct requirements.txt (tags that pin the same Ansible share it); complete once it holds `.kspray-complete`. */
export const requirementsVenvDir = (env: NodeJS.ProcessEnv, requirements: string | Buffer) =>
  join(cacheRoot(env), 'venvs', `kubespray-req-${createHash('sha256').update(requirements).digest('hex').slice(0, 12)}`);
