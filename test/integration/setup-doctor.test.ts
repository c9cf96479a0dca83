// kspray setup clones a release from a (local) git repository and builds its venv; kspray doctor judges the machine.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_DIR } from '../lab/index.js';
import { kspray, writeSetupConfig } from './helpers.js';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'kspray-setup-'));
const upstream = path.join(work, 'upstream');
const config = path.join(work, 'kspray.yaml');

const git = (args: string[], cwd = upstream) => execa('git', args, { cwd, env: { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } });

beforeAll(async () => {
  // a stand-in "kubespray repository" with release tags, as a mirror would have
  fs.cpSync(path.join(REPO_DIR, 'test', 'kubespray'), upstream, { recursive: true });
  await git(['init', '-q', '-b', 'master']);
  await git(['add', '-A']);
  await git(['commit', '-qm', 'stand-in']);
  await git(['tag', 'v2.25.0']);
  await git(['commit', '-q', '--allow-empty', '-m', 'next release']);
  await git(['tag', 'v2.25.1']);
  writeSetupConfig(work, {
    name: 'setup-test',
    kubespray: `version: v2.25.0, path: ./kubespray, repository: ${upstream}, venv: ./venv`,
    kubernetes: 'v1.29.5',
    extra: '  dns: { domain: cluster.local }\n  etcd: { quotaBackendBytes: 2147483648 }\n',
  });
}, 60_000);

describe('setup and doctor', () => {
  it('doctor reports what is missing before setup, exit 12', async () => {
    const r = await kspray(['-c', config, 'doctor', '-o', 'json'], { cwd: work });
    expect(r.code).toBe(12);
    const checks = JSON.parse(r.stdout).checks as { check: string; ok: boolean }[];
    expect(checks.find((c) => c.check === 'kubespray checkout')?.ok).toBe(false);
    expect(checks.find((c) => c.check === 'host keys')?.ok).toBe(false);
  });

  it('setup clones the tag and creates a venv from its requirements.txt', async () => {
    const r = await kspray(['-c', config, 'setup'], { cwd: work, timeoutMs: 600_000 });
    expect(r.code, r.all).toBe(0);
    expect((await execa('git', ['-C', path.join(work, 'kubespray'), 'describe', '--tags', '--exact-match'])).stdout).toBe('v2.25.0');
    expect(fs.existsSync(path.join(work, 'venv', 'bin', 'ansible-playbook'))).toBe(true);
  }, 600_000);

  it('doctor then passes everything but the unpinned host key', async () => {
    const r = await kspray(['-c', config, 'doctor', '-o', 'json'], { cwd: work });
    const checks = JSON.parse(r.stdout).checks as { check: string; ok: boolean; detail: string }[];
    for (const name of ['ansible-playbook', 'python modules', 'kubespray checkout', 'ssh key']) expect(checks.find((c) => c.check === name)?.ok, name).toBe(true);
    expect(checks.find((c) => c.check === 'host keys')?.detail).toMatch(/not pinned: cp1/);
    expect(r.code).toBe(12);
  });

  it('doctor notices a checkout at another release', async () => {
    await git(['checkout', '-q', 'v2.25.1'], path.join(work, 'kubespray')).catch(async () => {
      await git(['fetch', '-q', '--depth', '1', 'origin', 'tag', 'v2.25.1'], path.join(work, 'kubespray'));
      await git(['checkout', '-q', 'v2.25.1'], path.join(work, 'kubespray'));
    });
    const r = await kspray(['-c', config, 'doctor'], { cwd: work });
    expect(r.stdout).toMatch(/is at v2\.25\.1 \(config: v2\.25\.0\)/);
  });
});
