import { describe, expect, it } from 'vitest';
import { evaluateEtcd, parseEtcdOutput } from './etcd.js';

// captured from the lab (etcd 3.4.23, three members), then edited for the failure cases
const members = `{"header":{"cluster_id":846615772727820333,"member_id":3966440185641973726,"raft_term":2},"members":[{"ID":3966440185641973726,"name":"etcd1","peerURLs":["https://10.95.0.11:2380"],"clientURLs":["https://10.95.0.11:2379"]},{"ID":11096218384939076884,"name":"etcd3","peerURLs":["https://10.95.0.13:2380"],"clientURLs":["https://10.95.0.13:2379"]},{"ID":12302310560062209588,"name":"etcd2","peerURLs":["https://10.95.0.12:2380"],"clientURLs":["https://10.95.0.12:2379"]}]}`;
const status = (hosts: [string, string][], leader = '12302310560062209588', db = 434176) =>
  JSON.stringify(hosts.map(([ip, id]) => ({ Endpoint: `https://${ip}:2379`, Status: { header: { cluster_id: 1, member_id: 0, revision: 461 }, version: '3.4.23', dbSize: db, leader: 0 }, id }))).replace(/"member_id":0,"revision":461\},"version":"3.4.23","dbSize":(\d+),"leader":0\},"id":"(\d+)"/g, `"member_id":$2,"revision":461},"version":"3.4.23","dbSize":$1,"leader":${leader}}`);
const all: [string, string][] = [['10.95.0.11', '3966440185641973726'], ['10.95.0.13', '11096218384939076884'], ['10.95.0.12', '12302310560062209588']];
const health = (down: string[] = []) => JSON.stringify(all.map(([ip]) => ({ endpoint: `https://${ip}:2379`, health: !down.includes(ip), ...(down.includes(ip) ? { error: 'context deadline exceeded' } : {}) })));
const out = (o: { st?: string; hl?: string; quota?: string } = {}) => `@@quota ${o.quota ?? ''}\n@@members\n${members}\n\n@@status\n${o.st ?? status(all)}\n\n@@health\n${o.hl ?? health()}\n`;

describe('etcd status', () => {
  it('parses uint64 member ids without losing precision', () => {
    const s = parseEtcdOutput(out());
    expect(s.members.map((m) => m.id)).toContain('11096218384939076884');
    expect(s.statuses[0]!.leader).toBe('12302310560062209588');
    expect(s.quota).toBe(2 * 1024 ** 3);
  });
  it('a healthy three-member cluster tolerates one failure', () => {
    const cs = evaluateEtcd(parseEtcdOutput(out()), 3);
    expect(cs.map((c) => [c.id, c.status])).toEqual([['etcd.members', 'ok'], ['etcd.quorum', 'ok'], ['etcd.leader', 'ok'], ['etcd.db-size', 'ok']]);
    expect(cs[1]!.evidence[0]).toBe('3/3 healthy, quorum 2: tolerates 1 more failure(s)');
    expect(cs[2]!.evidence[0]).toBe('leader etcd2');
  });
  it('one member down: member check fails, quorum holds with no tolerance left', () => {
    const cs = evaluateEtcd(parseEtcdOutput(out({ st: status(all.slice(0, 2)), hl: health(['10.95.0.12']) })), 3);
    expect(cs[0]).toMatchObject({ status: 'fail' });
    expect(cs[0]!.evidence).toContain('etcd2 (https://10.95.0.12:2379) down');
    expect(cs[1]).toMatchObject({ status: 'warn', evidence: ['2/3 healthy, quorum 2: tolerates 0 more failure(s)'] });
  });
  it('quorum lost and no leader', () => {
    const cs = evaluateEtcd(parseEtcdOutput(out({ st: status(all.slice(0, 1), '0'), hl: health(['10.95.0.12', '10.95.0.13']) })), 3);
    expect(cs[1]!.status).toBe('fail');
    expect(cs[1]!.evidence[0]).toMatch(/QUORUM LOST/);
    expect(cs[2]!.status).toBe('fail');
  });
  it('warns above 75% of the backend quota', () => {
    const cs = evaluateEtcd(parseEtcdOutput(out({ quota: '1000000', st: status(all, undefined, 800000) })), 3);
    expect(cs[3]).toMatchObject({ status: 'warn', evidence: ['largest etcd1: 0.8 MiB of 1.0 MiB quota (80%)'] });
  });
});
