import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { validateText } from '../config-text.js';
import { parseYaml } from '../config/yaml-source.js';
import { failureProblem, ruleSlug } from './map-failures.js';
import { buildVarMap, pathsOf } from './var-map.js';

const homelab = readFileSync(new URL('../../templates/examples/homelab.yaml', import.meta.url), 'utf8');
const load = (text: string) => {
  const v = validateText(text);
  return { c: v.cluster!, src: parseYaml(text).source, text };
};

describe('the variable → config path map', () => {
  it('comes from the renderer: group variables, host variables per host, extraVars by key', () => {
    const { c } = load(homelab);
    const m = buildVarMap(c);
    expect(pathsOf(m, c, 'kube_pods_subnet')).toEqual(['spec.network.podSubnet']);
    expect(pathsOf(m, c, 'kube_network_node_prefix')).toEqual(['spec.network.nodePrefix']);
    expect(pathsOf(m, c, 'kube_version')).toEqual(['spec.kubernetes.version']);
    expect(pathsOf(m, c, 'ip', 'kube02')).toEqual(['spec.hosts[4].address']);
    expect(pathsOf(m, c, 'upstream_dns_servers')).toEqual(['spec.dns.upstreamServers[0]']);
    const x = load(homelab.replace(/\n*$/, '\n  extraVars:\n    kube_pods_subnet: 10.0.0.0/8\n'));
    expect(pathsOf(buildVarMap(x.c), x.c, 'kube_pods_subnet')).toEqual(['spec.extraVars.kube_pods_subnet']);
  });
});

describe('a failed kubespray check', () => {
  it('becomes a problem at the path and line of the variable in its failed expression, with kubespray\'s message', () => {
    const { c, src, text } = load(homelab);
    const tasks = new Map([['Check that kube_pods_subnet is a network range', { name: 'x', assert: { that: ["kube_pods_subnet | ansible.utils.ipaddr('net')"] } }]]);
    const p = failureProblem(
      { host: 'km01', task: 'validate_inventory : Check that kube_pods_subnet is a network range', msg: "kube_pods_subnet = 'x' is not a valid network range", assertion: "kube_pods_subnet | ansible.utils.ipaddr('net')" },
      tasks,
      c,
      buildVarMap(c),
      src,
    );
    expect(p.rule).toBe('kubespray/check-that-kube-pods-subnet-is-a-network-range');
    expect(p.path).toBe('spec.network.podSubnet');
    expect(text.split('\n')[p.line! - 1]).toMatch(/podSubnet/);
    expect(p.message).toContain("is not a valid network range");
  });

  it('of a host names that host\'s entry', () => {
    const { c, src } = load(homelab);
    const p = failureProblem({ host: 'kube03', task: 'x : Stop if bad hostname', msg: 'Hostname must consist of lower case alphanumeric characters', assertion: 'inventory_hostname is match("[a-z0-9]")' }, new Map(), c, buildVarMap(c), src);
    expect(p.path).toBe('spec.hosts[5].name');
  });

  it('slugs long task names at a word boundary', () => {
    expect(ruleSlug('Stop if using deprecated comma separated list for admission plugins')).toBe('stop-if-using-deprecated-comma-separated-list-for-admission');
    expect(ruleSlug('Stop if even number of etcd hosts')).toBe('stop-if-even-number-of-etcd-hosts');
  });
});
