import { describe, expect, it } from 'vitest';
import { podNetworkProblems } from './capacity.js';
import { ProblemList } from './problems.js';
import type { Cluster } from './model.js';

type Net = Cluster['config']['spec']['network'];
const net = (o: Partial<Net> & { blockSize?: number }): Net =>
  ({ plugin: 'calico', podSubnet: '10.233.64.0/18', serviceSubnet: '10.233.0.0/18', nodePrefix: 24, maxPodsPerNode: 110, calico: { blockSize: o.blockSize ?? 26 }, ...o }) as unknown as Net;
const verdict = (n: Net, nodes: number) => {
  const p = new ProblemList();
  podNetworkProblems(n, nodes, p);
  return { errors: p.errors.map((x) => x.rule), warnings: p.warnings.map((x) => x.rule) };
};

describe('pod network capacity (shared by validate and health)', () => {
  it('Calico: one block per node at least, headroom for max pods, node CIDRs for kube-controller-manager', () => {
    expect(verdict(net({}), 3)).toEqual({ errors: [], warnings: [] });
    // a /24 of /26 blocks: 4 blocks
    expect(verdict(net({ podSubnet: '10.233.64.0/24' }), 5).errors).toEqual(['network/too-many-nodes']);
    expect(verdict(net({ podSubnet: '10.233.64.0/24' }), 3).warnings).toContain('network/pod-headroom');
    expect(verdict(net({ podSubnet: '10.233.64.0/24', blockSize: 20 }), 3).errors).toEqual(['calico/block-size']);
  });
  it('node-CIDR plugins: one range per node, max pods within a range', () => {
    expect(verdict(net({ plugin: 'flannel' as Net['plugin'] }), 64).errors).toEqual([]);
    expect(verdict(net({ plugin: 'flannel' as Net['plugin'] }), 65).errors).toEqual(['network/too-many-nodes']);
    expect(verdict(net({ plugin: 'flannel' as Net['plugin'], nodePrefix: 26 }), 3).errors).toEqual(['network/max-pods']);
    expect(verdict(net({ plugin: 'flannel' as Net['plugin'], nodePrefix: 16 }), 3).errors).toEqual(['network/node-prefix']);
  });
});
