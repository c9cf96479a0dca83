// Every flow's dry-run lists exactly the playbooks its run executes: the ansible commands in the plan are those of
// its playbook phases, in order, against the cluster each would see (config changes of earlier phases applied), and
// no other phase plans an ansible-playbook. Pure: nothing is run. The lab tests (lifecycle, etcd-backup) compare the
// plan with the run record of real runs of the flows they run; this covers every flow and shape, reset included.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { validateText } from '../config-text.js';
import type { Reporter } from '../io/reporter.js';
import { packagePath } from '../paths.js';
import type { Workspace } from '../workspace.js';
import { edit, validCluster } from '../../test/unit/helpers.js';
import { formatInvocation } from '../playbooks/argv.js';
import { buildCluster } from '../config/model.js';
import { renderInventory } from '../inventory/render.js';
import { inventoryDiff } from '../inventory/var-diff.js';
import { addNodePhases } from './add-node.js';
import { ApplySteps, applyRefusals, planSteps, type PlannedStep } from './apply.js';
import { planChanges } from './change-plan.js';
import { deployPhases } from './deploy.js';
import { restorePhases } from './etcd-restore.js';
import { planFlow, type FlowContext, type Phase } from './flow.js';
import { removeNodePhases } from './remove-node.js';
import { resetPhases } from './reset.js';
import { isPlaybookPhase } from './steps.js';
import { upgradePhases } from './upgrade.js';

const homelab = readFileSync(packagePath('templates', 'examples', 'homelab.yaml'), 'utf8');

function workspace(text: string): Workspace {
  const v = validateText(text);
  if (!v.cluster) throw new Error(v.errors.map((p) => p.message).join('\n'));
  const loaded = { ...v, cluster: v.cluster, path: '/c/kspray.yaml', dir: '/c', file: 'kspray.yaml' };
  return {
    ctx: { cwd: '/c', env: {} },
    loaded,
    cluster: v.cluster,
    configDir: '/c',
    stateDir: '/c/.kspray/c',
    inventoryDir: '/c/.kspray/c/inventory',
    knownHostsFile: '/c/.kspray/c/known_hosts',
    factCacheDir: '/c/.kspray/c/facts',
    controlPathDir: '/run/kspray-x',
    lockFile: '/c/.kspray/c/lock',
    kubesprayDir: '/ks',
    ansiblePlaybook: 'ansible-playbook',
    callbackDir: '/cb',
  } as unknown as Workspace;
}

const context = (ws: Workspace): FlowContext => ({ name: 'test', ws, reporter: {} as Reporter, dryRun: true, plan: [], ansibleArgs: ['--timeout', '300'], onCleanup: () => undefined });

/** playbook and --limit of an ansible command line */
const playbookOf = (cmd: string) => {
  const limit = / --limit (\S+)/.exec(cmd)?.[1];
  return `${cmd.split(' ').at(-1)}${limit ? ` --limit ${limit}` : ''}`;
};

/** What the run executes: each enabled playbook phase's invocation, with the config changes before it applied. */
async function executes(text: string, build: (ws: Workspace) => Phase[]): Promise<string[]> {
  const fc = context(workspace(text));
  const out: string[] = [];
  for (const p of build(fc.ws)) {
    if (p.when && !p.when(fc)) continue;
    if (isPlaybookPhase(p)) {
      const inv = p.invocation(fc);
      out.push(`${inv.playbook}${inv.limit?.length ? ` --limit ${inv.limit.join(',')}` : ''}`);
    }
    await p.preview?.(fc);
  }
  return out;
}

async function plans(text: string, build: (ws: Workspace) => Phase[]): Promise<string[]> {
  const fc = context(workspace(text));
  const plan = await planFlow(fc, build(fc.ws));
  return plan.flatMap((p) => p.actions).filter((a) => /ansible-playbook /.test(a)).map(playbookOf);
}

const older = homelab.replace('version: v1.29.5', 'version: v1.28.10');
const add = { address: '192.168.10.240', resume: false, allowEvenEtcd: true };
const wait = { wait: true, timeoutMs: 60_000 };

const flows: [string, string, (ws: Workspace) => Phase[]][] = [
  ['deploy', homelab, () => deployPhases({ wait })],
  ['deploy --skip-preflight', homelab, () => deployPhases({ skipPreflight: true })],
  ['add-node worker', homelab, (ws) => addNodePhases({ ...add, name: 'kube04', roles: ['worker'], wait }, ws.loaded.text)],
  ['add-node control-plane', homelab, (ws) => addNodePhases({ ...add, name: 'km04', roles: ['control-plane'] }, ws.loaded.text)],
  ['remove-node', homelab, (ws) => removeNodePhases(ws, { name: 'kube03', unreachable: false })],
  ['remove-node --unreachable', homelab, (ws) => removeNodePhases(ws, { name: 'kube03', unreachable: true })],
  ['upgrade (with the etcd backup)', older, (ws) => upgradePhases(ws, { to: 'v1.29.5', skipBackup: false, drain: true, wait })],
  ['upgrade --skip-backup --no-drain', older, (ws) => upgradePhases(ws, { to: 'v1.29.5', skipBackup: true, drain: false })],
  ['reset', homelab, () => resetPhases()],
  ['etcd-restore', homelab, (ws) => restorePhases(ws, '/backups/snapshot.db', () => undefined)],
];

describe("a flow's dry-run and its run come from the same phases", () => {
  for (const [name, text, build] of flows)
    it(`${name}: the plan lists exactly the playbooks the run executes`, async () => {
      const run = await executes(text, build);
      expect(run.length).toBeGreaterThan(0);
      expect(await plans(text, build)).toEqual(run);
    });

  it('add-node plans against the config with the new host in it, as its run does', async () => {
    const fc = context(workspace(homelab));
    const plan = await planFlow(fc, addNodePhases({ ...add, name: 'kube04', roles: ['worker'] }, homelab));
    expect(fc.ws.cluster.hosts.map((h) => h.name)).toContain('kube04');
    expect(plan.find((p) => p.phase === `Mark kube04 as added`)).toBeDefined();
    expect(fc.ws.cluster.hosts.find((h) => h.name === 'kube04')?.pending).toBeFalsy();
  });
});

describe("kspray apply's steps: each operation as its flow, planned from the phases it runs", () => {
  const appliedText = homelab.replace('version: v1.29.5', 'version: v1.29.3');
  const applied = { text: appliedText, cluster: validCluster(appliedText) };
  // kube04 added, a label on kube02, kube03 marked for removal, a patch upgrade in the same tag
  const current = edit(homelab, { 'spec.hosts.6': { name: 'kube04', address: '192.168.10.240', roles: ['worker'] }, 'spec.hosts.4.labels': { disk: 'ssd' }, 'spec.hosts.5.remove': true });
  const playbooks = (s: PlannedStep) => s.phases.flatMap((p) => (p.playbook ? [formatInvocation(p.playbook)] : []));

  it('lists per operation the playbooks, --limits and extra vars its flow runs, in apply order', async () => {
    const ws = workspace(current);
    const p = planChanges(applied.cluster, ws.cluster);
    const steps = await planSteps(ws, p, applied, {});
    expect(steps.map((s) => [s.flow, playbooks(s)])).toEqual([
      ['etcd-backup', []],
      ['add-node', ['playbooks/facts.yml', 'scale.yml --limit kube04']],
      ['reconfigure', ['playbooks/facts.yml', 'cluster.yml --limit kube02']],
      ['remove-node', [`remove-node.yml -e '{"node":"kube03","skip_confirmation":true}'`]],
      ['upgrade', [`upgrade-cluster.yml -e '{"kube_version":"v1.29.5"}'`]],
    ]);
    // the upgrade took its own backup: a node was removed since the first one
    expect(steps[4]!.phases.some((x) => /backup|snapshot/i.test(x.phase))).toBe(true);
  });

  it('each step records what was applied plus its own operation: a failed apply plans the rest again', async () => {
    const ws = workspace(current);
    const p = planChanges(applied.cluster, ws.cluster);
    const steps = new ApplySteps(ws, p.operations, applied, {});
    const left: string[][] = [];
    for (let k = 0; k < p.operations.length; k++) {
      const s = await steps.step(k);
      const fc = context(ws);
      for (const ph of s.phases) await ph.preview?.(fc);
      const recorded = s.applied ? s.applied(ws.loaded.text) : undefined;
      // the file as the step leaves it, against what it recorded
      if (recorded) left.push(planChanges(validCluster(recorded), ws.cluster).operations.map((o) => o.kind));
    }
    expect(left).toEqual([['backup', 'reconfigure', 'remove-node', 'upgrade'], ['backup', 'remove-node', 'upgrade'], ['backup', 'upgrade'], []]);
  });

  it('an upgrade through several kubespray tags is left to `kspray upgrade`', () => {
    const p = planChanges(applied.cluster, validCluster(edit(homelab, { 'spec.kubespray.version': 'v2.26.1', 'spec.kubernetes.version': 'v1.30.6' })));
    expect(applyRefusals(p).map((r) => r.fix)).toEqual(['`kspray upgrade --plan` shows the train; run it with `kspray upgrade`, then `kspray apply` for the rest']);
    expect(applyRefusals(planChanges(applied.cluster, validCluster(homelab)))).toEqual([]);
  });
});

describe('what was applied, parsed once', () => {
  it('the cluster rebuilt from the recorded parsed config renders exactly the inventory of the text', () => {
    const text = edit(homelab, { 'spec.hosts.4.labels': { disk: 'ssd' }, 'spec.hosts.5.remove': true });
    const c = validCluster(text);
    const again = buildCluster(JSON.parse(JSON.stringify(c.config)));
    const files = (x: typeof c) => renderInventory(x, { source: 'kspray.yaml', digest: '0'.repeat(64) });
    expect(files(again)).toEqual(files(c));
    expect(inventoryDiff(c, again)).toEqual([]);
  });
});
