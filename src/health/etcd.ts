// etcd health over SSH with kubespray's own certificates (/etc/etcd.env carries ETCDCTL_*): members, leader,
// quorum and failure tolerance, DB size against the backend quota. Parsing and evaluation are pure.
// (src/etcd/ holds only the backup phase so far; if a shared status parser lands there, this should use it.)
import type { Cluster, NodeHost } from '../config/model.js';
import { KnownHosts } from '../ssh/known-hosts.js';
import { SshSession } from '../ssh/session.js';
import { targetFor } from '../ssh/targets.js';
import { check, type Check } from './types.js';

export const ETCD_STATUS_SCRIPT = [
  'set -a; . /etc/etcd.env; set +a; export ETCDCTL_API=3',
  'E=/usr/local/bin/etcdctl; [ -x "$E" ] || E=/opt/bin/etcdctl',
  'echo "@@quota ${ETCD_QUOTA_BACKEND_BYTES:-}"',
  'echo "@@members"; "$E" member list -w json --command-timeout=5s',
  'echo; echo "@@status"; "$E" endpoint status --cluster -w json --command-timeout=5s',
  'echo; echo "@@health"; "$E" endpoint health --cluster -w json --command-timeout=5s',
  'exit 0',
].join('\n');

const DEFAULT_QUOTA = 2 * 1024 ** 3;

export interface EtcdMember {
  id: string;
  name: string;
  clientUrl: string;
}
export interface EtcdEndpoint {
  endpoint: string;
  memberId: string;
  leader: string;
  dbSize: number;
  version: string;
}
export interface EtcdState {
  quota: number;
  members: EtcdMember[];
  statuses: EtcdEndpoint[];
  health: { endpoint: string; healthy: boolean; error?: string }[];
}

/** uint64 ids do not fit a JS number: quote them before JSON.parse */
const quoteIds = (t: string) => t.replace(/"(cluster_id|member_id|ID|leader)":(\d+)/g, '"$1":"$2"');

function section(text: string, name: string): string {
  const m = new RegExp(`@@${name}\\n([\\s\\S]*?)(?=\\n@@|$)`).exec(text);
  return m?.[1]?.trim() ?? '';
}

function json<T>(text: string, fallback: T): T {
  try {
    return text ? (JSON.parse(quoteIds(text)) as T) : fallback;
  } catch {
    return fallback;
  }
}

export function parseEtcdOutput(text: string): EtcdState {
  const quota = Number(/@@quota (\d*)/.exec(text)?.[1] || 0) || DEFAULT_QUOTA;
  const ml = json<{ members?: { ID: string; name?: string; clientURLs?: string[] }[] }>(section(text, 'members'), {});
  const st = json<{ Endpoint: string; Status: { header: { member_id: string }; leader: string; dbSize: number; version: string } }[]>(section(text, 'status'), []);
  const hl = json<{ endpoint: string; health: boolean; error?: string }[]>(section(text, 'health'), []);
  return {
    quota,
    members: (ml.members ?? []).map((m) => ({ id: String(m.ID), name: m.name ?? '', clientUrl: m.clientURLs?.[0] ?? '' })),
    statuses: st.map((s) => ({ endpoint: s.Endpoint, memberId: String(s.Status.header.member_id), leader: String(s.Status.leader), dbSize: s.Status.dbSize, version: s.Status.version })),
    health: hl.map((h) => ({ endpoint: h.endpoint, healthy: Boolean(h.health), ...(h.error ? { error: h.error } : {}) })),
  };
}

export function evaluateEtcd(s: EtcdState, configuredMembers: number): Check[] {
  const n = s.members.length;
  if (n === 0) return [check('etcd.members', 'etcd members healthy', 'fail', ['member list returned nothing'], 'check etcd on the etcd hosts: `systemctl status etcd`, `journalctl -u etcd`')];
  const healthyUrls = new Set(s.health.filter((h) => h.healthy).map((h) => h.endpoint));
  const down = s.members.filter((m) => !healthyUrls.has(m.clientUrl));
  const errors = s.health.filter((h) => !h.healthy).map((h) => `${h.endpoint}: ${h.error ?? 'unhealthy'}`);
  const healthy = n - down.length;
  const quorum = Math.floor(n / 2) + 1;
  const out: Check[] = [];
  const memberEv = [`${healthy}/${n} members healthy${n !== configuredMembers ? ` (config lists ${configuredMembers})` : ''}`, ...down.map((m) => `${m.name || m.id} (${m.clientUrl}) down`), ...errors.slice(0, 4)];
  out.push(check('etcd.members', 'etcd members healthy', down.length ? 'fail' : n !== configuredMembers ? 'warn' : 'ok', memberEv,
    down.length ? `start etcd on ${down.map((m) => m.name).join(', ')} (\`systemctl start etcd\`, \`journalctl -u etcd\`); replace a lost member with kspray remove-node/add-node` : 'reconcile spec.hosts etcd roles with `etcdctl member list`'));
  const tolerates = healthy - quorum;
  out.push(check('etcd.quorum', 'etcd quorum', tolerates < 0 ? 'fail' : tolerates === 0 && n > 1 ? 'warn' : 'ok',
    [`${healthy}/${n} healthy, quorum ${quorum}: ${tolerates < 0 ? 'QUORUM LOST' : `tolerates ${tolerates} more failure(s)`}`],
    tolerates < 0 ? 'restore members until a quorum is up, or recover from a snapshot (kubespray recover-control-plane.yml)' : 'bring the failed members back before doing anything else; one more failure stops the cluster'));
  const leaders = new Set(s.statuses.map((x) => x.leader).filter((l) => l && l !== '0'));
  const leaderName = s.members.find((m) => leaders.has(m.id))?.name;
  out.push(check('etcd.leader', 'etcd has one leader', leaders.size === 1 && leaderName ? 'ok' : 'fail',
    [leaders.size === 0 ? 'no member reports a leader' : leaders.size > 1 ? `members disagree on the leader (${leaders.size} different ids)` : `leader ${leaderName ?? [...leaders][0]}`],
    'check the network between etcd members (port 2380) and `journalctl -u etcd` for election messages'));
  const sizes = s.statuses.map((x) => ({ name: s.members.find((m) => m.id === x.memberId)?.name ?? x.endpoint, size: x.dbSize }));
  const max = sizes.reduce((a, b) => (b.size > a.size ? b : a), { name: '', size: 0 });
  const p = Math.round((max.size / s.quota) * 100);
  out.push(check('etcd.db-size', 'etcd DB size vs quota', p >= 95 ? 'fail' : p > 75 ? 'warn' : 'ok',
    [`largest ${max.name}: ${mib(max.size)} of ${mib(s.quota)} quota (${p}%)`],
    'compact and defragment (`etcdctl compact` + `etcdctl defrag`), or raise etcd_quota_backend_bytes (spec.extraVars) — at the quota etcd turns read-only'));
  return out;
}

const mib = (b: number) => `${(b / 1024 ** 2).toFixed(1)} MiB`;

/** Runs the status script on the first etcd member reachable over SSH. */
export async function etcdChecks(c: Cluster, o: { configDir: string; knownHostsFile: string; becomePassword?: string }): Promise<Check[]> {
  const members = c.etcdMembers.filter((h) => !h.pending);
  if (members.length === 0) return [check('etcd.members', 'etcd members healthy', 'skip', ['no etcd hosts in the config'])];
  const kh = await KnownHosts.load(o.knownHostsFile);
  const tried: string[] = [];
  for (const h of members) {
    const text = await runOn(c, h, kh, o).catch((e: unknown) => {
      tried.push(`${h.name}: ${(e as Error).message}`);
      return undefined;
    });
    if (text !== undefined) return evaluateEtcd(parseEtcdOutput(text), members.length).map((x) => (tried.length ? { ...x, evidence: [...x.evidence, `(via ${h.name}; unreachable over SSH: ${tried.join('; ')})`] } : x));
  }
  return [check('etcd.members', 'etcd members healthy', 'fail', [`no etcd member reachable over SSH`, ...tried], 'check SSH access to the etcd hosts (`kspray hosts trust`) and that they are up')];
}

async function runOn(c: Cluster, h: NodeHost, kh: KnownHosts, o: { configDir: string; becomePassword?: string }): Promise<string> {
  const s = await SshSession.open(targetFor(c, h, o.configDir), { knownHosts: kh, timeoutMs: 10_000, ...(o.becomePassword !== undefined ? { becomePassword: o.becomePassword } : {}) });
  try {
    const r = await s.exec(['sh', '-c', ETCD_STATUS_SCRIPT], { sudo: true });
    if (!r.stdout.includes('@@members')) throw new Error(`etcdctl did not run: ${r.stderr.trim().split('\n').slice(-2).join(' ') || `exit ${r.code}`}`);
    return r.stdout;
  } finally {
    s.close();
  }
}
