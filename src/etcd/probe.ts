// Probing etcd members over SSH, one session each: shared by etcd-backup, etcd-restore and health.
import type { Cluster, NodeHost } from '../config/model.js';
import { SshSession, type SessionOptions } from '../ssh/session.js';
import { eachHost, targetFor } from '../ssh/targets.js';
import { PROBE_SCRIPT, parseProbe, type MemberProbe } from './status.js';

export async function probeMember(s: SshSession): Promise<MemberProbe> {
  const r = await s.exec(['sh', '-c', PROBE_SCRIPT], { sudo: true });
  return parseProbe(s.target.name, r.stdout, r.stderr);
}

/**
 * Every member in parallel; one SSH cannot reach counts as down. Sessions are closed afterwards, unless `keep` is
 * given: then they go there, for the caller to reuse (the backup snapshots through one) and close; `onProbe` sees each
 * kept member's probe as soon as it is in (the backup starts its snapshot then, while the others are still probed).
 */
export async function probeMembers(c: Cluster, hosts: NodeHost[], o: SessionOptions & { configDir: string }, keep?: Map<string, SshSession>, onProbe?: (p: MemberProbe, s: SshSession) => void): Promise<MemberProbe[]> {
  const { configDir, ...sessOpts } = o;
  const settled = await eachHost(hosts, 8, async (h) => {
    const s = await SshSession.open(targetFor(c, h, configDir), sessOpts);
    if (keep) {
      keep.set(h.name, s);
      const p = await probeMember(s);
      onProbe?.(p, s);
      return p;
    }
    try {
      return await probeMember(s);
    } finally {
      s.close();
    }
  });
  return settled.map((x) => (x.ok ? x.value : { host: x.host, healthy: false, error: (x.error as Error).message }));
}
