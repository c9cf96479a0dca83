import { describe, expect, it } from 'vitest';
import { KsprayError } from '../errors.js';
import type { NodeHost } from '../config/model.js';
import { hostError, openPool, SSH_CONCURRENCY } from './pool.js';
import type { SshSession, SshTarget } from './session.js';

const host = (name: string): NodeHost => ({ index: 0, name, address: `10.0.0.${name.length}`, ip: '', accessIp: '', port: 22, controlPlane: false, etcd: false, worker: true, pending: false }) as NodeHost;

/** A pool whose sessions are fakes: counts opens, closes and how many hosts are worked on at once. */
function fakePool(o: { failOpen?: string[] } = {}) {
  const stats = { opened: [] as string[], closed: [] as string[], running: 0, peak: 0 };
  const pool = openPool({
    target: (h): SshTarget => ({ name: h.name, address: h.address, port: h.port }),
    knownHostsFile: '/nonexistent/known_hosts',
    connect: async (t) => {
      if (o.failOpen?.includes(t.name)) throw new KsprayError('HostsUnreachable', `${t.name} (${t.address}:${t.port}): unreachable: refused`);
      stats.opened.push(t.name);
      return { target: t, close: () => stats.closed.push(t.name) } as unknown as SshSession;
    },
  });
  const work = async (s: SshSession) => {
    stats.running++;
    stats.peak = Math.max(stats.peak, stats.running);
    await new Promise((r) => setImmediate(r));
    stats.running--;
    return s.target.name;
  };
  return { pool, stats, work };
}

describe('SSH session pool', () => {
  it('works on at most SSH_CONCURRENCY hosts at once, results in host order, sessions closed after each', async () => {
    const { pool, stats, work } = fakePool();
    const hosts = Array.from({ length: SSH_CONCURRENCY + 7 }, (_, i) => host(`h${i}`));
    const res = await pool.forEachHost(hosts, work);
    expect(res.map((r) => (r.ok ? r.value : r.error))).toEqual(hosts.map((h) => h.name));
    expect(stats.peak).toBe(SSH_CONCURRENCY);
    expect(stats.closed.sort()).toEqual(hosts.map((h) => h.name).sort());
  });
  it('kept sessions are reused, then closed by close()', async () => {
    const { pool, stats, work } = fakePool();
    const hosts = [host('a'), host('b')];
    await pool.forEachHost(hosts, work, { keep: true });
    await pool.session(hosts[0]!);
    expect(stats.opened).toEqual(['a', 'b']);
    expect(stats.closed).toEqual([]);
    await pool.reopen(hosts[0]!);
    expect(stats.opened).toEqual(['a', 'b', 'a']);
    pool.close();
    await new Promise((r) => setImmediate(r));
    expect(stats.closed.sort()).toEqual(['a', 'a', 'b']);
  });
  it('failures belong to their host: SSH errors as they are, others prefixed with the host', async () => {
    const { pool } = fakePool({ failOpen: ['down'] });
    const res = await pool.forEachHost([host('up'), host('down')], async () => {
      throw new Error('exec failed');
    });
    expect(res.map((r) => (r.ok ? 'ok' : (r.error as Error).message))).toEqual(['up: exec failed', 'down (10.0.0.4:22): unreachable: refused']);
    expect(res[1]!.ok ? undefined : res[1]!.error).toBeInstanceOf(KsprayError);
    // a failed open is not kept: the next use tries again
    await expect(pool.session(host('down'))).rejects.toThrow(/unreachable/);
  });
  it('hostError does not prefix twice', () => {
    expect((hostError('km01', new Error('km01: boom')) as Error).message).toBe('km01: boom');
    expect((hostError('km01', 'boom') as Error).message).toBe('km01: boom');
  });
});
