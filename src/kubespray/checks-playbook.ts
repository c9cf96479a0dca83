// PURE: the playbook that runs a kubespray checkout's own inventory checks on this machine, built from the checkout's
// files: its boilerplate up to validate_inventory (version check, group setup, the role), then the host-independent
// part of the preinstall role's settings checks (0020 first, as the role runs it), with the tag's defaults role.
import { parse, stringify } from 'yaml';
import { splitTasks, type Task } from './host-split.js';

type Obj = Record<string, unknown>;

/** The files of a checkout the checks come from (texts as read; undefined when the tag has no such file). */
export interface CheckoutTexts {
  /** absolute path of the checkout */
  dir: string;
  defaultsRole: string;
  /** its subdirectories: up to v2.27 it also has tasks, which gather facts from every host */
  defaultsRoleDirs: string[];
  boilerplate?: string;
  ansibleVersion?: string;
  clusterPlaybook?: string;
  validateInventory?: string;
  setFacts?: string;
  verify?: string;
  preinstallDefaults?: string;
  preinstallVars?: string;
}

export interface ChecksPlan {
  /** files to write into the private dir, relative to it */
  files: { path: string; content: string }[];
  /** symlinks to make there (relative path → absolute target) */
  links: { path: string; target: string }[];
  playbook: string;
  /** every check task by name, to read back what a failed one evaluated */
  tasks: Map<string, Task>;
  /** checks of the preinstall role left to the host (deploy's preflight on it runs them) */
  hostChecks: string[];
  /** where the checks come from, for the output; empty when the checkout has none kspray can run */
  sources: string[];
}

/** where this module is loaded from: plans are cached per version of this code (plan-cache.ts) */
export const moduleUrl = import.meta.url;
export const PREINSTALL_ROLE = 'kubespray_preinstall_checks';
export const DEFAULTS_ROLE = 'kubespray_defaults_vars';

const asList = (text: string | undefined): Obj[] => {
  const v = text === undefined ? undefined : (parse(text) as unknown);
  return Array.isArray(v) ? (v as Obj[]) : [];
};
const asMap = (text: string | undefined): Obj => {
  const v = text === undefined ? undefined : (parse(text) as unknown);
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {};
};

const roleName = (r: unknown) => (typeof r === 'string' ? r : r && typeof r === 'object' ? String((r as Obj).role ?? (r as Obj).name ?? '') : '');
const roleNames = (play: Obj) => (Array.isArray(play.roles) ? play.roles.map(roleName) : []);
const tasksOf = (play: Obj) => (Array.isArray(play.tasks) ? (play.tasks as Task[]) : []);

/** Only what concerns the inventory: nothing here may reach a host, whatever the inventory says. */
const local = (play: Obj): Obj => ({ ...play, gather_facts: false, become: false, connection: 'local', ignore_errors: true });

/** The leading plays of the boilerplate that set up and check the inventory (they stop at the first one that does more). */
function inventoryPlays(t: CheckoutTexts): Obj[] {
  const out: Obj[] = [];
  for (const entry of asList(t.boilerplate)) {
    const imported = entry.import_playbook;
    if (typeof imported === 'string') {
      if (!imported.endsWith('ansible_version.yml')) break;
      out.push(...asList(t.ansibleVersion).map(local));
      continue;
    }
    const roles = roleNames(entry);
    const tasks = tasksOf(entry);
    const setup = roles.every((r) => r === 'dynamic_groups' || r === 'validate_inventory') && tasks.every((x) => 'group_by' in x || 'ansible.builtin.group_by' in x);
    if (!setup || (!roles.length && !tasks.length)) break;
    out.push(local(entry));
  }
  return out;
}

/** The hosts the preinstall role runs on in cluster.yml (k8s_cluster:etcd in every tag so far). */
function preinstallHosts(t: CheckoutTexts): string {
  const play = asList(t.clusterPlaybook).find((p) => roleNames(p).includes('kubernetes/preinstall'));
  return typeof play?.hosts === 'string' ? play.hosts : 'k8s_cluster:etcd';
}

export function checksPlan(t: CheckoutTexts, dir: string): ChecksPlan {
  const plays = inventoryPlays(t);
  const tasks = new Map<string, Task>();
  const remember = (list: Task[]) => {
    for (const x of list) {
      if (typeof x.name === 'string') tasks.set(x.name, x);
      if (Array.isArray(x.block)) remember(x.block as Task[]);
    }
  };
  for (const p of plays) remember(tasksOf(p));
  const sources: string[] = [];
  // the role counts only where the boilerplate runs it the way kubespray does
  if (t.validateInventory !== undefined && plays.some((p) => roleNames(p).includes('validate_inventory'))) {
    remember(asList(t.validateInventory));
    sources.push('roles/validate_inventory');
  }
  const files: ChecksPlan['files'] = [];
  const links: ChecksPlan['links'] = [];
  let hostChecks: string[] = [];
  if (t.verify !== undefined) {
    const defs = { ...asMap(t.preinstallDefaults), ...asMap(t.preinstallVars) };
    const [facts, verify] = splitTasks([asList(t.setFacts), asList(t.verify)], defs);
    const kept = [...facts!.kept, ...verify!.kept];
    remember(verify!.kept);
    hostChecks = verify!.hostBound;
    const role = `roles/${PREINSTALL_ROLE}`;
    // the defaults role's variables without its tasks (those gather facts from every host)
    let defaultsRole = t.defaultsRole;
    if (t.defaultsRoleDirs.includes('tasks')) {
      defaultsRole = `${dir}/roles/${DEFAULTS_ROLE}`;
      for (const sub of t.defaultsRoleDirs.filter((d) => d === 'defaults' || d === 'vars'))
        links.push({ path: `roles/${DEFAULTS_ROLE}/${sub}`, target: `${t.dir}/roles/${t.defaultsRole}/${sub}` });
    }
    // role defaults and vars copied as written: the same precedence and laziness as in the real role
    if (t.preinstallDefaults !== undefined) files.push({ path: `${role}/defaults/main.yml`, content: t.preinstallDefaults });
    if (t.preinstallVars !== undefined) files.push({ path: `${role}/vars/main.yml`, content: t.preinstallVars });
    files.push({ path: `${role}/tasks/main.yml`, content: stringify(kept.length ? kept : [{ name: 'No host-independent settings checks', meta: 'noop' }], { lineWidth: 0 }) });
    plays.push(
      local({
        name: 'kubespray settings checks that need no host (roles/kubernetes/preinstall)',
        hosts: preinstallHosts(t),
        roles: [defaultsRole, `${dir}/${role}`],
      }),
    );
    sources.push('roles/kubernetes/preinstall/tasks/0040-verify-settings.yml');
  }
  const playbook = stringify(plays, { lineWidth: 0 });
  files.push({ path: 'checks.yml', content: playbook });
  return { files, links, playbook, tasks, hostChecks, sources };
}
