// Everything a cluster operation needs, resolved once: the valid config, its state paths, the tools it runs.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { formatForList, requireValidConfig, type LoadedFile } from './config-file.js';
import { PLACEHOLDER_RULE } from './config/rules/placeholders.js';
import { KsprayError } from './errors.js';
import type { Cluster } from './config/model.js';
import type { CommandContext } from './context.js';
import { cacheRoot, inventoryDir, packagePath, requirementsVenvDir, resolveFrom, stateDir } from './paths.js';

export interface Workspace {
  ctx: CommandContext;
  loaded: LoadedFile & { cluster: Cluster };
  cluster: Cluster;
  configDir: string;
  stateDir: string;
  inventoryDir: string;
  knownHostsFile: string;
  factCacheDir: string;
  /** short path: ssh control sockets must fit in 104 bytes */
  controlPathDir: string;
  lockFile: string;
  kubesprayDir: string;
  ansiblePlaybook: string;
  callbackDir: string;
}


export function findAnsiblePlaybook(c: Cluster, configDir: string, env: NodeJS.ProcessEnv): string {
  const venv = c.config.spec.kubespray.venv;
  const candidates = [
    venv && join(resolveFrom(configDir, venv), 'bin', 'ansible-playbook'),
    env.VIRTUAL_ENV && join(env.VIRTUAL_ENV, 'bin', 'ansible-playbook'),
    join(cacheRoot(env), 'venvs', `kubespray-${c.config.spec.kubespray.version}`, 'bin', 'ansible-playbook'),
    // the venv of the checkout's requirements.txt, as the release train and `kspray setup --to` build it
    ((v) => v && join(v, 'bin', 'ansible-playbook'))(requirementsVenv(env, resolveFrom(configDir, c.config.spec.kubespray.path))),
  ].filter((x): x is string => Boolean(x));
  return candidates.find((p) => existsSync(p)) ?? 'ansible-playbook';
}

/** The venv for a checkout: one per distinct requirements.txt (undefined without one). */
export function requirementsVenv(env: NodeJS.ProcessEnv, checkout: string): string | undefined {
  const req = join(checkout, 'requirements.txt');
  return existsSync(req) ? requirementsVenvDir(env, readFileSync(req)) : undefined;
}

/** The cluster's own known_hosts: spec.ssh.knownHostsFile, else in its state dir. */
export function knownHostsPath(c: Cluster, configDir: string): string {
  const f = c.config.spec.ssh.knownHostsFile;
  return f ? resolveFrom(configDir, f) : join(stateDir(configDir, c.name), 'known_hosts');
}

/** Commands that connect to the hosts refuse a config that still names placeholders (the starter's). */
function refusePlaceholders(loaded: LoadedFile): void {
  const found = loaded.warnings.filter((p) => p.rule === PLACEHOLDER_RULE);
  if (found.length)
    throw new KsprayError('ConfigInvalid', `${loaded.file} still has ${found.length} placeholder address${found.length === 1 ? '' : 'es'}; nothing was run`, {
      details: found.map((p) => formatForList(loaded.file, p)),
      hint: "replace them with your nodes' real addresses, then `kspray validate`",
    });
}

export async function openWorkspace(ctx: CommandContext, o: { forHosts?: boolean } = {}): Promise<Workspace> {
  const loaded = await requireValidConfig(ctx.configPath);
  if (o.forHosts) refusePlaceholders(loaded);
  const { cluster, dir } = loaded;
  const spec = cluster.config.spec;
  const sdir = stateDir(dir, cluster.name);
  const hash = createHash('sha256').update(sdir).digest('hex').slice(0, 10);
  const ws: Workspace = {
    ctx,
    loaded,
    cluster,
    configDir: dir,
    stateDir: sdir,
    inventoryDir: inventoryDir(dir, cluster.name),
    knownHostsFile: knownHostsPath(cluster, dir),
    factCacheDir: join(sdir, 'facts'),
    controlPathDir: join(ctx.env.XDG_RUNTIME_DIR ?? tmpdir(), `kspray-${hash}`),
    lockFile: join(sdir, 'lock'),
    kubesprayDir: resolveFrom(dir, spec.kubespray.path),
    ansiblePlaybook: findAnsiblePlaybook(cluster, dir, ctx.env),
    callbackDir: packagePath('templates', 'ansible', 'callback'),
  };
  await mkdir(sdir, { recursive: true, mode: 0o700 });
  return ws;
}
