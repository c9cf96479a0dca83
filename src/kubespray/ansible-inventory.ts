// Ansible's own view of an inventory: `ansible-inventory --list --export` (where each variable is defined) and
// `--list` (what each host sees), run from the kubespray checkout with its ansible.cfg, as kubespray's playbooks read it.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { KsprayError } from '../errors.js';
import { run } from '../exec.js';
import { readResolved, type ResolvedInventory } from '../inventory/import-groups.js';
import { cacheRoot } from '../paths.js';

export interface InventoryTool {
  path: string;
  /** which one: the release venv kspray setup builds, the active venv, or PATH */
  from: string;
}

export function findAnsibleInventory(tag: string, env: NodeJS.ProcessEnv): InventoryTool {
  const venv = join(cacheRoot(env), 'venvs', `kubespray-${tag}`, 'bin', 'ansible-inventory');
  if (existsSync(venv)) return { path: venv, from: `the release venv (${venv})` };
  const active = env.VIRTUAL_ENV && join(env.VIRTUAL_ENV, 'bin', 'ansible-inventory');
  if (active && existsSync(active)) return { path: active, from: `the active venv (${active})` };
  return { path: 'ansible-inventory', from: 'PATH (no release venv: `kspray setup` builds one)' };
}

async function list(tool: InventoryTool, kubesprayDir: string, sources: string[], env: NodeJS.ProcessEnv, exportMode: boolean): Promise<unknown> {
  const argv = [tool.path, ...sources.flatMap((s) => ['-i', s]), '--list', ...(exportMode ? ['--export'] : [])];
  const r = await run(argv, {
    cwd: kubesprayDir,
    timeoutMs: 120_000,
    // an unparseable source fails instead of being skipped with a warning (Ansible's default)
    env: { ...env, ANSIBLE_CONFIG: join(kubesprayDir, 'ansible.cfg'), ANSIBLE_NOCOLOR: '1', ANSIBLE_INVENTORY_UNPARSED_FAILED: 'True', ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED: 'True' },
  }).catch((e: unknown) => {
    throw new KsprayError('ToolMissing', `${tool.path} could not start`, { cause: e, hint: 'run `kspray setup` for the release venv, or put ansible-inventory on PATH' });
  });
  if (r.exitCode !== 0) {
    const lines = r.stderr.split('\n').map((l) => l.trim()).filter((l) => l && !/^\[WARNING\]: (Invalid characters|Found both group and host)/.test(l));
    throw new KsprayError('InventoryInvalid', `Ansible cannot read the inventory ${sources[0]}; nothing was written`, { details: lines.slice(-8), hint: 'fix the inventory so `ansible-inventory -i ' + sources[0] + ' --list` reads it' });
  }
  try {
    return JSON.parse(r.stdout) as unknown;
  } catch (e) {
    throw new KsprayError('InventoryInvalid', `ansible-inventory printed no JSON for ${sources[0]}`, { cause: e, details: r.stderr.split('\n').slice(-5) });
  }
}

/** The inventory from `sources` (the first is the user's, the others kspray's overlays) as Ansible resolves it. */
export async function resolveInventory(tool: InventoryTool, kubesprayDir: string, sources: string[], env: NodeJS.ProcessEnv): Promise<ResolvedInventory> {
  const [exported, listed] = await Promise.all([list(tool, kubesprayDir, sources, env, true), list(tool, kubesprayDir, sources, env, false)]);
  return readResolved(exported, listed);
}
