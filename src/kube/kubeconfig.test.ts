import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { mergeKubeconfig, mergeTarget, rewriteKubeconfig } from './kubeconfig.js';

const admin = stringify({
  apiVersion: 'v1',
  kind: 'Config',
  clusters: [{ name: 'cluster.local', cluster: { 'certificate-authority-data': 'Q0E=', server: 'https://10.0.0.1:6443' } }],
  users: [{ name: 'kubernetes-admin', user: { 'client-certificate-data': 'Q0VSVA==', 'client-key-data': 'S0VZ' } }],
  contexts: [{ name: 'kubernetes-admin@cluster.local', context: { cluster: 'cluster.local', user: 'kubernetes-admin' } }],
  'current-context': 'kubernetes-admin@cluster.local',
});

describe('kubeconfig', () => {
  it('renames cluster, user and context after the cluster and points at the reachable server', () => {
    const d = rewriteKubeconfig(admin, 'homelab', 'https://192.168.10.234:6443');
    expect(d.clusters).toEqual([{ name: 'homelab', cluster: { 'certificate-authority-data': 'Q0E=', server: 'https://192.168.10.234:6443' } }]);
    expect(d.users[0].name).toBe('kubernetes-admin-homelab');
    expect(d['current-context']).toBe('kubernetes-admin-homelab@homelab');
  });
  it('merges by name, keeping other entries and the current context', () => {
    const mine = rewriteKubeconfig(admin, 'homelab', 'https://lb:6443');
    const base = { apiVersion: 'v1', kind: 'Config', clusters: [{ name: 'other', cluster: {} }, { name: 'homelab', cluster: { server: 'old' } }], users: [], contexts: [], 'current-context': 'other' };
    const m = mergeKubeconfig(base, mine);
    expect(m.clusters.map((c: { name: string }) => c.name)).toEqual(['other', 'homelab']);
    expect(m.clusters[1].cluster.server).toBe('https://lb:6443');
    expect(m['current-context']).toBe('other');
    expect(mergeKubeconfig(undefined, mine)['current-context']).toBe('kubernetes-admin-homelab@homelab');
  });
  it('merges into the first KUBECONFIG file, else ~/.kube/config', () => {
    expect(mergeTarget({ KUBECONFIG: ':/a/one:/b/two', HOME: '/h' })).toBe('/a/one');
    expect(mergeTarget({ HOME: '/h' })).toBe('/h/.kube/config');
  });
});
