import { describe, expect, it } from 'vitest';
import { clusterState, describeState, earlyPick, parseProbe, pickMember, type MemberProbe } from './status.js';

// captured from the lab (etcd 3.4.23, three members) with PROBE_SCRIPT on km01
const KM01 = `@@quota 
@@status
[{"Endpoint":"https://127.0.0.1:2379","Status":{"header":{"cluster_id":8125223556773321223,"member_id":15512259267062653059,"revision":1217,"raft_term":2},"version":"3.4.23","dbSize":651264,"leader":8330484730109814318,"raftIndex":2587,"raftTerm":2,"raftAppliedIndex":2587,"dbSizeInUse":536576}}]

@@health
[{"endpoint":"https://127.0.0.1:2379","health":true,"took":"13.008433ms"}]

@@members
{"header":{"cluster_id":8125223556773321223,"member_id":15512259267062653059,"raft_term":2},"members":[{"ID":5241507341219858638,"name":"etcd2","peerURLs":["https://10.84.0.12:2380"],"clientURLs":["https://10.84.0.12:2379"]},{"ID":8330484730109814318,"name":"etcd3","peerURLs":["https://10.84.0.13:2380"],"clientURLs":["https://10.84.0.13:2379"]},{"ID":15512259267062653059,"name":"etcd1","peerURLs":["https://10.84.0.11:2380"],"clientURLs":["https://10.84.0.11:2379"]}]}

@@end`;
const ids = { km01: '15512259267062653059', km02: '5241507341219858638', km03: '8330484730109814318' };
const probeText = (host: keyof typeof ids) => KM01.replace(new RegExp(ids.km01, 'g'), 'SELF').replace('"member_id":SELF', `"member_id":${ids[host]}`).replace(/SELF/g, ids.km01);
// a member whose peers are gone: its own status answers (no leader), health and member list time out
const NO_QUORUM = `@@quota 8589934592
@@status
[{"Endpoint":"https://127.0.0.1:2379","Status":{"header":{"cluster_id":8125223556773321223,"member_id":${ids.km01},"revision":1300,"raft_term":5},"version":"3.4.23","dbSize":700000,"leader":0,"raftIndex":2600,"raftTerm":5}}]

@@health
[{"endpoint":"https://127.0.0.1:2379","health":false,"took":"5.001s","error":"context deadline exceeded"}]

@@members

@@end
`;

const healthy = (): MemberProbe[] => (['km01', 'km02', 'km03'] as const).map((h) => parseProbe(h, probeText(h)));

describe('etcd member probes', () => {
  it('parses a real probe: uint64 ids intact, revision, size, version, member list', () => {
    const p = parseProbe('km01', KM01);
    expect(p).toMatchObject({ host: 'km01', memberId: ids.km01, leaderId: ids.km03, version: '3.4.23', healthy: true, quota: 2 * 1024 ** 3 });
    expect(p.revision).toBeGreaterThan(0);
    expect(p.members?.map((m) => m.name).sort()).toEqual(['etcd1', 'etcd2', 'etcd3']);
  });
  it('a member without quorum answers status but is not healthy', () => {
    const p = parseProbe('km01', NO_QUORUM);
    expect(p).toMatchObject({ healthy: false, leaderId: '0', revision: 1300, quota: 8589934592, healthError: 'context deadline exceeded' });
    expect(p.members).toBeUndefined();
  });
  it('a stopped member still names itself from /etc/etcd.env', () => {
    const p = parseProbe('km03', '@@quota \n@@self etcd3 https://10.84.0.13:2379\n@@status\n\n@@health\n\n@@members\n\n@@end\n', 'Error: context deadline exceeded\n');
    expect(p).toMatchObject({ name: 'etcd3', clientUrl: 'https://10.84.0.13:2379', healthy: false, error: 'Error: context deadline exceeded' });
  });
  it('no etcdctl output at all is an error with the last stderr line', () => {
    expect(parseProbe('km02', '', 'sudo: a password is required\n')).toMatchObject({ healthy: false, error: 'sudo: a password is required' });
  });
});

describe('cluster state', () => {
  it('three healthy members: leader named, quorum 2, tolerates one failure', () => {
    const s = clusterState(healthy());
    expect(s).toMatchObject({ size: 3, healthy: 3, quorum: 2, hasQuorum: true, tolerates: 1, leader: 'etcd3', version: '3.4.23' });
    expect(s.members.find((m) => m.leader)?.host).toBe('km03');
    expect(describeState(s)[1]).toBe('quorum: 3/3 healthy, 2 needed — tolerates 1 more failure(s); leader etcd3');
  });
  it('one member down (SSH or etcd): still a quorum, no tolerance left', () => {
    const ps = healthy();
    ps[1] = { host: 'km02', healthy: false, error: 'connection refused' };
    const s = clusterState(ps);
    expect(s).toMatchObject({ healthy: 2, hasQuorum: true, tolerates: 0 });
    expect(describeState(s)[0]).toContain('km02 DOWN: connection refused');
  });
  it('a stopped member gets its etcd name and client URL from the member list', () => {
    const ps = healthy();
    ps[2] = { host: 'km03', name: 'etcd3', healthy: false, error: 'context deadline exceeded' };
    const s = clusterState(ps);
    expect(s).toMatchObject({ size: 3, listed: 3, healthy: 2 });
    expect(s.members[2]).toMatchObject({ host: 'km03', name: 'etcd3', clientUrl: 'https://10.84.0.13:2379', healthy: false });
  });
  it('quorum lost: nobody is leader', () => {
    const s = clusterState([parseProbe('km01', NO_QUORUM), { host: 'km02', healthy: false, error: 'down' }, { host: 'km03', healthy: false, error: 'down' }]);
    expect(s).toMatchObject({ size: 3, healthy: 0, hasQuorum: false, tolerates: -2 });
    expect(s.leader).toBeUndefined();
    expect(describeState(s)[1]).toContain('QUORUM LOST');
  });
});

describe('picking the member to snapshot', () => {
  it('prefers a healthy follower over the leader', () => {
    const ps = healthy();
    expect(pickMember(clusterState(ps), ps, {})).toEqual({ host: 'km01', degraded: false });
  });
  it('honours --member by host or etcd member name', () => {
    const ps = healthy();
    expect(pickMember(clusterState(ps), ps, { member: 'etcd3' })).toEqual({ host: 'km03', degraded: false });
    expect(pickMember(clusterState(ps), ps, { member: 'km02' })).toEqual({ host: 'km02', degraded: false });
    expect(pickMember(clusterState(ps), ps, { member: 'nope' })).toHaveProperty('error');
  });
  it('skips a down member', () => {
    const ps = healthy();
    ps[0] = { host: 'km01', healthy: false, error: 'down' };
    expect(pickMember(clusterState(ps), ps, {})).toEqual({ host: 'km02', degraded: false });
  });
  it('without quorum refuses, unless degraded snapshots are allowed', () => {
    const ps = [parseProbe('km01', NO_QUORUM), { host: 'km02', healthy: false, error: 'down' }, { host: 'km03', healthy: false, error: 'down' }];
    const s = clusterState(ps);
    expect(pickMember(s, ps, {})).toEqual({ error: 'etcd has no quorum (0/3 healthy, 2 needed)' });
    expect(pickMember(s, ps, { allowDegraded: true })).toEqual({ host: 'km01', degraded: true });
  });
});

describe('earlyPick', () => {
  const p = (host: keyof typeof ids) => parseProbe(host, probeText(host));
  const order = ['km01', 'km02', 'km03'];
  it('the first follower in probe order, once every member before it is in', () => {
    const got = new Map<string, MemberProbe>();
    got.set('km02', p('km02'));
    expect(earlyPick(order, got)).toBeUndefined(); // km01 may still be the one pickMember takes
    got.set('km01', p('km01'));
    expect(earlyPick(order, got)).toBe('km01');
    const all = new Map(order.map((h) => [h, p(h as keyof typeof ids)]));
    expect(earlyPick(order, all)).toBe((pickMember(clusterState([...all.values()]), [...all.values()], {}) as { host: string }).host);
    // km03 leads: never picked early when no follower is in
    expect(earlyPick(order, new Map([['km01', { host: 'km01', healthy: false }], ['km02', { host: 'km02', healthy: false }], ['km03', p('km03')]]))).toBeUndefined();
  });
  it('--member: as soon as that member is healthy (by host or etcd name)', () => {
    expect(earlyPick(order, new Map([['km03', p('km03')]]), 'km03')).toBe('km03');
    expect(earlyPick(order, new Map([['km01', p('km01')]]), 'etcd1')).toBe('km01');
    expect(earlyPick(order, new Map([['km01', parseProbe('km01', NO_QUORUM)]]), 'km01')).toBeUndefined();
  });
});
