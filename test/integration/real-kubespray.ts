// The cached real kubespray checkouts and venvs the tests run against (scripts/setup-real-kubespray.sh builds them).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_DIR } from '../lab/index.js';

const cache = path.join(process.env.KSPRAY_CACHE_DIR ?? path.join(os.homedir(), '.cache', 'kspray'), 'real-kubespray');
// the bundle's dir, as scripts/setup-real-kubespray.sh finds it
const shared = path.dirname(process.env.KSPRAY_KUBESPRAY_BUNDLE ?? path.join(REPO_DIR, '..', 'shared', 'kubespray', 'kubespray.bundle'));

/** The cached checkout of a ref and its venv, or why there is none. */
export function realKubespray(ref: string): { dir: string; venv: string } | { skip: string } {
  if (!fs.existsSync(shared)) return { skip: '../shared/kubespray is absent' };
  const dir = path.join(cache, ref);
  const venvFile = `${dir}.venv`;
  const venv = fs.existsSync(venvFile) ? fs.readFileSync(venvFile, 'utf8').trim() : '';
  if (!fs.existsSync(path.join(dir, 'ansible.cfg')) || !venv || !fs.existsSync(path.join(venv, '.kspray-complete')))
    return { skip: `no cached checkout and venv of kubespray ${ref} (scripts/setup-real-kubespray.sh builds them)` };
  return { dir, venv };
}
