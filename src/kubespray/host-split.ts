// PURE: which of a kubespray task list can run on this machine without any host, derived from the tasks themselves.
// A task needs a live host when its action talks to one (command, stat, package, …) or when anything it evaluates
// reaches a gathered fact, a result registered by such a task, or a variable defined from either.

type Obj = Record<string, unknown>;
export type Task = Obj;

/** Actions Ansible runs on the controller without connecting. */
const controllerActions = new Set(['assert', 'fail', 'debug', 'set_fact', 'meta'].flatMap((a) => [a, `ansible.builtin.${a}`, `ansible.legacy.${a}`]));

const keywords = new Set([
  'name', 'when', 'vars', 'run_once', 'tags', 'register', 'changed_when', 'failed_when', 'loop', 'loop_control', 'ignore_errors',
  'check_mode', 'become', 'become_user', 'delegate_to', 'delegate_facts', 'environment', 'no_log', 'notify', 'until', 'retries',
  'delay', 'any_errors_fatal', 'args', 'listen', 'block', 'rescue', 'always', 'throttle', 'timeout', 'diff', 'ignore_unreachable',
  'module_defaults', 'collections', 'debugger', 'connection', 'remote_user', 'async', 'poll', 'local_action',
]);

/** Magic variables that name the run or the inventory, not the host's state. */
const notFacts = new Set([
  'ansible_limit', 'ansible_check_mode', 'ansible_diff_mode', 'ansible_version', 'ansible_play_hosts', 'ansible_play_hosts_all',
  'ansible_play_batch', 'ansible_play_name', 'ansible_run_tags', 'ansible_skip_tags', 'ansible_inventory_sources', 'ansible_forks',
  'ansible_verbosity', 'ansible_loop', 'ansible_loop_var', 'ansible_index_var', 'ansible_parent_role_names', 'ansible_role_names',
  'ansible_collection_name', 'ansible_search_path', 'ansible_config_file', 'ansible_playbook_python', 'ansible_host', 'ansible_port',
  'ansible_user', 'ansible_connection', 'ansible_become', 'ansible_role_name', 'ansible_dependent_role_names',
]);

function isFact(w: string): boolean {
  return w.startsWith('ansible_') && !notFacts.has(w);
}

/** where this module is loaded from: plans are cached per version of this code (plan-cache.ts) */
export const moduleUrl = import.meta.url;
export const actionOf = (t: Task): string | undefined => Object.keys(t).find((k) => !keywords.has(k) && !k.startsWith('with_'));

/** Identifiers a value evaluates: every word of a bare conditional, only the `{{ }}`/`{% %}` parts of other strings. */
function words(v: unknown, bare: boolean, out: Set<string>): Set<string> {
  if (typeof v === 'string') {
    const parts = bare ? [v] : [...v.matchAll(/\{\{([\s\S]*?)\}\}|\{%([\s\S]*?)%\}/g)].map((m) => m[1] ?? m[2] ?? '');
    // quoted literals ('Debian', "systemd") are data, not variables, except a fact named in one ('value.ansible_default_ipv4')
    for (const p of parts) {
      for (const m of p.replace(/'[^']*'|"[^"]*"/g, ' ').matchAll(/[A-Za-z_][A-Za-z0-9_]*/g)) out.add(m[0]);
      for (const m of p.matchAll(/\bansible_[A-Za-z0-9_]+/g)) if (isFact(m[0])) out.add(m[0]);
    }
  } else if (Array.isArray(v)) for (const x of v) words(x, bare, out);
  else if (v && typeof v === 'object') for (const x of Object.values(v)) words(x, bare, out);
  return out;
}

const conditionalKeys = new Set(['when', 'that', 'failed_when', 'changed_when', 'until']);

/** Every identifier a task (or a block with its children) would evaluate. */
export function taskWords(t: Task): Set<string> {
  const out = new Set<string>();
  const walk = (o: Obj) => {
    for (const [k, v] of Object.entries(o)) {
      if (k === 'name' || k === 'tags') continue;
      if (k === 'block' || k === 'rescue' || k === 'always') {
        if (Array.isArray(v)) for (const c of v) if (c && typeof c === 'object') walk(c as Obj);
        continue;
      }
      if (conditionalKeys.has(k)) words(v, true, out);
      else if (v && typeof v === 'object' && !Array.isArray(v) && actionOf(o) === k) {
        // an assert's `that` is a bare conditional; its msg and other args are templates
        for (const [ak, av] of Object.entries(v as Obj)) words(av, conditionalKeys.has(ak), out);
      } else words(v, false, out);
    }
  };
  walk(t);
  return out;
}


export interface Split {
  /** tasks that run here, in their order (blocks keep only their host-independent children) */
  kept: Task[];
  /** names of tasks left to the host */
  hostBound: string[];
}

/**
 * Split task lists run in order (as a role runs them). `defs` are the variables visible to them (role defaults and
 * vars): one defined from a fact is as host-bound as the fact.
 */
export function splitTasks(lists: Task[][], defs: Obj): Split[] {
  const tainted = new Set<string>();
  const taintDefs = () => {
    for (let changed = true; changed; ) {
      changed = false;
      for (const [k, v] of Object.entries(defs)) {
        if (tainted.has(k)) continue;
        const ws = words(v, false, new Set());
        if ([...ws].some((w) => isFact(w) || tainted.has(w))) {
          tainted.add(k);
          changed = true;
        }
      }
    }
  };
  taintDefs();
  const bound = (t: Task) => {
    const a = actionOf(t);
    if (!t.block && (!a || !controllerActions.has(a))) return true;
    return [...taskWords(t)].some((w) => isFact(w) || tainted.has(w));
  };
  const drop = (t: Task, hostBound: string[]) => {
    if (typeof t.register === 'string') tainted.add(t.register);
    const a = actionOf(t);
    if (a && (a === 'set_fact' || a.endsWith('.set_fact')) && t[a] && typeof t[a] === 'object') for (const k of Object.keys(t[a] as Obj)) tainted.add(k);
    if (typeof t.name === 'string') hostBound.push(t.name);
    taintDefs();
  };
  const visit = (tasks: Task[], hostBound: string[]): Task[] => {
    const kept: Task[] = [];
    for (const t of tasks) {
      if (Array.isArray(t.block)) {
        const { block, ...rest } = t;
        const head = [...taskWords(rest as Task)].some((w) => isFact(w) || tainted.has(w));
        if (head) {
          for (const c of block as Task[]) drop(c, hostBound);
          continue;
        }
        const inner = visit(block as Task[], hostBound);
        if (inner.length) kept.push({ ...rest, block: inner });
        continue;
      }
      if (bound(t)) drop(t, hostBound);
      else kept.push(t);
    }
    return kept;
  };
  return lists.map((l) => {
    const hostBound: string[] = [];
    return { kept: visit(l, hostBound), hostBound };
  });
}
