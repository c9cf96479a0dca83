// Edits kspray writes into the user's kspray.yaml (add-node, remove-node, upgrade): the change and nothing else.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { exampleText, validCluster } from '../../test/unit/helpers.js';
import { addHost, removeHost, setHostField, setKubernetesVersion } from './edit.js';

const homelab = exampleText('homelab');
// the yaml library writes flow sequences padded (`[a, b]` becomes `[ a, b ]`); besides the edit that is all it changes
const unpad = (t: string) => t.replace(/\[ ([^\[\]]*) \]/g, '[$1]');
const lines = (t: string) => t.split('\n');
/** the lines of `after` that are not in `before`, and those of `before` that are gone (flow padding aside) */
function diff(before: string, after: string) {
  const a = lines(before);
  const b = lines(unpad(after));
  return { added: b.filter((l) => !a.includes(l)), removed: a.filter((l) => !b.includes(l)) };
}

describe('config edits keep the file as written', () => {
  it('add-node appends one host in the style of the others (a one-line flow mapping); comments stay', () => {
    const out = addHost(homelab, { name: 'kube04', address: '192.168.10.240', roles: ['worker'] });
    expect(diff(homelab, out)).toEqual({ added: ['    - { name: kube04, address: 192.168.10.240, roles: [worker] }'], removed: [] });
    expect(lines(out).indexOf('    - { name: kube04, address: 192.168.10.240, roles: [ worker ] }')).toBe(lines(homelab).findIndex((l) => l.includes('name: kube03')) + 1);
    expect(validCluster(out).hosts.map((h) => h.name)).toContain('kube04');
  });

  it('setting and clearing a host field touches that host only', () => {
    const set = setHostField(homelab, 'kube02', 'port', 2222);
    expect(diff(homelab, set).removed).toEqual([lines(homelab).find((l) => l.includes('name: kube02'))]);
    expect(diff(homelab, set).added).toEqual([expect.stringMatching(/^ {4}- \{ name: kube02, .*port: 2222 \} # VM on pve1$/)]);
    expect(unpad(setHostField(set, 'kube02', 'port', undefined))).toBe(homelab);
    expect(() => setHostField(homelab, 'kube09', 'port', 22)).toThrow(expect.objectContaining({ code: 'BadArgument', message: 'host kube09 is not in the config' }));
  });

  it('remove-node drops the host and pins the etcd member names of the others', () => {
    const out = removeHost(homelab, 'km01', { km02: 'etcd2', km03: 'etcd3' });
    const d = diff(homelab, out);
    expect(d.removed.map((l) => /name: (\w+)/.exec(l)?.[1])).toEqual(['km01', 'km02', 'km03']);
    expect(d.added).toEqual([expect.stringMatching(/name: km02, .*etcdMemberName: etcd2 \}/), expect.stringMatching(/name: km03, .*etcdMemberName: etcd3 \}/)]);
    expect((parse(out) as { spec: { hosts: { name: string }[] } }).spec.hosts.map((h) => h.name)).toEqual(['km02', 'km03', 'kube01', 'kube02', 'kube03']);
    expect(() => removeHost(homelab, 'nope')).toThrow(/host nope is not in the config/);
  });

  it('upgrade changes spec.kubernetes.version and nothing else', () => {
    expect(unpad(setKubernetesVersion(homelab, validCluster(homelab).config.spec.kubernetes.version))).toBe(homelab);
    const from = validCluster(homelab).config.spec.kubernetes.version;
    const out = setKubernetesVersion(homelab, 'v1.99.1');
    const d = diff(homelab, out);
    expect(d.removed).toEqual([expect.stringContaining(from)]);
    expect(d.added).toEqual([d.removed[0]!.replace(from, 'v1.99.1')]);
  });

  it('a config whose spec.hosts is not a list is refused, not rewritten', () => {
    const bad = homelab.replace(/^ {2}hosts:\n( {4}- .*\n)+/m, '  hosts: none\n');
    expect(() => addHost(bad, { name: 'x', address: '10.0.0.1', roles: ['worker'] })).toThrow(expect.objectContaining({ code: 'ConfigInvalid', message: 'spec.hosts is not a list' }));
  });
});
