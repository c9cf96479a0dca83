// kspray setup for a release train against real kubespray: two consecutive tags of the real history (the git bundle
// in ../shared/kubespray) checked out side by side, each with the venv of its own requirements.txt.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { requirementsVenvDir } from '../../src/paths.js';
import { BUNDLE, realSkipReason } from '../real/kubespray.js';
import { kspray, writeSetupConfig } from './helpers.js';

const skip = realSkipReason();
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'kspray-train-setup-'));
const config = path.join(work, 'kspray.yaml');
const tagOf = async (dir: string) => (await execa('git', ['-C', dir, 'describe', '--tags', '--exact-match'])).stdout;

describe.skipIf(skip)(`kspray setup --to: the train's tags side by side${skip ? ` (${skip})` : ''}`, () => {
  it('checks out v2.27.1 and v2.28.1 beside each other, each with the venv of its requirements.txt', async () => {
    writeSetupConfig(work, { name: 'train-setup', kubespray: `version: v2.27.1, path: ./kubespray, repository: ${BUNDLE}`, kubernetes: 'v1.31.9' });
    const r = await kspray(['-c', config, 'setup', '--to', 'v1.32.8'], { cwd: work, timeoutMs: 1_500_000 });
    expect(r.code, r.all).toBe(0);
    const dirs = { 'v2.27.1': path.join(work, 'kubespray'), 'v2.28.1': path.join(work, 'kubespray-v2.28.1') };
    for (const [tag, dir] of Object.entries(dirs)) {
      expect(await tagOf(dir)).toBe(tag);
      const venv = requirementsVenvDir(process.env, fs.readFileSync(path.join(dir, 'requirements.txt')));
      expect(fs.existsSync(path.join(venv, '.kspray-complete')), venv).toBe(true);
      const v = await execa(path.join(venv, 'bin', 'ansible-playbook'), ['--version']);
      expect(v.stdout).toMatch(/core 2\.16\./);
    }
    // doctor sees the one hop ready
    const d = await kspray(['-c', config, 'doctor', '--to', 'v1.32.8', '-o', 'json'], { cwd: work });
    const train = (JSON.parse(d.stdout).checks as { check: string; ok: boolean; detail: string }[]).find((c) => c.check === 'release train');
    expect(train, d.all).toMatchObject({ ok: true, detail: 'v2.27.1/v1.31.9 → v2.28.1: 1/1 hop ready' });
  }, 1_600_000);
});
