// kspray import as phases: the kubespray checkout read, the inventory resolved by Ansible, mapped into a config, the
// config rendered and resolved again and compared host by host, and only then kspray.yaml (and credentials/) written.
import { existsSync } from 'node:fs';
import { chmod, cp, mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { stringify } from 'yaml';
import { validateText } from '../config-text.js';
import { KsprayError } from '../errors.js';
import { writeFileAtomic } from '../fsutil/atomic.js';
import { recordApplied } from './applied-state.js';
import { readCheckoutRelease, type CheckoutRelease } from '../kubespray/checkout-release.js';
import { findAnsibleInventory, resolveInventory, type InventoryTool } from '../kubespray/ansible-inventory.js';
import { gitTag } from '../kubespray/git-tag.js';
import { roleDefaults } from '../kubespray/role-defaults.js';
import type { DefaultOf } from '../inventory/import-compare.js';
import { compareEffective, type Fidelity } from '../inventory/import-fidelity.js';
import type { ResolvedInventory } from '../inventory/import-groups.js';
import { mapInventory, type ImportMapping } from '../inventory/import-map.js';
import { yamlOpts, renderInventory, configDigest } from '../inventory/render.js';
import { appliedFile, inventoryDir, stateDir } from '../paths.js';
import { inventorySources, K8S_CLUSTER_OVERLAY } from './import-sources.js';
import type { Phase, TaskContext } from './flow.js';

export interface ImportContext extends TaskContext {
  inventory: string;
  kubesprayDir: string;
  configPath: string;
  env: NodeJS.ProcessEnv;
  kubernetesVersion?: string;
  force: boolean;
  /** `# yaml-language-server` line of the written config */
  schemaHeader: string;
  checkout?: CheckoutRelease;
  tool?: InventoryTool;
  defaults?: DefaultOf;
  /** Ansible's sources for the original inventory (the user's, then kspray's overlays) */
  sources: string[];
  notes: string[];
  original?: ResolvedInventory;
  mapping?: ImportMapping;
  text?: string;
  fidelity?: Fidelity;
  /** files written besides the config: the applied baseline, credentials/ */
  copied: string[];
}

async function tempDir(c: ImportContext, prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  c.onCleanup(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

export function importPhases(): Phase<ImportContext>[] {
  return [
    {
      title: 'Read the kubespray checkout',
      async run(c) {
        if (existsSync(c.configPath) && !c.force)
          throw new KsprayError('ConfigExists', `${c.configPath} already exists; nothing was read or written`, { hint: 'choose another file with -c, or pass --force to overwrite it' });
        const checkout = await readCheckoutRelease(c.kubesprayDir, gitTag);
        if (!checkout) throw new KsprayError('ToolMissing', `${c.kubesprayDir} is not a kubespray checkout`, { hint: 'point --kubespray at the checkout the cluster was deployed from, or run `kspray setup` to make one' });
        c.checkout = checkout;
        c.tool = findAnsibleInventory(checkout.tag, c.env);
        c.defaults = await roleDefaults(c.kubesprayDir);
        c.notes.push(`kubespray ${checkout.tag} (tag from ${checkout.tagFrom === 'git' ? 'git describe' : 'galaxy.yml: the checkout is at no tag'})`, `ansible-inventory: ${c.tool.from}`);
      },
    },
    {
      title: 'Resolve the inventory with ansible-inventory',
      async run(c) {
        const src = await inventorySources(c.inventory, c.kubesprayDir);
        c.notes.push(...src.notes);
        c.sources = [src.source];
        let inv = await resolveInventory(c.tool!, c.kubesprayDir, c.sources, c.env);
        if (!inv.groups.has('k8s_cluster')) {
          const dir = await tempDir(c, 'kspray-import-overlay-');
          const overlay = join(dir, 'k8s-cluster.yml');
          await writeFile(overlay, K8S_CLUSTER_OVERLAY, { mode: 0o600 });
          c.sources.push(overlay);
          inv = await resolveInventory(c.tool!, c.kubesprayDir, c.sources, c.env);
          c.notes.push('the inventory declares no k8s_cluster (kubespray v2.27+ builds it at run time from kube_control_plane, kube_node, calico_rr): resolved with it declared that way');
        }
        c.original = inv;
      },
    },
    {
      title: 'Map it into a kspray config',
      async run(c) {
        const m = mapInventory({
          inv: c.original!,
          kubespray: { version: c.checkout!.tag, path: configRelative(c.configPath, c.kubesprayDir) },
          ...(c.checkout!.release ? { release: c.checkout!.release } : {}),
          defaults: c.defaults!,
          ...(c.kubernetesVersion ? { kubernetesVersion: c.kubernetesVersion } : {}),
        });
        if (m.refusals.length) throw new KsprayError('ImportRefused', `${c.inventory} cannot be imported as it is; nothing was written`, { details: m.refusals });
        c.mapping = m;
        c.text = `${c.schemaHeader}# Imported by kspray from ${c.inventory} (kubespray ${c.checkout!.tag}).\n${stringify(m.config, yamlOpts)}`;
        const check = validateText(c.text);
        if (check.errors.length)
          throw new KsprayError('ImportRefused', `the config made from ${c.inventory} does not validate; nothing was written`, { details: check.errors.map((p) => `${p.path}: ${p.message}`) });
      },
    },
    {
      title: 'Prove it: render the config and compare what every host sees',
      async run(c) {
        const loaded = validateText(c.text!, { release: c.checkout!.release });
        const dir = await tempDir(c, 'kspray-import-render-');
        for (const f of renderInventory(loaded.cluster!, { source: 'kspray.yaml', digest: configDigest(c.text!) })) await writeFileAtomic(join(dir, f.path), f.content, 0o600);
        const rendered = await resolveInventory(c.tool!, c.kubesprayDir, [join(dir, 'hosts.yaml')], c.env);
        c.fidelity = compareEffective(c.original!.effective, rendered.effective, c.mapping!.allowed, c.defaults!);
        const f = c.fidelity;
        if (f.differences.length)
          throw new KsprayError('ImportRefused', `${f.hosts} hosts, ${f.variables} variables, ${f.differences.length} difference(s): the config would change what hosts see; nothing was written`, {
            details: f.differences.slice(0, 40).map((d) => `${d.host}: ${d.variable}: ${show(d.original)} → ${show(d.rendered)}`),
            hint: 'report this as a kspray bug with the lines above; the inventory is unchanged',
          });
      },
    },
    {
      title: 'Write the config and copy credentials/',
      async run(c) {
        const name = (c.mapping!.config.metadata as { name: string }).name;
        const creds = join(await inventoryHome(c.inventory), 'credentials');
        if (existsSync(creds)) {
          // kubespray reads (and regenerates when missing) credentials_dir = {{ inventory_dir }}/credentials: the rendered inventory's
          const to = join(inventoryDir(dirname(c.configPath), name), 'credentials');
          await mkdir(dirname(to), { recursive: true, mode: 0o700 });
          await cp(creds, to, { recursive: true, force: c.force, errorOnExist: false });
          await privateTree(to);
          c.copied.push(to);
        }
        // the cluster runs this inventory, proven equal to the config's: the baseline `kspray plan` compares with
        const state = stateDir(dirname(c.configPath), name);
        await mkdir(state, { recursive: true, mode: 0o700 });
        await recordApplied(state, c.text!);
        c.copied.push(appliedFile(state));
        // last, so a failure above leaves no config behind and the import can simply run again
        await writeFileAtomic(c.configPath, c.text!);
      },
    },
  ];
}

/** spec.kubespray.path relative to the config when the checkout is beside or below it, else absolute. */
function configRelative(configPath: string, dir: string): string {
  const rel = relative(dirname(configPath), dir);
  return rel === '' ? '.' : rel.startsWith('..') ? dir : `./${rel}`;
}

const show = (v: unknown) => (v === undefined ? '(unset)' : JSON.stringify(v));

/** Secrets stay private whatever mode the originals had: 0700 directories, 0600 files. */
async function privateTree(dir: string): Promise<void> {
  await chmod(dir, 0o700);
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) await privateTree(p);
    else await chmod(p, 0o600);
  }
}

async function inventoryHome(inventory: string): Promise<string> {
  return (await stat(inventory)).isDirectory() ? inventory : dirname(inventory);
}

