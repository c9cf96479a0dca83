// kspray etcd-restore: the way kubespray documents it (docs/operations/recover-control-plane.md) — an inventory
// with broken_etcd / broken_kube_control_plane groups, then
//   recover-control-plane.yml --limit etcd,kube_control_plane -e etcd_snapshot=FILE -e etcd_retries=10
// and a health check of every member afterwards.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';
import { KsprayError } from '../errors.js';
import type { FlowContext, Phase } from './flow.js';
import { factsPhase, playbookPhase } from './steps.js';
import { kubesprayChecksPhase } from './kubespray-checks.js';
import { hostsDocument } from '../inventory/hosts.js';
import { configDigest, renderInventory } from '../inventory/render.js';
import { flowPool } from '../flows/ssh.js';
import type { Workspace } from '../workspace.js';
import { probeMembers } from '../etcd/probe.js';
import { clusterState, describeState, type ClusterState } from '../etcd/status.js';

/** The recovery inventory lives apart from the normal one, so `render` never sees the broken_* groups. */
export const restoreInventoryDir = (ws: Workspace) => join(ws.stateDir, 'restore-inventory');

/**
 * PURE: the normal inventory plus kubespray's recovery groups. Every member but the first is in broken_etcd:
 * the snapshot is restored on the first one and the others are wiped and rejoin it. No control plane is broken.
 */
export function recoveryHostsDocument(ws: Workspace): Record<string, unknown> {
  const doc = hostsDocument(ws.cluster) as { all: { children: Record<string, unknown> } };
  const broken = ws.cluster.etcdMembers.slice(1).map((h) => h.name);
  doc.all.children.broken_etcd = { hosts: Object.fromEntries(broken.map((n) => [n, {}])) };
  doc.all.children.broken_kube_control_plane = { hosts: {} };
  return doc;
}

async function writeRecoveryInventory(ws: Workspace): Promise<void> {
  const dir = restoreInventoryDir(ws);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true, mode: 0o700 });
  for (const f of renderInventory(ws.cluster, { source: ws.loaded.file, digest: configDigest(ws.loaded.text) })) {
    const content = f.path === 'hosts.yaml' ? `# kspray etcd-restore: recovery inventory (broken_etcd, broken_kube_control_plane)\n${stringify(recoveryHostsDocument(ws))}` : f.content;
    await mkdir(dirname(join(dir, f.path)), { recursive: true, mode: 0o700 });
    await writeFile(join(dir, f.path), content, { mode: 0o600 });
  }
}

/** Probe every member until all are healthy (or the deadline passes). */
export async function waitHealthy(fc: FlowContext, timeoutMs: number): Promise<ClusterState> {
  const c = fc.ws.cluster;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const probes = await probeMembers(flowPool(fc), c.etcdMembers);
    const st = clusterState(probes);
    if (st.healthy === st.size && st.leader) return st;
    if (Date.now() > deadline)
      throw new KsprayError('EtcdUnhealthy', `etcd is not healthy after the restore: ${st.healthy}/${st.size} members healthy`, { details: describeState(st), hint: 'see `kspray runs show last --log` and `journalctl -u etcd` on the members' });
    await new Promise((res) => setTimeout(res, 2000));
  }
}

export function restorePhases(ws: Workspace, snapshot: string, onHealthy: (s: ClusterState) => void): Phase[] {
  const limit = ['etcd', 'kube_control_plane'];
  return [
    kubesprayChecksPhase(),
    { title: 'Write the recovery inventory', plan: () => [`${restoreInventoryDir(ws)}/hosts.yaml with broken_etcd and broken_kube_control_plane`], run: (fc) => writeRecoveryInventory(fc.ws) },
    factsPhase(),
    playbookPhase('Run recover-control-plane.yml with the snapshot', () => ({ playbook: 'recover-control-plane.yml', limit, extraVars: { etcd_snapshot: snapshot, etcd_retries: 10 } })),
    {
      title: 'Check etcd health',
      plan: () => ['etcdctl endpoint status/health on every member over SSH'],
      async run(fc) {
        const st = await waitHealthy(fc, 120_000);
        for (const l of describeState(st)) fc.reporter.info(l);
        onHealthy(st);
      },
    },
  ];
}
