// Runs a kubespray checkout's own inventory checks against the inventory rendered for a config, on this machine:
// rendered into a private temp dir (removed on every exit path), connection local, no facts, no become.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, open, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Cluster } from '../config/model.js';
import type { Problem } from '../config/problems.js';
import { parseYaml } from '../config/yaml-source.js';
import { KsprayError } from '../errors.js';
import { run, SubprocessError } from '../exec.js';
import { configDigest, renderInventory } from '../inventory/render.js';
import { checkoutEnv, displayCommand, type AnsibleCommand } from '../playbooks/argv.js';
import { parseEventLine } from '../playbooks/events.js';
import type { ChecksPlan } from './checks-playbook.js';
import { cachedChecksPlan } from './plan-cache.js';
import { cacheRoot } from '../paths.js';
import { readCheckout } from './checkout.js';
import { failureProblems, type CheckFailure } from './map-failures.js';
import { buildVarMap } from './var-map.js';

export interface ChecksInput {
  cluster: Cluster;
  /** the config text (for line numbers) and its file name (for the rendered header) */
  text: string;
  file: string;
  kubesprayDir: string;
  ansiblePlaybook: string;
  callbackDir: string;
  /** -e variables the flow passes to its playbooks (e.g. upgrade's kube_version) */
  extraVars?: Record<string, unknown>;
  signal?: AbortSignal;
}

export type ChecksOutcome =
  | { available: false; reason: string }
  | { available: true; problems: Problem[]; hostChecks: string[]; sources: string[]; command: string; durationMs: number };

const setupHint = 'run `kspray setup` (clones the configured tag and builds its venv), or set spec.kubespray.path / spec.kubespray.venv';

/** A checkout and an ansible-playbook to run it with, or a ToolMissing error saying how to get them. */
export function requireTools(i: Pick<ChecksInput, 'kubesprayDir' | 'ansiblePlaybook'>): void {
  if (!existsSync(join(i.kubesprayDir, 'ansible.cfg')))
    throw new KsprayError('ToolMissing', `no kubespray checkout at ${i.kubesprayDir} (spec.kubespray.path)`, { hint: setupHint });
  if (i.ansiblePlaybook.includes('/') && !existsSync(i.ansiblePlaybook))
    throw new KsprayError('ToolMissing', `${i.ansiblePlaybook} not found`, { hint: setupHint });
}

export function checksCommand(dir: string, i: Pick<ChecksInput, 'kubesprayDir' | 'ansiblePlaybook' | 'callbackDir' | 'extraVars'>): AnsibleCommand {
  // extra vars outrank the inventory: whatever it says about connections, nothing here reaches a host
  const extra = { ...(i.extraVars ?? {}), ansible_connection: 'local', ansible_become: false };
  return {
    argv: [i.ansiblePlaybook, '-i', join(dir, 'inventory', 'hosts.yaml'), '-e', JSON.stringify(extra), join(dir, 'checks.yml')],
    env: {
      ...checkoutEnv({ kubesprayDir: i.kubesprayDir, callbackDir: i.callbackDir, eventsFile: join(dir, 'events.jsonl') }),
      // no fact cache read or written: the checks must not see facts of any host
      ANSIBLE_CACHE_PLUGIN: 'memory',
      ANSIBLE_GATHERING: 'explicit',
      ANSIBLE_LOCALHOST_WARNING: 'False',
      ANSIBLE_INVENTORY_UNPARSED_WARNING: 'False',
    },
    cwd: i.kubesprayDir,
  };
}

/** Write the inventory and the checks into `dir`; undefined when the checkout has no checks to run. */
export async function prepareChecks(dir: string, i: ChecksInput): Promise<ChecksPlan | undefined> {
  const texts = await readCheckout(i.kubesprayDir);
  if (!texts) return undefined;
  const plan = await cachedChecksPlan(texts, dir, cacheRoot(process.env));
  const files = [...renderInventory(i.cluster, { source: i.file, digest: configDigest(i.text) }).map((f) => ({ ...f, path: join('inventory', f.path) })), ...plan.files];
  for (const f of files) {
    await mkdir(dirname(join(dir, f.path)), { recursive: true, mode: 0o700 });
    await writeFile(join(dir, f.path), f.content, { mode: 0o600 });
  }
  for (const l of plan.links) {
    await mkdir(dirname(join(dir, l.path)), { recursive: true, mode: 0o700 });
    await symlink(l.target, join(dir, l.path));
  }
  return plan;
}

export async function readFailures(eventsFile: string): Promise<CheckFailure[]> {
  const text = await readFile(eventsFile, 'utf8').catch(() => '');
  const out: CheckFailure[] = [];
  for (const line of text.split('\n')) {
    const e = parseEventLine(line);
    if (e?.type === 'host_failed') out.push({ host: e.host, task: e.task, msg: e.msg, ...(e.assertion !== undefined ? { assertion: e.assertion } : {}) });
  }
  return out;
}

export async function runKubesprayChecks(i: ChecksInput): Promise<ChecksOutcome> {
  requireTools(i);
  // mkdtemp makes it 0700: the inventory may carry secrets from extraVars
  const dir = await mkdtemp(join(tmpdir(), 'kspray-checks-'));
  const began = Date.now();
  try {
    const plan = await prepareChecks(dir, i);
    if (!plan?.sources.length) return { available: false, reason: `kubespray checks unavailable in this checkout (${i.kubesprayDir} has neither roles/validate_inventory nor roles/kubernetes/preinstall/tasks/0040-verify-settings.yml as kubespray runs them)` };
    const cmd = checksCommand(dir, i);
    // the results come from the events file: ansible's own output goes to a file, read only when ansible itself fails
    const stdoutFile = join(dir, 'ansible-stdout.log');
    const stdout = await open(stdoutFile, 'w', 0o600);
    let res;
    try {
      res = await run(cmd.argv, { cwd: cmd.cwd, env: cmd.env, stdoutFd: stdout.fd, ...(i.signal ? { signal: i.signal } : {}) });
    } catch (e) {
      if (e instanceof SubprocessError && e.kind === 'spawn-failed') throw new KsprayError('ToolMissing', `cannot run ${i.ansiblePlaybook}`, { hint: setupHint, cause: e });
      throw e;
    } finally {
      await stdout.close();
    }
    const failures = await readFailures(join(dir, 'events.jsonl'));
    // the checks ignore errors to report them all; a non-zero exit is ansible itself failing (syntax, a missing role)
    if (res.exitCode !== 0 && !failures.length)
      throw new KsprayError('SubprocessFailed', `kubespray's checks could not run (ansible-playbook exited with ${res.exitCode ?? res.signal})`, {
        details: (res.stderr.trim() || (await readFile(stdoutFile, 'utf8').catch(() => '')).trim()).split('\n').slice(-15),
        hint: 'run `kspray doctor` to check the checkout and its venv',
      });
    // the map back to config lines is only needed for failures
    const problems = failures.length ? failureProblems(failures, plan.tasks, i.cluster, buildVarMap(i.cluster), parseYaml(i.text).source) : [];
    return { available: true, problems, hostChecks: plan.hostChecks, sources: plan.sources, command: displayCommand(cmd, []), durationMs: Date.now() - began };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
