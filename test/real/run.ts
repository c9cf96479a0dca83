// Real kubespray playbooks run against lab hosts exactly as kspray runs them (src/playbooks/argv.ts and kspray's settings).
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml, stringify } from 'yaml';
import { validateText } from '../../src/config-text.js';
import type { Cluster } from '../../src/config/model.js';
import { ansibleCommand, forksFor, type AnsibleSettings, type PlaybookInvocation } from '../../src/playbooks/argv.js';
import { packagePath } from '../../src/paths.js';
import { labConfig } from '../lab/config-file.js';
import type { LabInfo } from '../lab/info.js';
import { run, type RunResult } from '../lab/proc.js';
import type { RealKubespray } from './kubespray.js';

/** The lab's kspray config, for the ref's release, its checkout and its venv. */
export function labCluster(info: LabInfo, k: RealKubespray): Cluster {
  const cfg = labConfig(info) as { spec: Record<string, unknown> };
  cfg.spec.kubespray = { version: k.release.tag, path: k.dir, venv: k.venv };
  cfg.spec.kubernetes = { version: `v${k.release.defaultKube}` };
  // the stand-in's own binaries mean nothing to real kubespray
  cfg.spec.extraVars = {};
  const v = validateText(stringify(cfg));
  if (v.errors.length || !v.cluster) throw new Error(`lab config for ${k.ref} is invalid: ${v.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
  return v.cluster;
}

/** kspray's Ansible settings for a cluster state dir (known_hosts pinned, per-cluster fact cache, forks for every host). */
export function kspraySettings(info: LabInfo, k: RealKubespray, c: Cluster, stateDir: string, inventoryFile: string): AnsibleSettings {
  for (const d of ['cp', 'facts']) fs.mkdirSync(path.join(stateDir, d), { recursive: true, mode: 0o700 });
  return {
    kubesprayDir: k.dir,
    ansiblePlaybook: path.join(k.venv, 'bin/ansible-playbook'),
    inventoryFile,
    user: info.sshUser,
    privateKey: info.keyFile,
    knownHostsFile: info.knownHostsFile,
    controlPathDir: path.join(stateDir, 'cp'),
    factCacheDir: path.join(stateDir, 'facts'),
    forks: forksFor(c.hosts.length),
    eventsFile: path.join(stateDir, 'events.jsonl'),
    callbackDir: packagePath('templates', 'ansible', 'callback'),
  };
}

export async function runAsKspray(inv: PlaybookInvocation, s: AnsibleSettings, extraEnv: Record<string, string> = {}): Promise<RunResult & { output: string }> {
  const cmd = ansibleCommand(inv, s);
  const r = await run(cmd.argv, { cwd: cmd.cwd, env: { ...process.env, PATH: `${path.dirname(s.ansiblePlaybook)}:${process.env.PATH ?? ''}`, ...cmd.env, ...extraEnv }, allowFail: true, timeoutMs: 900_000 });
  return { ...r, output: r.stdout + r.stderr };
}

/** Hosts with a fact cache entry that has what kubespray's --limit check looks at (ansible_default_ipv4). */
export function cachedHosts(factCacheDir: string): string[] {
  return fs
    .readdirSync(factCacheDir)
    .filter((f) => {
      try {
        return Boolean((JSON.parse(fs.readFileSync(path.join(factCacheDir, f), 'utf8')) as Record<string, unknown>).ansible_default_ipv4);
      } catch {
        return false;
      }
    })
    .sort();
}

export const LIMIT_CHECK_TASK = "Stop if any host not in '--limit' does not have a fact cache";
/** the variables kspray renders into group_vars/k8s_cluster that every play of a --limit run needs on every host */
export const VIEWED_VARS = ['kube_version', 'kube_network_plugin', 'kube_pods_subnet'];

/** Real kubespray's --limit fact-cache check, as the tag has it (undefined when the tag has none). */
export function realLimitCheck(k: RealKubespray): Record<string, unknown> | undefined {
  const file = path.join(k.dir, 'roles/kubernetes/preinstall/tasks/0040-verify-settings.yml');
  const tasks = parseYaml(fs.readFileSync(file, 'utf8')) as Record<string, unknown>[];
  return tasks.find((t) => t.name === LIMIT_CHECK_TASK);
}

/**
 * A playbook of kubespray's own boilerplate (the groups it builds at run time) followed by a play that writes what
 * every host's group vars look like to `viewFile`, then runs the tag's real --limit fact-cache check.
 */
export function writeLimitPlaybook(k: RealKubespray, file: string, viewFile: string): void {
  const check = realLimitCheck(k);
  const play = {
    name: 'kspray test: group vars of every host and the --limit fact-cache check',
    hosts: 'k8s_cluster',
    gather_facts: false,
    vars: { ignore_assert_errors: false },
    tasks: [
      {
        name: 'kspray test: write every host group vars',
        run_once: true,
        become: false,
        delegate_to: 'localhost',
        'ansible.builtin.copy': {
          dest: viewFile,
          mode: '0600',
          content: `{ {%- for h in groups['all'] -%} "{{ h }}": { {%- for v in ${JSON.stringify(VIEWED_VARS).replace(/"/g, "'")} -%} "{{ v }}": {{ hostvars[h][v] | default('UNDEFINED') | to_json }}{{ '' if loop.last else ', ' }} {%- endfor -%} }{{ '' if loop.last else ', ' }} {%- endfor -%} }\n`,
        },
      },
      ...(check ? [check] : []),
    ],
  };
  fs.writeFileSync(file, stringify([{ name: "kubespray's common plays", 'ansible.builtin.import_playbook': path.join(k.dir, 'playbooks/boilerplate.yml') }, play]));
}
