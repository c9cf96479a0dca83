// Flows run real kubespray's own inventory checks before their first playbook: a config kubespray rejects stops
// `deploy` at the "Kubespray checks" phase with kubespray's message, before any playbook reaches a host.
import fs from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { realKubespray } from './real-kubespray.js';
import { useLab } from './helpers.js';

const rk = realKubespray('v2.31.0');
const skip = 'skip' in rk ? rk.skip : undefined;

describe.skipIf(skip)(`deploy against real kubespray v2.31.0${skip ? ` (skipped: ${skip})` : ''}`, () => {
  const lab = useLab('kschecks', 73);

  /** The lab's config on the real checkout, with extra vars of the test's own. */
  function useRealCheckout(extraVars: Record<string, unknown>): void {
    const real = rk as { dir: string; venv: string };
    const doc = parse(fs.readFileSync(lab.config, 'utf8')) as { spec: Record<string, Record<string, unknown>> };
    doc.spec.kubespray = { version: 'v2.31.0', path: real.dir, venv: real.venv };
    doc.spec.kubernetes = { version: 'v1.34.3' };
    doc.spec.extraVars = { ...doc.spec.extraVars, ...extraVars };
    fs.writeFileSync(lab.config, stringify(doc, { lineWidth: 0 }));
  }

  it('stops at the checks with kubespray\'s message at the config line, and runs no playbook', async () => {
    useRealCheckout({ kube_version_min_required: '1.99.0' });
    const plan = await lab.run(['deploy', '--dry-run', '--ignore-preflight', 'systemd']);
    expect(plan.code, plan.all).toBe(0);
    expect(plan.stdout).toMatch(/^1\. Kubespray checks$/m);

    const r = await lab.run(['deploy', '--ignore-preflight', 'systemd']);
    expect(r.code, r.all).toBe(3);
    expect(r.all).toMatch(/==> Kubespray checks/);
    expect(r.all).toMatch(/spec\.extraVars\.kube_version_min_required \(line \d+\): .*only support newer version of Kubernetes than 1\.99\.0/);
    const runs = path.join(path.dirname(lab.config), '.kspray', 'runs');
    const last = fs.readdirSync(runs).sort().at(-1)!;
    const result = JSON.parse(fs.readFileSync(path.join(runs, last, 'result.json'), 'utf8')) as { steps: { title: string; status: string }[]; status: string };
    expect(result.status).toBe('failed');
    expect(result.steps.map((s) => [s.title, s.status])).toEqual([['Kubespray checks', 'failed']]);
    // no kubespray playbook ever ran against the hosts
    const log = path.join(runs, last, 'ansible.log');
    expect(fs.existsSync(log) ? fs.readFileSync(log, 'utf8') : '').not.toMatch(/cluster\.yml|PLAY \[k8s_cluster/);
  });

  it('--skip-kubespray-checks leaves the phase out of the plan', async () => {
    const plan = await lab.run(['deploy', '--dry-run', '--skip-kubespray-checks', '--ignore-preflight', 'systemd']);
    expect(plan.code, plan.all).toBe(0);
    expect(plan.stdout).not.toMatch(/Kubespray checks/);
  });
});
