// Probing etcd members over SSH, one session each: shared by etcd-backup, etcd-restore and health.
import type { Cluster, NodeHost } from '../config/model.js';
import { SshSession, type SessionOptions } from '../ssh/session.js';
import { eachHost, targetFor } from '../ssh/targets.js';
import { PROBE_SCRIPT, parseProbe, type MemberProbe } from './status.js';

export async function probeMember(s: SshSession): Promise<MemberProbe> {
  const r = await s.exec(['sh', '-c', PROBE_SCRIPT], { sudo: true });
  return parseProbe(s.target.name, r.stdout, r.stderr);
}

/** A member's session, or why it could not be opened (that member counts as down). */
export type Connected = { host: string; session: SshSession } | { host: string; error: string };

/** The one place this module opens sessions: every member in parallel. The caller closes what it gets. */
export async function connectMembers(c: Cluster, hosts: NodeHost[], o: SessionOptions & { configDir: string }): Promise<Connected[]> {
  const { configDir, ...sessOpts } = o;
  const settled = await eachHost(hosts, 8, (h) => SshSession.open(targetFor(c, h, configDir), sessOpts));
  return settled.map((x) => (x.ok ? { host: x.host, session: x.value } : { host: x.host, error: (x.error as Error).message }));
}

/**
 * Probe every connected member in parallel; `onProbe` sees each probe as soon as it is in (the backup starts its
 * snapshot then, while the others are still probed). A member that could not be reached, or whose probe failed, is down.
 */
export async function probeConnected(members: Connected[], onProbe?: (p: MemberProbe, s: SshSession) => void): Promise<MemberProbe[]> {
  const settled = await eachHost(members.map((m) => ({ name: m.host, m })), 8, async ({ m }) => {
    if ('error' in m) throw new Error(m.error);
    const p = await probeMember(m.session);
    onProbe?.(p, m.session);
    return p;
  });
  return settled.map((x) => (x.ok ? x.value : { host: x.host, healthy: false, error: (x.error as Error).message }));
}

/** Connect, probe, close: for callers that only want the state. */
export async function probeMembers(c: Cluster, hosts: NodeHost[], o: SessionOptions & { configDir: string }): Promise<MemberProbe[]> {
  const members = await connectMembers(c, hosts, o);
  try {
    return await probeConnected(members);
  } finally {
    for (const m of members) if ('session' in m) m.session.close();
  }
}
