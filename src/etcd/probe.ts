// Probing etcd members over SSH, one session each: shared by etcd-backup, etcd-restore and health.
import type { NodeHost } from '../config/model.js';
import type { SshPool } from '../ssh/pool.js';
import type { SshSession } from '../ssh/session.js';
import { PROBE_SCRIPT, parseProbe, type MemberProbe } from './status.js';

export async function probeMember(s: SshSession): Promise<MemberProbe> {
  const r = await s.exec(['sh', '-c', PROBE_SCRIPT], { sudo: true });
  return parseProbe(s.target.name, r.stdout, r.stderr);
}

/**
 * Every member in parallel, through the operation's pool; one SSH cannot reach counts as down. Sessions are closed
 * afterwards, unless `keep`: then the pool keeps them for the caller to reuse (the backup snapshots through one);
 * `onProbe` sees each member's probe as soon as it is in (the backup starts its snapshot then, while the others are
 * still probed).
 */
export async function probeMembers(pool: SshPool, hosts: NodeHost[], o: { keep?: boolean; onProbe?: (p: MemberProbe, s: SshSession) => void } = {}): Promise<MemberProbe[]> {
  const settled = await pool.forEachHost(
    hosts,
    async (s) => {
      const p = await probeMember(s);
      o.onProbe?.(p, s);
      return p;
    },
    { keep: Boolean(o.keep) },
  );
  return settled.map((x) => (x.ok ? x.value : { host: x.host, healthy: false, error: (x.error as Error).message }));
}
