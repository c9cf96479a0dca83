// kspray etcd-backup as phases: connect to every member, probe them (the snapshot starts on the member to pick as
// soon as that is clear), pick the member, snapshot it into a private temp dir, stream it here hashing as it comes and
// keep it only if it arrived whole, store it under its final name, apply retention. Every remote or local leftover is
// a cleanup registered on the flow as soon as it exists. `upgrade` runs the same phases.
import { statfs } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { NodeHost } from '../config/model.js';
import { KsprayError } from '../errors.js';
import { beginDownload, type Download, type Stored } from '../etcd/download.js';
import { probeMembers } from '../etcd/probe.js';
import { removeRemote, takeSnapshot } from '../etcd/snapshot.js';
import { clusterState, describeState, earlyPick, mib, pickMember, type ClusterState, type MemberProbe } from '../etcd/status.js';
import * as store from '../etcd/store.js';
import { hasTrailer } from '../etcd/trailer.js';
import { resolveFrom } from '../paths.js';
import type { FlowContext, Phase } from './flow.js';
import { flowPool } from './ssh.js';

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

type Saved = { dir: string; file: string; size: number };

/** What the phases hand on to each other, for one backup. */
interface Backup {
  dir: string;
  hosts: NodeHost[];
  /** members SSH could not reach, with why (they count as down) */
  down: Map<string, string>;
  /** a snapshot started during the probe, on the member that will most likely be picked */
  early?: { host: string; saved: Promise<Saved> };
  probes: MemberProbe[];
  state: ClusterState;
  pick: { host: string; degraded: boolean };
  probe: MemberProbe;
  name: string;
  download: Download;
  saved: Saved;
  /** removes the member's copy once (the direct transfer's remote half may have done it already) */
  release: () => Promise<void>;
  releasing?: Promise<void>;
  t0: number;
  stored: Stored;
  snap: Saved & Stored['check'];
  trailer: boolean;
  final: string;
  meta: store.BackupMeta;
  seconds: number;
  doomed: string[];
}

/** The backup phases; `done` gets the result after retention. */
export function backupPhases(o: BackupOptions, done: (fc: FlowContext, res: BackupResult) => void): Phase[] {
  const states = new WeakMap<FlowContext, Partial<Backup>>();
  const of = (fc: FlowContext) => {
    let b = states.get(fc);
    if (!b) states.set(fc, (b = {}));
    return b as Backup;
  };
  const phase = (title: string, plan: string, run: (fc: FlowContext, b: Backup, o: BackupOptions) => Promise<void>): Phase => ({ title, plan: () => [plan], run: (fc) => run(fc, of(fc), o) });
  return [
    phase('Connect to the etcd members', 'open an SSH session (pinned host keys) to every etcd member', connect),
    phase('Probe etcd', 'etcdctl endpoint status/health on every member; the snapshot starts on the member to pick as soon as that is clear', probe),
    phase('Pick the member to snapshot', 'a healthy member (the leader last), or --member; with quorum lost only with --allow-degraded', pick),
    phase('Take the snapshot', 'etcdctl snapshot save into a private temp dir on the member', snapshot),
    phase('Transfer and verify the snapshot', "stream it here while the member checks it (snapshot status); keep it only if size and sha256 match", transfer),
    phase('Store the backup', 'fsync, rename to its final name (0600) with its metadata, remove the member\'s copy', commit),
    phase('Apply retention', 'remove backups beyond spec.etcd.backup.keep / maxAgeDays (never the new one)', async (fc, b, o) => {
      await retention(fc, b, o);
      done(fc, { file: b.final, meta: b.meta, state: b.state, deleted: b.doomed, transfer: { method: b.download.method, seconds: b.seconds } });
    }),
  ];
}

async function connect(fc: FlowContext, b: Backup, o: BackupOptions): Promise<void> {
  const { ws } = fc;
  const c = ws.cluster;
  if (c.config.spec.etcd.deploymentType === 'kubeadm')
    throw new KsprayError('BadArgument', 'etcd-backup needs kubespray-managed etcd (etcd_deployment_type host or docker); this cluster uses kubeadm', { hint: 'take snapshots with etcdctl on a control plane' });
  b.hosts = c.etcdMembers.filter((h) => !h.pending);
  if (!b.hosts.length) throw new KsprayError('BadArgument', `${c.name} has no etcd hosts in the config`);
  b.dir = store.clusterDir(backupRoot(fc, o.out), c.name);
  await store.ensureDir(b.dir);
  await store.removeStalePartials(b.dir, Date.now());
  // the flow's pool keeps the sessions for the probe, the snapshot and the cleanups, and closes them with the flow
  const opened = await flowPool(fc).forEachHost(b.hosts, async () => undefined, { keep: true });
  b.down = new Map(opened.flatMap((x) => (x.ok ? [] : [[x.host, (x.error as Error).message] as [string, string]])));
}

async function probe(fc: FlowContext, b: Backup, o: BackupOptions): Promise<void> {
  const r = fc.reporter;
  const got = new Map<string, MemberProbe>();
  // a snapshot started early on a member that was not picked after all, or before a failure, is removed
  fc.onCleanup(async () => {
    const unused = b.early;
    const s = await unused?.saved.catch(() => undefined);
    if (unused && s) await cleanupRemote(fc, b, unused.host, s.dir);
  });
  for (const [host, error] of b.down) got.set(host, { host, healthy: false, error });
  const probed = await probeMembers(flowPool(fc), b.hosts.filter((h) => !b.down.has(h.name)), {
    keep: true,
    onProbe: (p, s) => {
      got.set(p.host, p);
      if (b.early || earlyPick(b.hosts.map((h) => h.name), got, o.member) !== p.host) return;
      r.host(p.host, 'etcdctl snapshot save (private temp dir on the member)');
      b.early = { host: p.host, saved: takeSnapshot(s) };
      b.early.saved.catch(() => undefined); // awaited, or removed unused, later
    },
  });
  for (const p of probed) got.set(p.host, p);
  b.probes = b.hosts.map((h) => got.get(h.name)!);
  b.state = clusterState(b.probes);
  for (const l of describeState(b.state)) r.info(l);
  if (fc.record?.result) Object.assign(fc.record.result, { etcd: { healthy: b.state.healthy, size: b.state.size, leader: b.state.leader } });
}

async function pick(fc: FlowContext, b: Backup, o: BackupOptions): Promise<void> {
  const { state, probes } = b;
  const picked = pickMember(state, probes, { ...(o.member ? { member: o.member } : {}), allowDegraded: Boolean(o.allowDegraded) });
  if ('error' in picked)
    throw new KsprayError('EtcdUnhealthy', `no member to snapshot: ${picked.error}`, {
      details: state.members.filter((m) => !m.healthy).map((m) => `${m.host}: ${m.error}`),
      hint: state.hasQuorum ? 'pick a healthy member with --member, or leave --member out' : 'with quorum lost, --allow-degraded takes a snapshot from a live member anyway (it may miss the last writes)',
    });
  b.pick = picked;
  if (picked.degraded)
    fc.reporter.warn(`DEGRADED snapshot: ${picked.host} has no quorum behind it (${state.healthy}/${state.size} healthy). It holds that member's data as of its last applied entry and may miss writes the cluster acknowledged; it is marked degraded in its metadata.`);
  b.probe = probes.find((p) => p.host === picked.host)!;
  if (b.probe.dbSize) await checkSpace(b.dir, b.probe.dbSize);
}

async function snapshot(fc: FlowContext, b: Backup): Promise<void> {
  const { ws } = fc;
  const host = b.pick.host;
  const session = await flowPool(fc).session(memberHost(fc, host));
  const started = b.early?.host === host ? b.early : undefined;
  if (started) b.early = undefined;
  else fc.reporter.host(host, 'etcdctl snapshot save (private temp dir on the member)');
  const saving = started?.saved ?? takeSnapshot(session);
  saving.catch(() => undefined); // awaited below
  // the local file, and the direct transfer's connection, are made ready while the snapshot is taken
  const recipients = ws.cluster.config.spec.etcd.backup.ageRecipients;
  b.name = store.backupName(new Date(), host, Boolean(recipients?.length));
  const download = await beginDownload(
    {
      env: ws.ctx.env,
      knownHostsFile: ws.knownHostsFile,
      ...(recipients ? { recipients } : {}),
      ...(fc.becomePassword !== undefined ? { becomePassword: fc.becomePassword } : {}),
      ...(fc.interrupts ? { signal: fc.interrupts.signal } : {}),
      debug: (m) => fc.reporter.debug(m),
    },
    session,
    b.dir,
    b.name,
  );
  b.download = download;
  // the partial file goes first (and the direct transfer stops), then the member's copy if there is one
  fc.onCleanup(async () => {
    await download.discard();
    await b.release?.();
  });
  const saved = await saving;
  b.saved = saved;
  let released: Promise<void> | undefined;
  // once the copy here is verified the member's copy is not needed: removed while the local one is committed, unless
  // the direct transfer's remote half already removed it; a snapshot taken but not transferred is removed too
  b.release = () => (released ??= download.remoteRemoved ? Promise.resolve() : cleanupRemote(fc, b, host, saved.dir));
}

/**
 * Stream the snapshot here while it is checked on the member, keep it only if it arrived whole (size, and the
 * snapshot's own sha256 trailer, or the member's sha256 for a snapshot without one).
 */
async function transfer(fc: FlowContext, b: Backup): Promise<void> {
  const r = fc.reporter;
  const { pick, saved } = b;
  b.t0 = Date.now();
  // etcd appends the sha256 of the snapshot as it streamed it: checking that here verifies the whole way from etcd to
  // this disk, with no second hashing pass over the file on the member
  const trailer = hasTrailer(saved.size);
  b.trailer = trailer;
  r.host(pick.host, `${mib(saved.size)} saved; checking it there (snapshot status${trailer ? '' : ', sha256'}) while streaming it here${trailer ? " against the snapshot's own sha256" : ''}`);
  const stored = await b.download.receive(saved, { sha256: !trailer });
  const snap = { ...saved, ...stored.check };
  if (stored.bytes !== snap.size || (trailer ? !stored.trailerOk : stored.sha256 !== snap.sha256)) {
    const digest = trailer ? (stored.trailerOk ? 'sha256 trailer ok' : "sha256 ≠ the snapshot's own sha256 trailer") : `sha256 ${stored.sha256.slice(0, 16)}… ≠ ${snap.sha256?.slice(0, 16)}…`;
    throw new KsprayError('BackupFailed', `the local copy does not match the snapshot on ${pick.host} (${stored.bytes} of ${snap.size} bytes, ${digest}): discarded`, {
      hint: 'the transfer was damaged or cut short; run the backup again',
    });
  }
  b.stored = stored;
  b.snap = snap;
  b.seconds = (Date.now() - b.t0) / 1000;
  r.host(pick.host, `snapshot ok: revision ${snap.status.revision}, ${snap.status.totalKey} keys, sha256 ${stored.sha256.slice(0, 16)}…`);
  r.info(`transferred ${mib(snap.size)} in ${b.seconds.toFixed(1)}s (${b.download.method}); ${trailer ? "size and the snapshot's own sha256 trailer match" : "size and sha256 match the member's"}`);
}

async function commit(fc: FlowContext, b: Backup): Promise<void> {
  const c = fc.ws.cluster;
  const spec = c.config.spec.etcd;
  const { pick, probe, snap, stored } = b;
  const member = b.state.members.find((m) => m.host === pick.host);
  b.final = join(b.dir, b.name);
  b.meta = {
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
    transferCheck: b.trailer ? 'trailer' : 'member-sha256',
    ...(stored.encrypted ? { encryption: { tool: 'age' as const, recipients: spec.backup.ageRecipients!, storedSha256: stored.encrypted.sha256, storedSize: stored.encrypted.size } } : {}),
    degraded: pick.degraded,
    time: new Date(b.t0).toISOString(),
    verifiedAt: new Date().toISOString(),
  };
  b.releasing = b.release();
  await store.commit(stored.partial, b.final, b.meta);
}

async function retention(fc: FlowContext, b: Backup, o: BackupOptions): Promise<void> {
  const spec = fc.ws.cluster.config.spec.etcd;
  const policy = { keep: o.keep ?? spec.backup.keep, ...(spec.backup.maxAgeDays !== undefined ? { maxAgeDays: spec.backup.maxAgeDays } : {}) };
  const doomed = store.planRetention(await store.listBackups(b.dir), policy, new Date(), b.final);
  for (const f of doomed) await store.removeBackup(f);
  if (doomed.length) fc.reporter.info(`retention (keep ${policy.keep}${policy.maxAgeDays ? `, max ${policy.maxAgeDays} days` : ''}): removed ${doomed.length} older backup(s)`);
  b.doomed = doomed;
  await b.releasing;
}

async function checkSpace(dir: string, need: number): Promise<void> {
  const st = await statfs(dir).catch(() => undefined);
  if (st && st.bavail * st.bsize < need * 1.1)
    throw new KsprayError('BackupFailed', `not enough space in ${dir}: ${mib(st.bavail * st.bsize)} free, the snapshot needs about ${mib(need)}`, {
      hint: 'free space there, lower spec.etcd.backup.keep, or pass --out DIR on a larger disk',
    });
}

const memberHost = (fc: FlowContext, name: string) => fc.ws.cluster.hosts.find((x) => x.name === name)!;

/** The remote temp dir goes whatever happened; if the session died, through a fresh one from the pool. */
async function cleanupRemote(fc: FlowContext, _b: Backup, host: string, dir: string): Promise<void> {
  const pool = flowPool(fc);
  try {
    await removeRemote(await pool.session(memberHost(fc, host)), dir);
  } catch {
    try {
      await removeRemote(await pool.reopen(memberHost(fc, host)), dir);
    } catch (e) {
      fc.reporter.warn(`could not remove the temporary snapshot ${dir} on ${host}: ${(e as Error).message}; it holds every Secret of the cluster — remove it by hand (kspray removes leftovers older than a day on the next backup)`);
    }
  }
}
