// kspray plan / apply in a private lab: the config is the source of truth. Real sshd hosts, real ansible-playbook, the
// kubespray stand-in, real etcd. Each apply runs every operation as its own flow with its own run record.
import fs from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { describe, expect, it } from 'vitest';
import { readHostFile } from '../lab/index.js';
import { playbooksIn, useLab } from './helpers.js';

const lab = useLab('apply', 101);
const IGN = ['--ignore-preflight', 'systemd'];
// an apply runs several flows back to back; on a loaded machine that outlasts a single flow's guard
const LONG = 900_000;
const long = (args: string[], env: Record<string, string> = {}) => lab.run(args, { timeoutMs: LONG - 60_000, env });

const configText = () => fs.readFileSync(lab.config, 'utf8');
/** Set values at dot paths of the lab's kspray.yaml (numbers index lists), keeping the rest as written. */
function editConfig(changes: Record<string, unknown>): void {
  const doc = parseDocument(configText());
  for (const [p, v] of Object.entries(changes)) {
    const segs = p.split('.').map((s) => (/^\d+$/.test(s) ? Number(s) : s));
    if (v === undefined) doc.deleteIn(segs);
    else doc.setIn(segs, v);
  }
  fs.writeFileSync(lab.config, doc.toString());
}
const hostIndex = (name: string) => (parseDocument(configText()).toJS().spec.hosts as { name: string }[]).findIndex((h) => h.name === name);
const appendHost = (h: Record<string, unknown>) => editConfig({ [`spec.hosts.${(parseDocument(configText()).toJS().spec.hosts as unknown[]).length}`]: h });

const runsDir = () => path.join(path.dirname(lab.config), '.kspray', 'runs');
const runIds = () => (fs.existsSync(runsDir()) ? fs.readdirSync(runsDir()).sort() : []);
const result = (id: string) => JSON.parse(fs.readFileSync(path.join(runsDir(), id, 'result.json'), 'utf8')) as { flow?: string; status: string; steps: { command?: string }[] };
const standin = (host: string) => {
  const t = readHostFile(lab.info, host, '/etc/kubernetes/kspray-standin.json');
  return t ? (JSON.parse(t) as { kube_version?: string }) : undefined;
};

interface PlanJson {
  operations: { kind: string; host?: string; limit?: string[]; flow?: string; playbooks: { playbook: string; limit?: string[] }[] }[];
  refused: { path: string }[];
}
async function plan(): Promise<{ code: number; json: PlanJson }> {
  const r = await lab.run(['plan', '-o', 'json']);
  return { code: r.code, json: JSON.parse(r.stdout) as PlanJson };
}
const planned = (p: PlanJson) => p.operations.flatMap((o) => o.playbooks.map((b) => `${b.playbook}${b.limit ? ` --limit ${b.limit.join(',')}` : ''}`));
/** The playbooks the runs after `before` executed, in order, from their run records. */
const executedSince = (before: string[]) => runIds().filter((id) => !before.includes(id)).flatMap((id) => playbooksIn(result(id).steps.map((s) => s.command ?? '')));

describe('plan and apply in the lab', () => {
  it('starts from an older patch so a same-tag upgrade has somewhere to go', () => {
    expect(configText()).toMatch(/^    version: v1\.29\.5$/m);
    fs.writeFileSync(lab.config, configText().replace(/^(    version: )v1\.29\.5$/m, '$1v1.29.2'));
  });

  it('deploy records what it applied: the plan then shows no changes', async () => {
    const r = await long(['deploy', ...IGN, '--no-wait']);
    expect(r.code, r.all).toBe(0);
    const p = await lab.run(['plan']);
    expect(p.code, p.all).toBe(0);
    expect(p.stdout).toMatch(/no changes/);
  }, LONG);

  it('a spare added to the file plans one add-node (exit 13); apply --yes adds it with the planned playbooks; then no changes', async () => {
    const spare = lab.info.hosts.find((h) => h.spare && !h.sudoPassword)!;
    appendHost({ name: spare.name, address: spare.address, roles: ['worker'] });
    const p = await plan();
    expect(p.code).toBe(13);
    expect(p.json.operations.map((o) => `${o.kind} ${o.host}`)).toEqual([`add-node ${spare.name}`]);
    const before = runIds();
    const r = await long(['apply', '--yes', ...IGN, '--no-wait']);
    expect(r.code, r.all).toBe(0);
    expect(executedSince(before)).toEqual(planned(p.json));
    expect(planned(p.json)).toContain(`scale.yml --limit ${spare.name}`);
    expect(standin(spare.name)?.kube_version).toBeDefined();
    const after = await plan();
    expect(after.code).toBe(0);
    expect(after.json.operations).toEqual([]);
  }, LONG);

  it('a worker marked remove: true and a label on another: apply removes one and re-runs cluster.yml limited to the other', async () => {
    editConfig({ [`spec.hosts.${hostIndex('kube03')}.remove`]: true, [`spec.hosts.${hostIndex('kube02')}.labels`]: { disk: 'ssd' } });
    const p = await plan();
    expect(p.code).toBe(13);
    expect(p.json.operations.map((o) => [o.kind, o.host ?? o.limit?.join(',')])).toEqual([
      ['reconfigure', 'kube02'],
      ['remove-node', 'kube03'],
    ]);
    const before = runIds();
    const r = await long(['apply', '--yes', ...IGN, '--no-wait']);
    expect(r.code, r.all).toBe(0);
    expect(executedSince(before)).toEqual(planned(p.json));
    expect(executedSince(before)).toContain('cluster.yml --limit kube02');
    // each operation is its own flow with its own run record
    expect(runIds().filter((id) => !before.includes(id)).map((id) => result(id).status)).toEqual(['succeeded', 'succeeded']);
    expect(standin('kube03')).toBeUndefined();
    expect(configText()).not.toContain('kube03');
    expect((await plan()).code).toBe(0);
  }, LONG);

  it('a change a running cluster cannot make (the pod subnet) stops apply before any playbook runs', async () => {
    const before = runIds();
    const original = configText();
    editConfig({ 'spec.network.podSubnet': '10.200.0.0/16' });
    try {
      const r = await lab.run(['apply', '--yes', ...IGN]);
      expect(r.code, r.all).toBe(3);
      expect(r.stderr).toMatch(/spec\.network\.podSubnet/);
      expect(r.stderr).toMatch(/nothing was run/);
      expect(runIds()).toEqual(before);
    } finally {
      fs.writeFileSync(lab.config, original);
    }
  });

  it('a Kubernetes patch bumped in the file: apply takes an etcd backup, then runs the upgrade flow to it', async () => {
    editConfig({ 'spec.kubernetes.version': 'v1.29.4' });
    const p = await plan();
    expect(p.code).toBe(13);
    expect(p.json.operations.map((o) => o.flow)).toEqual(['etcd-backup', 'upgrade']);
    const before = runIds();
    const r = await long(['apply', '--yes', ...IGN, '--no-wait']);
    expect(r.code, r.all).toBe(0);
    expect(executedSince(before)).toEqual(planned(p.json));
    expect(runIds().filter((id) => !before.includes(id)).map((id) => /-(etcd-backup|upgrade)$/.exec(id)?.[1])).toEqual(['etcd-backup', 'upgrade']);
    for (const h of ['km01', 'kube01']) expect(standin(h)?.kube_version, h).toBe('v1.29.4');
    expect(configText()).toMatch(/^    version: v1\.29\.4$/m);
    expect((await plan()).code).toBe(0);
  }, LONG);

  it('a Kubernetes patch bumped in the file: `kspray upgrade` with no flags upgrades to it; the plan then shows no changes', async () => {
    editConfig({ 'spec.kubernetes.version': 'v1.29.5' });
    const before = runIds();
    const r = await long(['upgrade', ...IGN, '--no-wait']);
    expect(r.code, r.all).toBe(0);
    expect(runIds().filter((id) => !before.includes(id)).map((id) => /-(upgrade)$/.exec(id)?.[1])).toEqual(['upgrade']);
    expect(executedSince(before).filter((p) => p.startsWith('upgrade-cluster.yml'))).toHaveLength(1);
    for (const h of ['km01', 'kube01']) expect(standin(h)?.kube_version, h).toBe('v1.29.5');
    expect(configText()).toMatch(/^    version: v1\.29\.5$/m);
    expect((await plan()).code).toBe(0);
  }, LONG);

  it('add-node NAME adds a host declared in the file, with no --address; the plan then shows no changes', async () => {
    const spare = lab.info.hosts.find((h) => h.spare && h.sudoPassword)!;
    appendHost({ name: spare.name, address: spare.address, roles: ['worker'] });
    const r = await long(['add-node', spare.name, ...IGN, '--no-wait'], { KSPRAY_BECOME_PASSWORD: spare.sudoPassword! });
    expect(r.code, r.all).toBe(0);
    expect(standin(spare.name)?.kube_version).toBeDefined();
    expect((await plan()).code).toBe(0);
  }, LONG);
});
