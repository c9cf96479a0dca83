// Runs the stand-in's playbooks the way kspray runs kubespray (cwd, argv, env) — for lab tests and the demo.
import fs from 'node:fs';
import path from 'node:path';
import type { LabInfo } from './info.js';
import { start, type RunResult } from './proc.js';

export interface PlaybookRun {
  inventory: string;
  playbook: string;
  /** per-cluster state dir: ControlPath sockets (cp/) and fact cache (facts/) live here */
  clusterDir: string;
  extraVars?: Record<string, unknown>;
  limit?: string;
  env?: Record<string, string>;
  forks?: number;
}

export function kubesprayEnv(info: LabInfo, clusterDir: string, forks = 10): Record<string, string> {
  const cp = path.join(clusterDir, 'cp');
  fs.mkdirSync(cp, { recursive: true, mode: 0o700 });
  fs.mkdirSync(path.join(clusterDir, 'facts'), { recursive: true, mode: 0o700 });
  return {
    ANSIBLE_HOST_KEY_CHECKING: 'True',
    ANSIBLE_SSH_ARGS: `-o ControlMaster=auto -o ControlPersist=60s -o ControlPath=${cp}/%C -o UserKnownHostsFile=${info.knownHostsFile} -o StrictHostKeyChecking=yes`,
    ANSIBLE_CACHE_PLUGIN_CONNECTION: path.join(clusterDir, 'facts'),
    ANSIBLE_FORKS: String(forks),
    ANSIBLE_PIPELINING: 'True',
    ANSIBLE_NOCOLOR: '1',
    ANSIBLE_RETRY_FILES_ENABLED: 'False',
  };
}

export function playbookArgv(info: LabInfo, r: PlaybookRun): string[] {
  const argv = [path.join(info.venv, 'bin/ansible-playbook'), '-i', r.inventory, '-b', '--user', info.sshUser, '--private-key', info.keyFile];
  if (r.limit) argv.push('--limit', r.limit);
  if (r.extraVars) argv.push('-e', JSON.stringify(r.extraVars));
  argv.push(r.playbook);
  return argv;
}

/** Start ansible-playbook; `done` resolves with its exit (never rejects on a non-zero exit). */
export function startPlaybook(info: LabInfo, r: PlaybookRun) {
  const env = { ...process.env, ...kubesprayEnv(info, r.clusterDir, r.forks), ...r.env };
  return start(playbookArgv(info, r), { cwd: info.kubesprayPath, env });
}

export async function runPlaybook(info: LabInfo, r: PlaybookRun): Promise<RunResult & { output: string }> {
  const p = startPlaybook(info, r);
  const res = await p.done;
  return { ...res, output: res.stdout + res.stderr };
}
