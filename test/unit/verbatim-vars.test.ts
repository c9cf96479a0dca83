// spec.groupVars, hosts[].vars and hosts[].groups: rendered verbatim where Ansible reads them, winning over modelled variables.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { validateText } from '../../src/config-text.js';
import { fastParse } from '../../src/config/fast-parse.js';
import { ClusterConfig } from '../../src/config/schema.js';
import { groupVarFiles } from '../../src/inventory/group-vars.js';
import { hostsDocument } from '../../src/inventory/hosts.js';
import { edit, exampleText, validCluster } from './helpers.js';

type Obj = Record<string, any>;
const homelab = exampleText('homelab');

describe('verbatim variables in the config', () => {
  it('renders spec.groupVars.<g> into group_vars/<g>/zz-kspray-group-vars.yml and drops a colliding modelled variable everywhere', () => {
    const c = validCluster(edit(homelab, { 'spec.groupVars': { kube_node: { kubelet_custom_flag: 'x', kube_proxy_mode: '{{ my_mode }}' } } }));
    const files = groupVarFiles(c);
    expect(files.find((f) => f.path === 'group_vars/kube_node/zz-kspray-group-vars.yml')?.vars).toEqual({ kubelet_custom_flag: 'x', kube_proxy_mode: '{{ my_mode }}' });
    expect(files.filter((f) => f.path !== 'group_vars/kube_node/zz-kspray-group-vars.yml' && 'kube_proxy_mode' in f.vars)).toEqual([]);
  });

  it('renders hosts[].vars as host variables (winning over modelled ones) and hosts[].groups as groups', () => {
    const c = validCluster(edit(homelab, { 'spec.hosts.3.vars': { node_custom: 1, ansible_port: 2222 }, 'spec.hosts.3.groups': ['gpu'] }));
    const doc = hostsDocument(c) as Obj;
    const name = c.hosts[3]!.name;
    expect(doc.all.hosts[name]).toMatchObject({ node_custom: 1, ansible_port: 2222 });
    expect(doc.all.children.gpu).toEqual({ hosts: { [name]: {} } });
  });

  it('refuses a further group that kspray fills from roles, and a bad variable name, at their paths', () => {
    const r = validateText(edit(homelab, { 'spec.hosts.0.groups': ['kube_node'], 'spec.groupVars': { gpu: { 'bad-name': 1 }, 'bad-group': {} } }));
    expect(r.errors.map((p) => p.path)).toEqual(expect.arrayContaining(['spec.hosts[0].groups[0]', 'spec.groupVars.gpu.bad-name', 'spec.groupVars.bad-group']));
  });

  it('the compiled parser answers for them, as zod does', () => {
    const text = edit(homelab, { 'spec.groupVars': { gpu: { x: [1, { y: 'z' }] } }, 'spec.hosts.3.vars': { a: true }, 'spec.hosts.3.groups': ['gpu'] });
    const input = parse(text) as unknown;
    expect(fastParse(input)).toEqual(ClusterConfig.parse(input));
  });
});
