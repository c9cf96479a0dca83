// etcd health: the shared per-member probes (src/etcd/probe.ts, kubespray's own certificates from /etc/etcd.env)
// turned into health checks — members, quorum and failure tolerance, leader, DB size against the backend quota.
import type { Cluster } from '../config/model.js';
import { probeMembers } from '../etcd/probe.js';
import { clusterState, mib, type ClusterState } from '../etcd/status.js';
import type { SshPool } from '../ssh/pool.js';
import { check, type Check } from './types.js';

/** PURE: checks from the cluster state built from probing every configured member. */
export function evaluateEtcd(s: ClusterState): Check[] {
  const configured = s.members.length;
  const down = s.members.filter((m) => !m.healthy);
  // a listed member that is not configured is never probed, so it cannot count as healthy
  const mismatch = s.listed > 0 && s.listed !== configured;
  const memberEv = [
    `${s.healthy}/${s.size} members healthy${mismatch ? ` (config lists ${configured})` : ''}`,
    ...down.map((m) => `${m.name}${m.clientUrl ? ` (${m.clientUrl})` : ''} down`),
    ...down.slice(0, 4).map((m) => `${m.host}: ${m.error ?? 'unhealthy'}`),
  ];
  const out: Check[] = [
    check('etcd.members', 'etcd members healthy', down.length ? 'fail' : mismatch ? 'warn' : 'ok', memberEv,
      down.length ? `start etcd on ${down.map((m) => m.name).join(', ')} (\`systemctl start etcd\`, \`journalctl -u etcd\`); replace a lost member with kspray remove-node/add-node` : 'reconcile spec.hosts etcd roles with `etcdctl member list`'),
    check('etcd.quorum', 'etcd quorum', s.tolerates < 0 ? 'fail' : s.tolerates === 0 && s.size > 1 ? 'warn' : 'ok',
      [`${s.healthy}/${s.size} healthy, quorum ${s.quorum}: ${s.tolerates < 0 ? 'QUORUM LOST' : `tolerates ${s.tolerates} more failure(s)`}`],
      s.tolerates < 0 ? 'restore members until a quorum is up, or recover from a snapshot (kubespray recover-control-plane.yml)' : 'bring the failed members back before doing anything else; one more failure stops the cluster'),
    check('etcd.leader', 'etcd has one leader', s.leader ? 'ok' : 'fail', [s.leader ? `leader ${s.leader}` : 'no healthy member agrees on a leader'],
      'check the network between etcd members (port 2380) and `journalctl -u etcd` for election messages'),
  ];
  const max = s.members.reduce<{ name: string; size: number }>((a, m) => ((m.dbSize ?? 0) > a.size ? { name: m.name, size: m.dbSize! } : a), { name: '', size: 0 });
  const p = Math.round((max.size / s.quota) * 100);
  out.push(check('etcd.db-size', 'etcd DB size vs quota', p >= 95 ? 'fail' : p > 75 ? 'warn' : 'ok',
    [max.name ? `largest ${max.name}: ${mib(max.size)} of ${mib(s.quota)} quota (${p}%)` : 'no member reported its DB size'],
    'compact and defragment (`etcdctl compact` + `etcdctl defrag`), or raise etcd_quota_backend_bytes (spec.extraVars) — at the quota etcd turns read-only'));
  return out;
}

/** `keep`: the sessions stay in the pool (the health pass shares it with the certificates check and closes it). */
export async function etcdChecks(c: Cluster, pool: SshPool): Promise<Check[]> {
  const members = c.etcdMembers.filter((h) => !h.pending);
  if (members.length === 0) return [check('etcd.members', 'etcd members healthy', 'skip', ['no etcd hosts in the config'])];
  return evaluateEtcd(clusterState(await probeMembers(pool, members, { keep: true })));
}
