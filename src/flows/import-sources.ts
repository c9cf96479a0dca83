// Which file Ansible should read for an inventory given as a file or a directory, and the pitfalls of the directory form.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { KsprayError } from '../errors.js';

/** k8s_cluster as kubespray v2.27+ builds it at run time (an inventory that does not declare it sees no group_vars/k8s_cluster). */
export const K8S_CLUSTER_OVERLAY = ['all:', '  children:', '    k8s_cluster:', '      children:', '        kube_control_plane: {}', '        kube_node: {}', '        calico_rr: {}', ''].join('\n');

const HOST_FILES = ['hosts.yaml', 'hosts.yml', 'inventory.yaml', 'inventory.yml', 'inventory.ini', 'hosts.ini', 'inventory', 'hosts'];

/** The extensions the checkout's ansible.cfg tells Ansible to skip in an inventory directory. */
async function ignoredExtensions(kubesprayDir: string): Promise<string[]> {
  const cfg = await readFile(join(kubesprayDir, 'ansible.cfg'), 'utf8').catch(() => '');
  const line = /^\s*inventory_ignore_extensions\s*=\s*(.*)$/m.exec(cfg)?.[1];
  return line ? line.split(',').map((s) => s.trim()).filter(Boolean) : [];
}

export async function inventorySources(inventory: string, kubesprayDir: string): Promise<{ source: string; notes: string[] }> {
  const st = await stat(inventory).catch(() => undefined);
  if (!st) throw new KsprayError('BadArgument', `${inventory} does not exist`, { hint: 'name an inventory file (inventory.ini, hosts.yaml) or its directory' });
  if (!st.isDirectory()) return { source: inventory, notes: [] };
  const names = await readdir(inventory);
  const file = HOST_FILES.find((n) => names.includes(n));
  if (!file) throw new KsprayError('BadArgument', `${inventory} holds no inventory file (looked for ${HOST_FILES.join(', ')})`, { hint: 'name the inventory file itself' });
  const notes: string[] = [`read ${join(inventory, file)} (the directory's inventory file; group_vars/ and host_vars/ beside it apply)`];
  const ignored = await ignoredExtensions(kubesprayDir);
  const skipped = names.filter((n) => ignored.some((e) => e.startsWith('.') && n.endsWith(e)));
  if (skipped.length)
    notes.push(`kubespray's ansible.cfg ignores ${skipped.join(', ')} in an inventory directory (inventory_ignore_extensions): \`-i ${inventory}\` would not read ${skipped.length === 1 ? 'it' : 'them'}; pass the file itself`);
  return { source: join(inventory, file), notes };
}
