// The lab's address plan: the default layout keeps its addresses; larger labs (bench: 30+ hosts) never collide.
import { describe, expect, it } from 'vitest';
import { labSettings, planHosts } from '../lab/settings.js';

const plan = (hosts: number, spares: number) => planHosts(labSettings({ subnet: '10.77.9', hosts, spares }));

describe('lab planHosts', () => {
  it('keeps the default 6 + 2 addresses', () => {
    expect(plan(6, 2).map((h) => `${h.name}@${h.address}`)).toEqual([
      'km01@10.77.9.11',
      'km02@10.77.9.12',
      'km03@10.77.9.13',
      'kube01@10.77.9.21',
      'kube02@10.77.9.22',
      'kube03@10.77.9.23',
      'spare01@10.77.9.51',
      'spare02@10.77.9.52',
    ]);
  });

  it.each([
    [30, 2],
    [40, 2],
    [100, 9],
  ])('%i hosts + %i spares: distinct names and addresses in the subnet, spares after the workers', (hosts, spares) => {
    const p = plan(hosts, spares);
    expect(p).toHaveLength(hosts + spares);
    expect(new Set(p.map((h) => h.address)).size).toBe(p.length);
    expect(new Set(p.map((h) => h.name)).size).toBe(p.length);
    const last = (h: { address: string }) => Number(h.address.split('.').at(-1));
    expect(Math.max(...p.map(last))).toBeLessThanOrEqual(254);
    const lastWorker = Math.max(...p.filter((h) => !h.spare).map(last));
    expect(Math.min(...p.filter((h) => h.spare).map(last))).toBeGreaterThan(lastWorker);
  });

  it('rejects more than 100 hosts', () => {
    expect(() => labSettings({ hosts: 101 })).toThrow(/1-100 hosts/);
  });
});
