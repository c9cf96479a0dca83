// PURE: what each etcd member says about itself (local `endpoint status/health -w json`, `member list -w json`)
// and the cluster state kspray derives from all of them: members, leader, quorum, tolerance, DB size vs quota.

/** One member's view, from the probe script run on that member over SSH. */
export interface MemberProbe {
  host: string;
  /** ETCD_NAME and first ETCD_ADVERTISE_CLIENT_URLS from /etc/etcd.env: known even when etcd is down */
  name?: string;
  clientUrl?: string;
  /** SSH or etcdctl failure; the member counts as down */
  error?: string;
  quota?: number;
  memberId?: string;
  leaderId?: string;
  revision?: number;
  dbSize?: number;
  version?: string;
  healthy: boolean;
  healthError?: string;
  /** member list as seen from here (needs quorum) */
  members?: { id: string; name: string; clientUrl: string }[];
}

export interface ClusterState {
  members: { host: string; name: string; id?: string; clientUrl?: string; healthy: boolean; leader: boolean; dbSize?: number; version?: string; error?: string }[];
  leader?: string;
  size: number;
  /** members in `etcdctl member list` (0 when no member could list them) */
  listed: number;
  healthy: number;
  quorum: number;
  hasQuorum: boolean;
  /** how many more members may fail before quorum is lost (negative: already lost) */
  tolerates: number;
  dbSize: number;
  quota: number;
  version?: string;
  revision?: number;
}

export const DEFAULT_QUOTA = 2 * 1024 ** 3;

/** Sources kubespray's /etc/etcd.env (ETCDCTL_* certificates, 127.0.0.1 endpoint) and finds etcdctl. */
export const ETCD_ENV = ['set -a; . /etc/etcd.env; set +a; export ETCDCTL_API=3', 'E=/usr/local/bin/etcdctl; [ -x "$E" ] || E=/opt/bin/etcdctl'];

/** Run on one member (as root): its own status and health, and the member list if there is a quorum. */
export const PROBE_SCRIPT = [
  ...ETCD_ENV,
  'echo "@@quota ${ETCD_QUOTA_BACKEND_BYTES:-}"',
  'echo "@@self ${ETCD_NAME:-} ${ETCD_ADVERTISE_CLIENT_URLS%%,*}"',
  'echo "@@status"; "$E" endpoint status -w json --command-timeout=5s',
  'echo; echo "@@health"; "$E" endpoint health -w json --command-timeout=5s',
  'echo; echo "@@members"; "$E" member list -w json --command-timeout=5s',
  'echo; echo "@@end"',
].join('\n');

/** uint64 ids do not fit a JS number: quote them before JSON.parse */
const quoteIds = (t: string) => t.replace(/"(cluster_id|member_id|ID|leader)":(\d+)/g, '"$1":"$2"');

function section(text: string, name: string): string {
  const m = new RegExp(`@@${name}\\n([\\s\\S]*?)(?=\\n@@|$)`).exec(text);
  return m?.[1]?.trim() ?? '';
}

function parseJson(text: string): unknown {
  // etcdctl may print an error line before or instead of JSON
  const start = text.search(/[[{]/);
  if (start < 0) return undefined;
  try {
    return JSON.parse(quoteIds(text.slice(start)));
  } catch {
    return undefined;
  }
}

type StatusJson = { Endpoint?: string; Status?: { header?: { member_id?: string; revision?: number }; leader?: string; dbSize?: number; version?: string } }[];
type HealthJson = { endpoint?: string; health?: boolean; error?: string }[];
type MembersJson = { members?: { ID: string; name?: string; clientURLs?: string[] }[] };

export function parseProbe(host: string, text: string, stderr = ''): MemberProbe {
  if (!text.includes('@@status')) return { host, healthy: false, error: lastLine(stderr) || 'etcdctl did not run' };
  const quota = Number(/@@quota (\d*)/.exec(text)?.[1] || 0) || DEFAULT_QUOTA;
  const st = (parseJson(section(text, 'status')) as StatusJson | undefined)?.[0]?.Status;
  const hl = (parseJson(section(text, 'health')) as HealthJson | undefined)?.[0];
  const ml = parseJson(section(text, 'members')) as MembersJson | undefined;
  const self = /@@self (\S*) ?(\S*)/.exec(text);
  const p: MemberProbe = { host, ...(self?.[1] ? { name: self[1] } : {}), ...(self?.[2] ? { clientUrl: self[2] } : {}), quota, healthy: Boolean(hl?.health) };
  if (st) {
    Object.assign(p, { memberId: String(st.header?.member_id ?? ''), leaderId: String(st.leader ?? '0'), revision: st.header?.revision ?? 0, dbSize: st.dbSize ?? 0, version: st.version ?? '' });
  } else p.error = lastLine(section(text, 'status')) || lastLine(stderr) || 'endpoint status failed';
  if (!p.healthy) p.healthError = hl?.error || lastLine(section(text, 'health')) || 'unhealthy';
  if (ml?.members) p.members = ml.members.map((m) => ({ id: String(m.ID), name: m.name ?? '', clientUrl: m.clientURLs?.[0] ?? '' }));
  return p;
}

const lastLine = (s: string) => s.trim().split('\n').filter((l) => l.trim() && !l.startsWith('@@')).at(-1)?.trim() ?? '';

/** Combine the probes of every configured member into the cluster's state. */
export function clusterState(probes: MemberProbe[]): ClusterState {
  const list = probes.find((p) => p.members?.length)?.members ?? [];
  const size = Math.max(list.length, probes.length);
  const byId = new Map(list.map((m) => [m.id, m.name]));
  // a member that does not answer is found in the list by the name its etcd.env gives
  const inList = (p: MemberProbe) => list.find((m) => (p.memberId ? m.id === p.memberId : p.name && m.name === p.name));
  const leaders = new Set(probes.filter((p) => p.healthy && p.leaderId && p.leaderId !== '0').map((p) => p.leaderId!));
  const leaderId = leaders.size === 1 ? [...leaders][0] : undefined;
  const members = probes.map((p) => {
    const l = inList(p);
    const clientUrl = l?.clientUrl || p.clientUrl;
    return {
      host: p.host,
      name: l?.name || p.name || p.host,
      ...(p.memberId ? { id: p.memberId } : {}),
      ...(clientUrl ? { clientUrl } : {}),
      healthy: p.healthy,
      leader: Boolean(leaderId && p.memberId === leaderId),
      ...(p.dbSize !== undefined ? { dbSize: p.dbSize } : {}),
      ...(p.version ? { version: p.version } : {}),
      ...(p.healthy ? {} : { error: p.error ?? p.healthError ?? 'unhealthy' }),
    };
  });
  const healthy = members.filter((m) => m.healthy).length;
  const quorum = Math.floor(size / 2) + 1;
  const leaderProbe = probes.find((p) => p.memberId === leaderId);
  return {
    members,
    ...(leaderId ? { leader: byId.get(leaderId) ?? leaderProbe?.host ?? leaderId } : {}),
    size,
    listed: list.length,
    healthy,
    quorum,
    hasQuorum: healthy >= quorum,
    tolerates: healthy - quorum,
    dbSize: Math.max(0, ...probes.map((p) => p.dbSize ?? 0)),
    quota: probes.find((p) => p.quota)?.quota ?? DEFAULT_QUOTA,
    ...(probes.find((p) => p.version)?.version ? { version: probes.find((p) => p.version)!.version! } : {}),
    ...(probes.some((p) => p.revision) ? { revision: Math.max(...probes.map((p) => p.revision ?? 0)) } : {}),
  };
}

/**
 * The member to snapshot: the one asked for, else a healthy follower (spares the leader), else the leader.
 * Without quorum nothing is picked unless degraded snapshots are allowed, then any member whose etcd answers.
 */
export function pickMember(s: ClusterState, probes: MemberProbe[], o: { member?: string; allowDegraded?: boolean }): { host: string; degraded: boolean } | { error: string } {
  const answering = (h: string) => probes.some((p) => p.host === h && p.memberId);
  if (o.member) {
    const m = s.members.find((x) => x.host === o.member || x.name === o.member);
    if (!m) return { error: `${o.member} is not an etcd member of this cluster (members: ${s.members.map((x) => x.host).join(', ')})` };
    if (m.healthy && s.hasQuorum) return { host: m.host, degraded: false };
    if (o.allowDegraded && answering(m.host)) return { host: m.host, degraded: true };
    return { error: `${m.host} is not healthy: ${m.error ?? 'no quorum'}` };
  }
  if (s.hasQuorum) {
    const ok = s.members.filter((m) => m.healthy);
    const pick = ok.find((m) => !m.leader) ?? ok[0];
    if (pick) return { host: pick.host, degraded: false };
  }
  if (o.allowDegraded) {
    const live = probes.filter((p) => p.memberId).sort((a, b) => (b.revision ?? 0) - (a.revision ?? 0))[0];
    if (live) return { host: live.host, degraded: true };
    return { error: 'no etcd member answers at all' };
  }
  return { error: `etcd has no quorum (${s.healthy}/${s.size} healthy, ${s.quorum} needed)` };
}

/**
 * PURE: the member pickMember will pick, decided from the probes in so far (`got`, by host; `order` is the probe
 * order), or undefined while that is not clear yet. The backup starts its snapshot there without waiting for the other
 * probes; pickMember, on all of them, has the last word (a snapshot taken on another member is removed unused).
 */
export function earlyPick(order: string[], got: ReadonlyMap<string, MemberProbe>, member?: string): string | undefined {
  const follower = (p: MemberProbe) => p.healthy && Boolean(p.memberId) && Boolean(p.leaderId) && p.leaderId !== '0' && p.leaderId !== p.memberId;
  if (member) {
    const named = (x: MemberProbe) => x.name === member || x.members?.find((m) => m.id === x.memberId)?.name === member;
    const p = [...got.values()].find((x) => x.host === member || named(x));
    return p?.healthy && p.memberId ? p.host : undefined;
  }
  for (const h of order) {
    const p = got.get(h);
    if (!p) return undefined;
    if (follower(p)) return h;
  }
  return undefined;
}

export const mib = (b: number) => `${(b / 1024 ** 2).toFixed(1)} MiB`;

/** Human lines describing the cluster's state. */
export function describeState(s: ClusterState): string[] {
  const pct = s.quota ? Math.round((s.dbSize / s.quota) * 100) : 0;
  return [
    `members: ${s.members.map((m) => `${m.name}${m.leader ? ' (leader)' : ''}${m.healthy ? '' : ` DOWN: ${m.error}`}`).join(', ')}`,
    `quorum: ${s.healthy}/${s.size} healthy, ${s.quorum} needed — ${s.hasQuorum ? `tolerates ${s.tolerates} more failure(s)` : 'QUORUM LOST'}; leader ${s.leader ?? 'none'}`,
    `db size: ${mib(s.dbSize)} of ${mib(s.quota)} quota (${pct}%)${s.version ? `; etcd ${s.version}` : ''}${s.revision ? `; revision ${s.revision}` : ''}`,
  ];
}
