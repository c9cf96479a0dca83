// One etcd backup, end to end: probe every member, snapshot a healthy one into a private temp dir, stream it here
// hashing as it comes, keep it only if the digests match, store it under its final name, apply retention.
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
import { checkSnapshot, removeRemote, takeSnapshot } from './snapshot.js';
import { clusterState, describeState, mib, pickMember, type ClusterState } from './status.js';
import * as store from './store.js';
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
  try {
    const probes = await probeMembers(c, hosts, { configDir: ws.configDir, ...sessOpts }, sessions);
    const state = clusterState(probes);
    for (const l of describeState(state)) r.info(l);
    fc.record?.result && Object.assign(fc.record.result, { etcd: { healthy: state.healthy, size: state.size, leader: state.leader } });
    const pick = pickMember(state, probes, { ...(o.member ? { member: o.member } : {}), allowDegraded: Boolean(o.allowDegraded) });
    if ('error' in pick)
      throw new KsprayError('EtcdUnhealthy', `no member to snapshot: ${pick.error}`, {
        details: state.members.filter((m) => !m.healthy).map((m) => `${m.host}: ${m.error}`),
        hint: state.hasQuorum ? 'pick a healthy member with --member, or leave --member out' : 'with quorum lost, --allow-degraded takes a snapshot from a live member anyway (it may miss the last writes)',
      });
    if (pick.degraded)
      r.warn(`DEGRADED snapshot: ${pick.host} has no quorum behind it (${state.healthy}/${state.size} healthy). It holds that member's data as of its last applied entry and may miss writes the cluster acknowledged; it is marked degraded in its metadata.`);
    const session = sessions.get(pick.host)!;
    const probe = probes.find((p) => p.host === pick.host)!;
    if (probe.dbSize) await checkSpace(dir, probe.dbSize);

    r.host(pick.host, 'etcdctl snapshot save (private temp dir on the member)');
    const saved = await takeSnapshot(session);
    try {
      const name = store.backupName(new Date(), pick.host, Boolean(spec.backup.ageRecipients?.length));
      const final = join(dir, name);
      const t0 = Date.now();
      const method = transferMethod(ws.ctx.env);
      r.host(pick.host, `${mib(saved.size)} saved; checking it there (snapshot status, sha256) while streaming it here`);
      // the member-side check reads the file from its page cache; running it alongside the transfer saves a pass
      const [checked, got] = await Promise.allSettled([checkSnapshot(session, saved.file), download(fc, session, saved, dir, name)]);
      if (got.status === 'fulfilled' && checked.status === 'rejected') await rm(got.value.partial, { force: true });
      if (checked.status === 'rejected') throw checked.reason;
      if (got.status === 'rejected') throw got.reason;
      const snap = { ...saved, ...checked.value };
      const stored = got.value;
      if (stored.sha256 !== snap.sha256 || stored.bytes !== snap.size) {
        await rm(stored.partial, { force: true });
        throw new KsprayError('BackupFailed', `the local copy does not match the snapshot on ${pick.host} (${stored.bytes} of ${snap.size} bytes, sha256 ${stored.sha256.slice(0, 16)}… ≠ ${snap.sha256.slice(0, 16)}…): discarded`, {
          hint: 'the transfer was damaged or cut short; run the backup again',
        });
      }
      const seconds = (Date.now() - t0) / 1000;
      r.host(pick.host, `snapshot ok: revision ${snap.status.revision}, ${snap.status.totalKey} keys, sha256 ${snap.sha256.slice(0, 16)}…`);
      r.info(`transferred ${mib(snap.size)} in ${seconds.toFixed(1)}s (${method}), sha256 matches the member's`);
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
        sha256: snap.sha256,
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
    } finally {
      await cleanupRemote(fc, sessions, pick.host, saved.dir, sessOpts);
    }
  } finally {
    for (const s of sessions.values()) s.close();
  }
}

async function checkSpace(dir: string, need: number): Promise<void> {
  const st = await statfs(dir).catch(() => undefined);
  if (st && st.bavail * st.bsize < need * 1.1)
    throw new KsprayError('BackupFailed', `not enough space in ${dir}: ${mib(st.bavail * st.bsize)} free, the snapshot needs about ${mib(need)}`, {
      hint: 'free space there, lower spec.etcd.backup.keep, or pass --out DIR on a larger disk',
    });
}

/** Stream into a private partial file (removed on failure); the caller compares the digest with the member's. */
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
    return { partial, sha256: got.sha256, bytes: got.bytes, ...(encrypted ? { encrypted } : {}) };
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
