// One etcd backup, end to end: probe every member (the snapshot starts on the member to pick as soon as that is
// known), snapshot into a private temp dir, stream it here hashing as it comes, keep it only if its size and the
// snapshot's own sha256 trailer match (trailer.ts), store it under its final name, apply retention.
// Runs as a phase of a flow (the cluster lock, Ctrl-C and the run record come from runFlow).
import { createWriteStream } from 'node:fs';
import { open, rm, statfs } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { KsprayError, isKsprayError } from '../errors.js';
import type { FlowContext } from '../flows/flow.js';
import { resolveFrom } from '../paths.js';
import { KnownHosts } from '../ssh/known-hosts.js';
import { SshSession } from '../ssh/session.js';
import { targetFor } from '../ssh/targets.js';
import { encryptTo } from './age.js';
import { probeMembers } from './probe.js';
import { removeRemote, snapshotStatus, takeSnapshot } from './snapshot.js';
import { clusterState, describeState, earlyPick, mib, pickMember, type ClusterState, type MemberProbe } from './status.js';
import * as store from './store.js';
import { localSnapshotStatus } from './verify.js';
import { openSource, receive, transferMethod } from './transfer.js';

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

  const knownHosts = await KnownHosts.load(ws.knownHostsFile);
  const sessOpts = { knownHosts, timeoutMs: 10_000, ...(fc.becomePassword !== undefined ? { becomePassword: fc.becomePassword } : {}) };
  const sessions = new Map<string, SshSession>();
  // the snapshot starts on the member that will be picked as soon as its probe (and those before it) are in
  const got = new Map<string, MemberProbe>();
  let early: { host: string; saved: Promise<Saved> } | undefined;
  try {
    const probes = await probeMembers(c, hosts, { configDir: ws.configDir, ...sessOpts }, sessions, (p, s) => {
      got.set(p.host, p);
      if (early || earlyPick(hosts.map((h) => h.name), got, o.member) !== p.host) return;
      early = { host: p.host, saved: takeSnapshot(s) };
      early.saved.catch(() => undefined); // awaited (or discarded) below
    });
    let saved: Saved | undefined;
    let pick: { host: string; degraded: boolean } | undefined;
    try {
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
      r.host(pick.host, 'etcdctl snapshot save (private temp dir on the member)');
      if (early?.host === pick.host) {
        saved = await early.saved;
        early = undefined;
      } else saved = await takeSnapshot(sessions.get(pick.host)!);
      return await transferAndStore(fc, o, { dir, pick, state, probe, saved, sessions });
    } finally {
      if (saved && pick) await cleanupRemote(fc, sessions, pick.host, saved.dir, sessOpts);
      // a snapshot started early on a member that was not picked after all (or before a failure): removed unused
      const unused = early;
      if (unused) {
        const s = await unused.saved.catch(() => undefined);
        if (s) await cleanupRemote(fc, sessions, unused.host, s.dir, sessOpts);
      }
    }
  } finally {
    for (const s of sessions.values()) s.close();
  }
}

type Saved = { dir: string; file: string; size: number };

/** Stream the snapshot here checking its sha256 trailer, `snapshot status` it, then store it. */
async function transferAndStore(fc: FlowContext, o: BackupOptions, x: { dir: string; pick: { host: string; degraded: boolean }; state: ClusterState; probe: MemberProbe; saved: Saved; sessions: Map<string, SshSession> }): Promise<BackupResult> {
  const { ws, reporter: r } = fc;
  const c = ws.cluster;
  const spec = c.config.spec.etcd;
  const { dir, pick, state, probe, saved } = x;
  const session = x.sessions.get(pick.host)!;
  const name = store.backupName(new Date(), pick.host, Boolean(spec.backup.ageRecipients?.length));
  const final = join(dir, name);
  const t0 = Date.now();
  const method = transferMethod(ws.ctx.env);
  // `snapshot status`: on the local copy once it is here when it is plaintext and etcdutl/etcdctl is installed here
  // (measured a little faster than on the member, alongside or after the transfer: docs/benchmarks.md), else on the member
  const plain = !spec.backup.ageRecipients?.length;
  r.host(pick.host, `${mib(saved.size)} saved; streaming it here, checking its sha256 trailer`);
  const [remote, got] = await Promise.allSettled([plain ? Promise.resolve(undefined) : snapshotStatus(session, saved.file), download(fc, session, saved, dir, name)]);
  if (got.status === 'fulfilled' && remote.status === 'rejected') await rm(got.value.partial, { force: true });
  if (remote.status === 'rejected') throw remote.reason;
  if (got.status === 'rejected') throw got.reason;
  const stored = got.value;
  const seconds = (Date.now() - t0) / 1000;
  if (!stored.trailerOk || stored.bytes !== saved.size) {
    await rm(stored.partial, { force: true });
    throw new KsprayError('BackupFailed', `the local copy does not match the snapshot on ${pick.host} (${stored.bytes} of ${saved.size} bytes, ${stored.trailerOk ? 'sha256 trailer ok' : "sha256 ≠ the snapshot's own sha256 trailer"}): discarded`, {
      hint: 'the transfer was damaged or cut short; run the backup again',
    });
  }
  let status = remote.value;
  try {
    status ??= (await localSnapshotStatus(stored.partial).catch(() => undefined))?.status ?? (await snapshotStatus(session, saved.file));
  } catch (e) {
    await rm(stored.partial, { force: true });
    throw e;
  }
  const snap = { ...saved, status };
  r.host(pick.host, `snapshot ok: revision ${snap.status.revision}, ${snap.status.totalKey} keys, sha256 ${stored.sha256.slice(0, 16)}…`);
  r.info(`transferred ${mib(snap.size)} in ${seconds.toFixed(1)}s (${method}), size and sha256 trailer match the member's snapshot`);
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
    trailerVerified: true,
    ...(stored.encrypted ? { encryption: { tool: 'age' as const, recipients: spec.backup.ageRecipients!, storedSha256: stored.encrypted.sha256, storedSize: stored.encrypted.size } } : {}),
    degraded: pick.degraded,
    time: new Date(t0).toISOString(),
    verifiedAt: new Date().toISOString(),
  };
  await store.commit(stored.partial, final, meta).catch(async (e: unknown) => {
    await rm(stored.partial, { force: true });
    throw e;
  });
  const policy = { keep: o.keep ?? spec.backup.keep, ...(spec.backup.maxAgeDays !== undefined ? { maxAgeDays: spec.backup.maxAgeDays } : {}) };
  const doomed = store.planRetention(await store.listBackups(dir), policy, new Date(), final);
  for (const f of doomed) await store.removeBackup(f);
  if (doomed.length) r.info(`retention (keep ${policy.keep}${policy.maxAgeDays ? `, max ${policy.maxAgeDays} days` : ''}): removed ${doomed.length} older backup(s)`);
  return { file: final, meta, state, deleted: doomed, transfer: { method, seconds } };
}

async function checkSpace(dir: string, need: number): Promise<void> {
  const st = await statfs(dir).catch(() => undefined);
  if (st && st.bavail * st.bsize < need * 1.1)
    throw new KsprayError('BackupFailed', `not enough space in ${dir}: ${mib(st.bavail * st.bsize)} free, the snapshot needs about ${mib(need)}`, {
      hint: 'free space there, lower spec.etcd.backup.keep, or pass --out DIR on a larger disk',
    });
}

/** Stream into a private partial file (removed on failure); the caller checks the size and the sha256 trailer. */
async function download(fc: FlowContext, s: SshSession, snap: { file: string; size: number }, dir: string, name: string) {
  const { ws } = fc;
  const partial = store.partialPath(dir, name);
  const recipients = ws.cluster.config.spec.etcd.backup.ageRecipients;
  let ok = false;
  try {
    const file = createWriteStream(partial, { flags: 'wx', mode: 0o600 });
    const opened = new Promise<void>((res, rej) => file.once('open', () => res()).once('error', rej));
    await opened.catch((e: unknown) => {
      throw store.ioError(e, `cannot write in ${dir}`);
    });
    const enc = recipients?.length ? encryptTo(recipients, file) : undefined;
    enc?.done.catch(() => undefined); // awaited below; a failed transfer must not leave it unhandled
    const src = await openSource(transferMethod(ws.ctx.env), s, snap.file, { knownHostsFile: ws.knownHostsFile, ...(fc.becomePassword !== undefined ? { becomePassword: fc.becomePassword } : {}) });
    const got = await receive(src, enc ? enc.input : file, {
      size: snap.size,
      env: ws.ctx.env,
      ...(fc.interrupts ? { signal: fc.interrupts.signal } : {}),
      onProgress: (b) => fc.reporter.debug(`received ${mib(b)} of ${mib(snap.size)}`),
    }).catch((e: unknown) => {
      file.destroy();
      throw isKsprayError(e) ? e : store.ioError(e, `cannot write ${partial}`);
    });
    const encrypted = enc ? await enc.done.catch((e: unknown) => {
      throw isKsprayError(e) ? e : store.ioError(e, `cannot write ${partial}`);
    }) : undefined;
    // on disk before it takes its final name
    const fh = await open(partial, 'r+');
    try {
      await fh.sync();
    } catch (e) {
      throw store.ioError(e, `cannot write ${partial}`);
    } finally {
      await fh.close();
    }
    ok = true;
    return { partial, sha256: got.sha256, bytes: got.bytes, trailerOk: got.trailerOk, ...(encrypted ? { encrypted } : {}) };
  } finally {
    if (!ok) await rm(partial, { force: true });
  }
}

/** The remote temp dir goes whatever happened; if the session died, through a fresh one. */
async function cleanupRemote(fc: FlowContext, sessions: Map<string, SshSession>, host: string, dir: string, sessOpts: Parameters<typeof SshSession.open>[1]): Promise<void> {
  try {
    await removeRemote(sessions.get(host)!, dir);
  } catch {
    const h = fc.ws.cluster.hosts.find((x) => x.name === host)!;
    const s = await SshSession.open(targetFor(fc.ws.cluster, h, fc.ws.configDir), sessOpts).catch(() => undefined);
    try {
      if (s) await removeRemote(s, dir);
      else throw new Error('unreachable');
    } catch (e) {
      fc.reporter.warn(`could not remove the temporary snapshot ${dir} on ${host}: ${(e as Error).message}; it holds every Secret of the cluster — remove it by hand (kspray removes leftovers older than a day on the next backup)`);
    } finally {
      s?.close();
    }
  }
}
