// PURE: a failed kubespray check → a problem at the config path (and line) that produced what the check evaluated.
import type { Cluster } from '../config/model.js';
import type { Problem } from '../config/problems.js';
import { lineOf, type YamlSource } from '../config/yaml-source.js';
import { parsePath } from '../config/problems.js';
import { taskWords, type Task } from './host-split.js';
import { pathsOf, type VarMap } from './var-map.js';

export interface CheckFailure {
  host: string;
  /** as Ansible names it: "role : task name" */
  task: string;
  msg: string;
  assertion?: string;
}

const groupWords = new Set(['groups', 'group_names', 'kube_control_plane', 'etcd', 'kube_node', 'k8s_cluster', 'calico_rr']);

export function ruleSlug(task: string): string {
  const s = task
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  // long names are cut at a word boundary
  return s.length > 64 ? s.slice(0, 65).replace(/-[^-]*$/, '') : s;
}

/** The check's own name, without the role prefix Ansible adds. */
export const bareTaskName = (task: string) => task.replace(/^[^:]*? : /, '');

export function findTask(tasks: Map<string, Task>, name: string): Task | undefined {
  const bare = bareTaskName(name);
  const direct = tasks.get(name) ?? tasks.get(bare);
  if (direct) return direct;
  // names with templates ("Check {{ minimal_ansible_version }} <= …") arrive rendered
  for (const [n, t] of tasks) {
    if (!n.includes('{{')) continue;
    const re = new RegExp('^' + n.split(/\{\{.*?\}\}/).map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$');
    if (re.test(bare)) return t;
  }
  return undefined;
}

const identifiers = (s: string | undefined) => new Set([...(s ?? '').matchAll(/[A-Za-z_][A-Za-z0-9_]*/g)].map((m) => m[0]));

/** Config paths a failed check read: those of its failed expression, else of its `that`, else of anything it evaluates. */
export function pathsForFailure(f: CheckFailure, task: Task | undefined, c: Cluster, vm: VarMap): string[] {
  const host = c.hosts.find((h) => h.name === f.host);
  const named = [...identifiers(f.msg)].filter((w) => Object.hasOwn(c.config.spec.extraVars, w));
  const that = (task?.assert as Record<string, unknown> | undefined)?.that;
  const resolve = (ws: Iterable<string>) => {
    const out: string[] = [];
    for (const w of ws) {
      if (w === 'inventory_hostname' && host) out.push(`spec.hosts[${host.index}].name`);
      else if (groupWords.has(w)) out.push('spec.hosts');
      else if (w === 'ansible_version') out.push('spec.kubespray.venv');
      else out.push(...pathsOf(vm, c, w, f.host));
    }
    return [...new Set(out)];
  };
  for (const ws of [[...identifiers(f.assertion), ...named], [...identifiers(JSON.stringify(that ?? '')), ...named], task ? [...taskWords(task)] : []]) {
    // an override in extraVars is the likelier cause than the modelled value next to it
    const paths = resolve(ws).sort((a, b) => Number(b.startsWith('spec.extraVars.')) - Number(a.startsWith('spec.extraVars.')));
    if (paths.length) return paths;
  }
  return [];
}

export function failureProblem(f: CheckFailure, tasks: Map<string, Task>, c: Cluster, vm: VarMap, src: YamlSource): Problem {
  const task = findTask(tasks, f.task);
  const name = bareTaskName(f.task);
  const paths = pathsForFailure(f, task, c, vm);
  // a check of the release's own defaults (no config value involved) is about the release chosen
  const path = paths[0] ?? 'spec.kubespray.version';
  const generic = !f.msg || f.msg === 'Assertion failed' || f.msg === 'All assertions passed';
  const line = lineOf(src, parsePath(path));
  return {
    severity: 'error',
    rule: `kubespray/${ruleSlug(name)}`,
    path,
    ...(line !== undefined ? { line } : {}),
    message: `kubespray ${c.config.spec.kubespray.version} rejects it (${name}): ${generic ? `assertion failed: ${f.assertion ?? 'see the task'}` : f.msg.trim()}`,
    fix: `change ${paths.length > 1 ? paths.join(', ') : path} so that kubespray's check passes${f.assertion && !generic && !/^(True|False)$/.test(f.assertion) ? ` (${f.assertion})` : ''}`,
  };
}

/** One problem per distinct failure: a run_once check fails once, a per-host one on each host it rejects. */
export function failureProblems(fs: CheckFailure[], tasks: Map<string, Task>, c: Cluster, vm: VarMap, src: YamlSource): Problem[] {
  const seen = new Set<string>();
  const out: Problem[] = [];
  for (const f of fs) {
    const p = failureProblem(f, tasks, c, vm, src);
    const key = `${p.rule}\0${p.path}\0${p.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(p);
  }
  return out;
}
