// Reads from a kubespray checkout the files its inventory checks are made of (which ones depends on the tag).
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CheckoutTexts } from './checks-playbook.js';

const PREINSTALL = 'roles/kubernetes/preinstall';
export const VERIFY_FILE = `${PREINSTALL}/tasks/0040-verify-settings.yml`;

async function text(dir: string, rel: string): Promise<string | undefined> {
  try {
    return await readFile(join(dir, rel), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** undefined when the checkout has neither roles/validate_inventory nor the preinstall settings checks (not a real kubespray). */
export async function readCheckout(dir: string): Promise<CheckoutTexts | undefined> {
  // the defaults role moved to kubespray_defaults in v2.28; kubespray-defaults stays as a shim that warns
  const defaultsRole = existsSync(join(dir, 'roles/kubespray_defaults/defaults')) ? 'kubespray_defaults' : 'kubespray-defaults';
  const [boilerplate, ansibleVersion, clusterPlaybook, rootCluster, validateInventory, setFacts, verify, preinstallDefaults, preinstallVars] = await Promise.all([
    text(dir, 'playbooks/boilerplate.yml'),
    text(dir, 'playbooks/ansible_version.yml'),
    text(dir, 'playbooks/cluster.yml'),
    text(dir, 'cluster.yml'),
    text(dir, 'roles/validate_inventory/tasks/main.yml'),
    text(dir, `${PREINSTALL}/tasks/0020-set_facts.yml`),
    text(dir, VERIFY_FILE),
    text(dir, `${PREINSTALL}/defaults/main.yml`),
    text(dir, `${PREINSTALL}/vars/main.yml`),
  ]);
  if (validateInventory === undefined && verify === undefined) return undefined;
  const defaultsRoleDirs = await readdir(join(dir, 'roles', defaultsRole)).catch(() => []);
  const t: CheckoutTexts = { dir, defaultsRole, defaultsRoleDirs };
  const set = <K extends keyof CheckoutTexts>(k: K, v: CheckoutTexts[K] | undefined) => {
    if (v !== undefined) t[k] = v;
  };
  set('boilerplate', boilerplate);
  set('ansibleVersion', ansibleVersion);
  set('clusterPlaybook', clusterPlaybook ?? rootCluster);
  set('validateInventory', validateInventory);
  set('setFacts', setFacts);
  set('verify', verify);
  set('preinstallDefaults', preinstallDefaults);
  set('preinstallVars', preinstallVars);
  return t;
}
