// kspray apply from the built CLI, offline: what it refuses before anything runs, and what it plans. No host is
// reachable here, so every case must end before the first connection (a dry run, a refusal, or no approval).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { edit, exampleText } from '../unit/helpers.js';
import { hasStackTrace, kspray, tempDir } from './helpers.js';

const homelab = exampleText('homelab');
const kube04 = { name: 'kube04', address: '192.168.10.240', roles: ['worker'] };

/** A cluster dir with `text` as kspray.yaml and, when given, `applied` as what its last run applied. */
function cluster(text: string, applied?: string): string {
  const cwd = tempDir();
  writeFileSync(join(cwd, 'kspray.yaml'), text);
  if (applied !== undefined) {
    mkdirSync(join(cwd, '.kspray', 'homelab-kubespray'), { recursive: true });
    writeFileSync(join(cwd, '.kspray', 'homelab-kubespray', 'applied.yaml'), applied);
  }
  return cwd;
}
const nothingRan = (cwd: string) => !existsSync(join(cwd, '.kspray', 'runs'));

describe('kspray apply refuses before anything runs', () => {
  it('an invalid config: exit 3, the path and line, nothing run', async () => {
    const cwd = cluster(edit(homelab, { 'spec.network.podSubnet': 'not-a-cidr' }), homelab);
    const r = await kspray(cwd, ['apply', '--yes']);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/kspray\.yaml:\d+ spec\.network\.podSubnet/);
    expect(hasStackTrace(r.stderr)).toBe(false);
    expect(nothingRan(cwd)).toBe(true);
  });

  it('a change a running cluster cannot make: exit 3 naming file, line, path and the way out; nothing run', async () => {
    const cwd = cluster(edit(homelab, { 'spec.network.podSubnet': '10.100.0.0/16', 'spec.hosts.6': kube04 }), homelab);
    const r = await kspray(cwd, ['apply', '--yes']);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/cannot be applied; nothing was run/);
    expect(r.stderr).toMatch(/kspray\.yaml:\d+ spec\.network\.podSubnet: spec\.network\.podSubnet changed from "10\.233\.64\.0\/18" to "10\.100\.0\.0\/16".* — .*deploy a new cluster/);
    expect(hasStackTrace(r.stderr)).toBe(false);
    expect(nothingRan(cwd)).toBe(true);
    expect((await kspray(cwd, ['plan'])).code).toBe(3);
  });

  it('an upgrade across kubespray tags is left to `kspray upgrade`', async () => {
    const cwd = cluster(edit(homelab, { 'spec.kubespray.version': 'v2.26.1', 'spec.kubernetes.version': 'v1.30.6' }), homelab);
    const r = await kspray(cwd, ['apply', '--yes']);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/`kspray upgrade --plan`/);
    expect(nothingRan(cwd)).toBe(true);
  });

  it('without a terminal and without --yes: exit 9, nothing run', async () => {
    const cwd = cluster(edit(homelab, { 'spec.hosts.6': kube04 }), homelab);
    const r = await kspray(cwd, ['apply']);
    expect(r.code, r.stderr).toBe(9);
    expect(r.stdout).toMatch(/add-node kube04/);
    expect(r.stderr).toMatch(/pass --yes/);
    expect(nothingRan(cwd)).toBe(true);
  });
});

describe('kspray apply plans', () => {
  it('no applied state: a deploy (cluster.yml), in plan, plan -o json and apply --dry-run', async () => {
    const cwd = cluster(homelab);
    const p = await kspray(cwd, ['plan']);
    expect(p.code).toBe(13);
    expect(p.stdout).toMatch(/1\. deploy — nothing has been applied/);
    expect(p.stdout).toMatch(/runs cluster\.yml$/m);
    const j = JSON.parse((await kspray(cwd, ['plan', '-o', 'json'])).stdout);
    expect(j.operations.map((o: { kind: string; playbooks: unknown }) => [o.kind, o.playbooks])).toEqual([['deploy', [{ playbook: 'cluster.yml' }]]]);
    const d = await kspray(cwd, ['apply', '--dry-run']);
    expect(d.code, d.stderr).toBe(0);
    expect(d.stdout).toMatch(/dry-run: nothing was changed/);
    expect(nothingRan(cwd)).toBe(true);
  });

  it('nothing changed: "no changes", exit 0', async () => {
    const r = await kspray(cluster(homelab, homelab), ['apply', '--yes']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/no changes/);
  });

  it('every operation with the playbooks, --limit and extra vars it runs', async () => {
    const cwd = cluster(edit(homelab, { 'spec.hosts.6': kube04, 'spec.hosts.4.labels': { disk: 'ssd' }, 'spec.hosts.5.remove': true }), homelab);
    const r = await kspray(cwd, ['plan']);
    expect(r.code).toBe(13);
    expect(r.stdout).toMatch(/1\. add-node kube04 \(worker\)[\s\S]*runs scale\.yml --limit kube04/);
    expect(r.stdout).toMatch(/2\. cluster\.yml --limit kube02[\s\S]*runs cluster\.yml --limit kube02\n.*node_labels \(unset\) → \{"disk":"ssd"\}/);
    expect(r.stdout).toMatch(/3\. remove-node kube03[\s\S]*runs remove-node\.yml -e '\{"node":"kube03","skip_confirmation":true\}'/);
  });
});

describe('add-node NAME and rebase against what was applied', () => {
  const declared = edit(homelab, { 'spec.hosts.6': kube04 });

  it('add-node NAME adds a host declared in the file and never applied, as the file has it', async () => {
    const cwd = cluster(declared, homelab);
    const r = await kspray(cwd, ['add-node', 'kube04', '--dry-run']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Add kube04 as the config declares it/);
    expect(r.stdout).toMatch(/--limit kube04 .*scale\.yml/);
    const other = await kspray(cwd, ['add-node', 'kube04', '--address', '192.168.10.250', '--dry-run']);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/declared in kspray\.yaml with address 192\.168\.10\.240, not 192\.168\.10\.250/);
  });

  it('add-node NAME refuses a host that was applied, or a cluster with no applied state', async () => {
    const applied = await kspray(cluster(declared, declared), ['add-node', 'kube04', '--dry-run']);
    expect(applied.code).toBe(2);
    expect(applied.stderr).toMatch(/kube04 is already a host/);
    const none = await kspray(cluster(declared), ['add-node', 'kube04', '--dry-run']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no applied state \(`kspray rebase` records it\)/);
  });

  it('rebase refuses a cluster that has an applied state, and plans the node check otherwise', async () => {
    const has = await kspray(cluster(homelab, homelab), ['rebase', '--yes']);
    expect(has.code).toBe(2);
    expect(has.stderr).toMatch(/rebase is for a cluster whose applied state was lost/);
    const cwd = cluster(homelab);
    const d = await kspray(cwd, ['rebase', '--dry-run']);
    expect(d.code, d.stderr).toBe(0);
    expect(d.stdout).toMatch(/refuse unless they are 6 configured hosts/);
    expect(nothingRan(cwd)).toBe(true);
  });
});
