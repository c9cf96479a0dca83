// kspray certs and certs renew offline: --local without SSH, bad arguments refused, the renewal plan.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exampleText, repoPath } from '../unit/helpers.js';
import { hasStackTrace, kspray, tempDir } from './helpers.js';

const fixture = (f: string) => repoPath('test', 'fixtures', 'certs', f);

describe('kspray certs (offline)', () => {
  it('--local lists the files given, soonest first, and names a file that is no certificate', async () => {
    const cwd = tempDir();
    const r = await kspray(cwd, ['certs', '--local', fixture('apiserver.crt'), fixture('notes.txt'), '-o', 'json']);
    const res = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { certificates: { where: string; file: string }[]; problems: { file: string }[]; hosts: unknown[] };
    expect(res.certificates.map((c) => [c.where, c.file])).toEqual([['local', fixture('apiserver.crt')]]);
    expect(res.problems.map((p) => p.file)).toEqual([fixture('notes.txt')]);
    expect(res.hosts).toEqual([]);
    expect([0, 10, 11]).toContain(r.code);
  });

  it('--warn-days that is no number: exit 2, no stack trace', async () => {
    const r = await kspray(tempDir(), ['certs', '--local', fixture('ca.crt'), '--warn-days', 'soon']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--warn-days "soon" is not a whole number of days/);
    expect(hasStackTrace(r.stderr)).toBe(false);
  });

  it('certs renew --dry-run plans one control plane at a time and touches nothing', async () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'kspray.yaml'), exampleText('homelab'));
    const r = await kspray(cwd, ['certs', 'renew', '--dry-run', '-o', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const plan = (JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { plan: { phase: string; actions: string[] }[] }).plan;
    expect(plan.map((p) => p.phase)).toEqual(['Check the control planes', 'Renew kubeadm certificates, one control plane at a time', 'Fetch the renewed admin.conf from a control plane', 'Write the kubeconfig', 'Read the certificates again']);
    const renew = plan[1]!.actions;
    expect(renew.filter((a) => a.includes('kubeadm certs renew all')).length).toBe(renew.length / 2);
    expect(renew[1]).toMatch(/wait until https:\/\/.+\/readyz answers ok/);
    expect(readFileSync(join(cwd, 'kspray.yaml'), 'utf8')).toBe(exampleText('homelab'));
  });

  it('certs renew without --yes and without a terminal refuses (exit 9)', async () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'kspray.yaml'), exampleText('homelab'));
    const r = await kspray(cwd, ['certs', 'renew']);
    expect(r.code).toBe(9);
    expect(r.stderr).toMatch(/pass --yes/);
  });
});
