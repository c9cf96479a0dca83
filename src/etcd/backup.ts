// One etcd backup, end to end: probe every member (the snapshot starts on the member to pick as soon as that is
// clear), snapshot into a private temp dir, stream it here hashing as it comes, keep it only if it arrived whole,
// store it under its final name, apply retention.
// Runs as a phase of a flow (the cluster lock, Ctrl-C and the run record come from runFlow).
import { statfs } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { KsprayError } from '../errors.js';
import type { FlowContext } from '../flows/flow.js';
import { resolveFrom } from '../paths.js';
import { flowPool } from '../flows/ssh.js';
import type { SshPool } from '../ssh/pool.js';
import type { SshSession } from '../ssh/session.js';
import { probeMembers } from './probe.js';
import { removeRemote, takeSnapshot } from './snapshot.js';
import { clusterState, describeState, earlyPick, mib, pickMember, type ClusterState, type MemberProbe } from './status.js';
import * as store from './store.js';
import { hasTrailer } from './trailer.js';
import { beginDownload, type Download } from './download.js';

export interface BackupOptions {
  out?: string;
  keep?: number;
  member?: string;
  allowDegraded?: boolean;
}

export interface BackupResult {
  file: string;
  meta: store.BackupMeta;
  state: ClusterState;
  deleted: string[];
  transfer: { method: string; seconds: number };
}

export function backupRoot(fc: Pick<FlowContext, 'ws'>, out: string | undefined): string {
  return out ? resolve(fc.ws.ctx.cwd, out) : resolveFrom(fc.ws.configDir, fc.ws.cluster.config.spec.etcd.backup.dir);
}

export async function takeBackup(fc: FlowContext, o: BackupOptions): Promise<BackupResult> {
  const { ws, reporter: r } = fc;
  const c = ws.cluster;
  const spec = c.config.spec.etcd;
  if (spec.deploymentType === 'kubeadm')
    throw new KsprayError('BadArgument', 'etcd-backup needs kubespray-managed etcd (etcd_deployment_type host or docker); this cluster uses kubeadm', { hint: 'take snapshots with etcdctl on a control plane' });
  const hosts = c.etcdMembers.filter((h) => !h.pending);
  if (!hosts.length) throw new KsprayError('BadArgument', `${c.name} has no etcd hosts in the config`);
  const dir = store.clusterDir(backupRoot(fc, o.out), c.name);
  await store.ensureDir(dir);
  await store.removeStalePartials(dir, Date.now());

  // the members' sessions are kept from the probe to the cleanup: the snapshot and the transfer use the picked one's
  const pool = flowPool(fc);
  // the snapshot starts on the member that will be picked as soon as that is clear, while the others are still probed
  const got = new Map<string, MemberProbe>();
  let early: { host: string; saved: Promise<Saved> } | undefined;
  let saved: Saved | undefined;
  let pick: Chosen | undefined;
  let release: (() => Promise<void>) | undefined;
  let released: Promise<void> | undefined;
  let download: Download | undefined;
  try {
    try {
      const probes = await probeMembers(pool, hosts, {
        keep: true,
        onProbe: (p, s) => {
          got.set(p.host, p);
          if (early || earlyPick(hosts.map((h) => h.name), got, o.member) !== p.host) return;
          r.host(p.host, 'etcdctl snapshot save (private temp dir on the member)');
          early = { host: p.host, saved: takeSnapshot(s) };
          early.saved.catch(() => undefined); // awaited, or removed unused, below
        },
      });
      const state = clusterState(probes);
      for (const l of describeState(state)) r.info(l);
      fc.record?.result && Object.assign(fc.record.result, { etcd: { healthy: state.healthy, size: state.size, leader: state.leader } });
      const picked = pickMember(state, probes, { ...(o.member ? { member: o.member } : {}), allowDegraded: Boolean(o.allowDegraded) });
      if ('error' in picked)
        throw new KsprayError('EtcdUnhealthy', `no member to snapshot: ${picked.error}`, {
          details: state.members.filter((m) => !m.healthy).map((m) => `${m.host}: ${m.error}`),
          hint: state.hasQuorum ? 'pick a healthy member with --member, or leave --member out' : 'with quorum lost, --allow-degraded takes a snapshot from a live member anyway (it may miss the last writes)',
        });
      pick = picked;
      if (pick.degraded)
        r.warn(`DEGRADED snapshot: ${pick.host} has no quorum behind it (${state.healthy}/${state.size} healthy). It holds that member's data as of its last applied entry and may miss writes the cluster acknowledged; it is marked degraded in its metadata.`);
      const probe = probes.find((p) => p.host === pick!.host)!;
      if (probe.dbSize) await checkSpace(dir, probe.dbSize);
      const session = await pool.session(hosts.find((h) => h.name === pick!.host)!);
      const started = early?.host === pick.host ? early : undefined;
      if (started) early = undefined;
      else r.host(pick.host, 'etcdctl snapshot save (private temp dir on the member)');
      const saving = started?.saved ?? takeSnapshot(session);
      saving.catch(() => undefined); // awaited below
      // the local file, and the direct transfer's connection, are made ready while the snapshot is taken
      const name = store.backupName(new Date(), pick.host, Boolean(spec.backup.ageRecipients?.length));
      download = await beginDownload(fc, session, dir, name);
      saved = await saving;
      const host = pick.host;
      const remoteDir = saved.dir;
      const dl = download;
      // once the copy here is verified the member's copy is not needed: removed while the local one is committed,
      // unless the direct transfer's remote half already removed it
      release = () => (released ??= dl.remoteRemoved ? Promise.resolve() : cleanupRemote(fc, pool, host, remoteDir));
      return await transferAndStore(fc, o, { dir, name, pick, state, probe, saved, session, download, release });
    } finally {
      await download?.discard();
      // a snapshot taken but not transferred (a failure in between) is removed too
      if (!release && saved && pick) release = () => cleanupRemote(fc, pool, pick!.host, saved!.dir);
      await release?.();
      // a snapshot started early on a member that was not picked after all, or before a failure
      const unused = early;
      const s = await unused?.saved.catch(() => undefined);
      if (unused && s) await cleanupRemote(fc, pool, unused.host, s.dir);
    }
  } finally {
    for (const h of hosts) pool.release(h.name);
  }
}

type Saved = { dir: string; file: string; size: number };
type Chosen = { host: string; degraded: boolean };

/**
 * Stream the snapshot here while it is checked on the member, keep it only if it arrived whole (size, and the
 * snapshot's own sha256 trailer, or the member's sha256 for a snapshot without one), then store it and apply retention.
 */
async function transferAndStore(fc: FlowContext, o: BackupOptions, x: { dir: string; name: string; pick: Chosen; state: ClusterState; probe: MemberProbe; saved: Saved; session: SshSession; download: Download; release: () => Promise<void> }): Promise<BackupResult> {
  const { ws, reporter: r } = fc;
  const c = ws.cluster;
  const spec = c.config.spec.etcd;
  const { dir, pick, state, probe, saved } = x;
  const final = join(dir, x.name);
  const t0 = Date.now();
  const method = x.download.method;
  // etcd appends the sha256 of the snapshot as it streamed it: checking that here verifies the whole way from etcd to
  // this disk, with no second hashing pass over the file on the member
  const trailer = hasTrailer(saved.size);
  r.host(pick.host, `${mib(saved.size)} saved; checking it there (snapshot status${trailer ? '' : ', sha256'}) while streaming it here${trailer ? " against the snapshot's own sha256" : ''}`);
  const stored = await x.download.receive(saved, { sha256: !trailer });
  const snap = { ...saved, ...stored.check };
  if (stored.bytes !== snap.size || (trailer ? !stored.trailerOk : stored.sha256 !== snap.sha256)) {
    const digest = trailer ? (stored.trailerOk ? "sha256 trailer ok" : "sha256 ≠ the snapshot's own sha256 trailer") : `sha256 ${stored.sha256.slice(0, 16)}… ≠ ${snap.sha256?.slice(0, 16)}…`;
    throw new KsprayError('BackupFailed', `the local copy does not match the snapshot on ${pick.host} (${stored.bytes} of ${snap.size} bytes, ${digest}): discarded`, {
      hint: 'the transfer was damaged or cut short; run the backup again',
    });
  }
  const seconds = (Date.now() - t0) / 1000;
  r.host(pick.host, `snapshot ok: revision ${snap.status.revision}, ${snap.status.totalKey} keys, sha256 ${stored.sha256.slice(0, 16)}…`);
  r.info(`transferred ${mib(snap.size)} in ${seconds.toFixed(1)}s (${method}); ${trailer ? "size and the snapshot's own sha256 trailer match" : "size and sha256 match the member's"}`);
  const member = state.members.find((m) => m.host === pick.host);
  const meta: store.BackupMeta = {
    format: 'kspray-etcd-backup/v1',
    cluster: c.name,
    member: pick.host,
    ...(member?.name ? { memberName: member.name } : {}),
    ...(probe.version ? { etcdVersion: probe.version } : {}),
    kubernetesVersion: c.config.spec.kubernetes.version,
    revision: snap.status.revision,
    totalKey: snap.status.totalKey,
    snapshotHash: snap.status.hash,
    size: snap.size,
    sha256: stored.sha256,
    transferCheck: trailer ? 'trailer' : 'member-sha256',
    ...(stored.encrypted ? { encryption: { tool: 'age' as const, recipients: spec.backup.ageRecipients!, storedSha256: stored.encrypted.sha256, storedSize: stored.encrypted.size } } : {}),
    degraded: pick.degraded,
    time: new Date(t0).toISOString(),
    verifiedAt: new Date().toISOString(),
  };
  const releasing = x.release();
  await store.commit(stored.partial, final, meta);
  const policy = { keep: o.keep ?? spec.backup.keep, ...(spec.backup.maxAgeDays !== undefined ? { maxAgeDays: spec.backup.maxAgeDays } : {}) };
  const doomed = store.planRetention(await store.listBackups(dir), policy, new Date(), final);
  for (const f of doomed) await store.removeBackup(f);
  if (doomed.length) r.info(`retention (keep ${policy.keep}${policy.maxAgeDays ? `, max ${policy.maxAgeDays} days` : ''}): removed ${doomed.length} older backup(s)`);
  await releasing;
  return { file: final, meta, state, deleted: doomed, transfer: { method, seconds } };
}

async function checkSpace(dir: string, need: number): Promise<void> {
  const st = await statfs(dir).catch(() => undefined);
  if (st && st.bavail * st.bsize < need * 1.1)
    throw new KsprayError('BackupFailed', `not enough space in ${dir}: ${mib(st.bavail * st.bsize)} free, the snapshot needs about ${mib(need)}`, {
      hint: 'free space there, lower spec.etcd.backup.keep, or pass --out DIR on a larger disk',
    });
}

/** The remote temp dir goes whatever happened; if the session died, through a fresh one. */
async function cleanupRemote(fc: FlowContext, pool: SshPool, host: string, dir: string): Promise<void> {
  const h = fc.ws.cluster.hosts.find((x) => x.name === host)!;
  try {
    await removeRemote(await pool.session(h), dir);
  } catch {
    try {
      const fresh = await pool.reopen(h).catch(() => undefined);
      if (!fresh) throw new Error('unreachable');
      await removeRemote(fresh, dir);
    } catch (e) {
      fc.reporter.warn(`could not remove the temporary snapshot ${dir} on ${host}: ${(e as Error).message}; it holds every Secret of the cluster — remove it by hand (kspray removes leftovers older than a day on the next backup)`);
    }
  }
}
