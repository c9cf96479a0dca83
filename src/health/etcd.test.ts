import { describe, expect, it } from 'vitest';
import { clusterState, type MemberProbe } from '../etcd/status.js';
import { evaluateEtcd } from './etcd.js';

// member ids, names and URLs as in the lab (etcd 3.4.23, three members); probe parsing is tested in src/etcd/
const lab = [
  { host: 'km01', id: '3966440185641973726', name: 'etcd1', clientUrl: 'https://10.95.0.11:2379' },
  { host: 'km02', id: '12302310560062209588', name: 'etcd2', clientUrl: 'https://10.95.0.12:2379' },
  { host: 'km03', id: '11096218384939076884', name: 'etcd3', clientUrl: 'https://10.95.0.13:2379' },
];
const members = lab.map(({ id, name, clientUrl }) => ({ id, name, clientUrl }));
function probes(o: { down?: string[]; leader?: string; dbSize?: number; quota?: number } = {}): MemberProbe[] {
  const leaderId = o.leader ?? lab[1]!.id;
  return lab.map((m) =>
    o.down?.includes(m.host)
      ? { host: m.host, name: m.name, clientUrl: m.clientUrl, quota: o.quota ?? 2 * 1024 ** 3, healthy: false, error: 'context deadline exceeded' }
      : { host: m.host, name: m.name, clientUrl: m.clientUrl, quota: o.quota ?? 2 * 1024 ** 3, memberId: m.id, leaderId, revision: 461, dbSize: o.dbSize ?? 434176, version: '3.4.23', healthy: leaderId !== '0', members },
  );
}
const evaluate = (o?: Parameters<typeof probes>[0]) => evaluateEtcd(clusterState(probes(o)));

describe('etcd health checks', () => {
  it('a healthy three-member cluster tolerates one failure and names its leader', () => {
    const cs = evaluate();
    expect(cs.map((c) => [c.id, c.status])).toEqual([['etcd.members', 'ok'], ['etcd.quorum', 'ok'], ['etcd.leader', 'ok'], ['etcd.db-size', 'ok']]);
    expect(cs[0]!.evidence).toEqual(['3/3 members healthy']);
    expect(cs[1]!.evidence[0]).toBe('3/3 healthy, quorum 2: tolerates 1 more failure(s)');
    expect(cs[2]!.evidence[0]).toBe('leader etcd2');
  });
  it('one member down: member check fails, quorum holds with no tolerance left', () => {
    const cs = evaluate({ down: ['km03'] });
    expect(cs[0]).toMatchObject({ status: 'fail' });
    expect(cs[0]!.evidence).toEqual(['2/3 members healthy', 'etcd3 (https://10.95.0.13:2379) down', 'km03: context deadline exceeded']);
    expect(cs[1]).toMatchObject({ status: 'warn', evidence: ['2/3 healthy, quorum 2: tolerates 0 more failure(s)'] });
  });
  it('quorum lost and no leader', () => {
    const cs = evaluate({ down: ['km02', 'km03'], leader: '0' });
    expect(cs[1]!.status).toBe('fail');
    expect(cs[1]!.evidence[0]).toMatch(/QUORUM LOST/);
    expect(cs[2]).toMatchObject({ status: 'fail', evidence: ['no healthy member agrees on a leader'] });
  });
  it('a listed member the config does not have is a warning', () => {
    const ps = probes().slice(0, 2);
    const cs = evaluateEtcd(clusterState(ps));
    expect(cs[0]).toMatchObject({ status: 'warn', evidence: ['2/3 members healthy (config lists 2)'] });
  });
  it('warns above 75% of the backend quota', () => {
    const cs = evaluate({ quota: 1000000, dbSize: 800000 });
    expect(cs[3]).toMatchObject({ status: 'warn', evidence: ['largest etcd1: 0.8 MiB of 1.0 MiB quota (80%)'] });
  });
});
