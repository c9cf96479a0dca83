// The test harness's "kubespray repository" for the release train: a local git repository whose tags carry the
// stand-in as that release (its galaxy.yml version, its Ansible range in requirements.txt), and per-requirements
// venvs that point at the lab's ansible-core venvs, as `kspray setup` would have built them (a warm cache).
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { labVenvFor, REPO_DIR } from '../lab/index.js';

const ANSIBLE: Record<string, string> = { '2.30': 'ansible-core>=2.17.3,<2.18', '2.31': 'ansible-core>=2.18.0,<2.19', '2.32': 'ansible-core>=2.19.0,<2.20' };

/** A play only the v2.31.0 tag has (kubespray v2.31 moves etcd to 3.6): the spot a test can fail the middle hop at. */
export const V231_TASK = 'Check the members before etcd 3.6';
const v231Play = `- name: Move etcd to 3.6 (kubespray v2.31)
  hosts: etcd
  gather_facts: false
  tasks:
    - name: ${V231_TASK}
      ansible.builtin.debug: { msg: "etcd 3.6" }

`;

const git = (args: string[], cwd: string) => execa('git', args, { cwd, env: { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } });

export const requirementsFor = (tag: string) => `${ANSIBLE[tag.slice(1).split('.').slice(0, 2).join('.')]}\njmespath==1.0.1\nnetaddr==1.2.1\n`;

/** Builds the repository with `tags` (oldest first) and the venv of each tag's requirements.txt under `cacheDir`. */
export async function buildTrainRepo(repo: string, cacheDir: string, tags: string[]): Promise<void> {
  fs.rmSync(repo, { recursive: true, force: true });
  fs.cpSync(path.join(REPO_DIR, 'test', 'kubespray'), repo, { recursive: true });
  await git(['init', '-q', '-b', 'master'], repo);
  for (const tag of tags) {
    const galaxy = path.join(repo, 'galaxy.yml');
    fs.writeFileSync(galaxy, fs.readFileSync(galaxy, 'utf8').replace(/^version: .*$/m, `version: ${tag.slice(1)}`));
    fs.writeFileSync(path.join(repo, 'requirements.txt'), requirementsFor(tag));
    const up = path.join(repo, 'playbooks', 'upgrade_cluster.yml');
    const base = fs.readFileSync(up, 'utf8').replace(v231Play, '');
    fs.writeFileSync(up, tag === 'v2.31.0' ? base.replace('- name: Verify hosts', `${v231Play}- name: Verify hosts`) : base);
    await git(['add', '-A'], repo);
    await git(['commit', '-qm', `kubespray ${tag} (stand-in)`], repo);
    await git(['tag', tag], repo);
    const venv = path.join(cacheDir, 'venvs', `kubespray-req-${createHash('sha256').update(requirementsFor(tag)).digest('hex').slice(0, 12)}`);
    fs.rmSync(venv, { recursive: true, force: true });
    fs.mkdirSync(venv, { recursive: true });
    fs.symlinkSync(path.join(labVenvFor(tag), 'bin'), path.join(venv, 'bin'));
    fs.writeFileSync(path.join(venv, '.kspray-complete'), '');
  }
}
