// Where each tag of the release train lives on this machine: a checkout per tag, side by side, and a venv per
// distinct requirements.txt. Reads files only.
import { existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { requirementsVenvDir, tagCheckoutDir } from '../paths.js';
import { requirementsVenv, type Workspace } from '../workspace.js';

export interface TagLayout {
  tag: string;
  checkout: string;
  /** the venv, or (before the checkout exists) a placeholder that says what names it: a shell word, as plans print it */
  venv: string;
  /** the checkout exists (its requirements.txt named the venv) */
  checkedOut: boolean;
  /** the venv is complete */
  venvReady: boolean;
}

export interface LayoutBase {
  configDir: string;
  /** the configured checkout and tag */
  kubesprayDir: string;
  tag: string;
  /** the venv the configured tag runs with, when kspray knows it */
  venv?: string;
  env: NodeJS.ProcessEnv;
}

export function layoutBase(ws: Workspace): LayoutBase {
  const bin = ws.ansiblePlaybook;
  return {
    configDir: ws.configDir,
    kubesprayDir: ws.kubesprayDir,
    tag: ws.cluster.config.spec.kubespray.version,
    ...(bin.includes('/') ? { venv: dirname(dirname(bin)) } : {}),
    env: ws.ctx.env,
  };
}

export const venvForCheckout = requirementsVenv;

export function tagLayout(b: LayoutBase, tag: string): TagLayout {
  const checkout = tagCheckoutDir(b.kubesprayDir, b.tag, tag);
  const checkedOut = existsSync(join(checkout, 'requirements.txt'));
  const venv = tag === b.tag && b.venv ? b.venv : (venvForCheckout(b.env, checkout) ?? join(requirementsVenvDir(b.env, ''), '..', `kubespray-req-SHA12_OF_${tag}_REQUIREMENTS`));
  const venvReady = tag === b.tag && b.venv ? existsSync(join(venv, 'bin', 'ansible-playbook')) : existsSync(join(venv, '.kspray-complete'));
  return { tag, checkout, venv, checkedOut, venvReady };
}

/** A path as the config writes it: relative to the config's folder when below it. */
export function configPath(configDir: string, p: string): string {
  const rel = relative(configDir, p);
  return rel.startsWith('..') ? p : `./${rel}`;
}
