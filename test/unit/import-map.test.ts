// kspray import's mapping, pure: Ansible's resolved JSON (as `ansible-inventory --list --export` and `--list` print it)
// → a config that validates, with legacy groups, string booleans, vault values, Jinja and custom groups handled.
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { validateText } from '../../src/config-text.js';
import { findRelease } from '../../src/config/releases.js';
import { compareEffective } from '../../src/inventory/import-fidelity.js';
import { readResolved } from '../../src/inventory/import-groups.js';
import { mapInventory } from '../../src/inventory/import-map.js';
import { yamlOpts } from '../../src/inventory/render.js';

type Obj = Record<string, any>;
const VAULT = '$ANSIBLE_VAULT;1.1;AES256\n6466366261393962\n3530623339323561';
const DEFAULTS: Obj = { kube_proxy_strict_arp: false, metallb_enabled: false, kube_proxy_mode: 'ipvs', cluster_name: 'cluster.local', calico_vxlan_mode: 'Always', calico_ipip_mode: 'Never' };
const defaults = (n: string) => DEFAULTS[n];

/** export + list JSON for hosts with their own vars, groups, and group vars (effective = group vars under host vars). */
function resolved(o: { hosts: Record<string, Obj>; groups: Record<string, { hosts?: string[]; children?: string[]; vars?: Obj }> }) {
  const exported: Obj = { _meta: { hostvars: o.hosts }, all: { children: Object.keys(o.groups) } };
  for (const [g, b] of Object.entries(o.groups)) exported[g] = { ...(b.hosts ? { hosts: b.hosts } : {}), ...(b.children ? { children: b.children } : {}), ...(b.vars ? { vars: b.vars } : {}) };
  const member = (g: string): string[] => [...(o.groups[g]?.hosts ?? []), ...(o.groups[g]?.children ?? []).flatMap(member)];
  const hostvars: Obj = {};
  for (const h of Object.keys(o.hosts)) {
    hostvars[h] = {};
    for (const [g, b] of Object.entries(o.groups)) if (g === 'all' || member(g).includes(h)) Object.assign(hostvars[h], b.vars);
    Object.assign(hostvars[h], o.hosts[h]);
  }
  return readResolved(exported, { _meta: { hostvars } });
}

const legacy = () =>
  resolved({
    hosts: { cp2: { ansible_host: '10.0.0.12' }, cp1: { ansible_host: '10.0.0.11' }, w1: { ansible_host: '10.0.0.21', node_labels: { disk: 'ssd' } } },
    groups: {
      all: { vars: { ansible_user: 'deploy' } },
      'kube-master': { hosts: ['cp2', 'cp1'] },
      etcd: { hosts: ['cp1', 'cp2', 'w1'] },
      'kube-node': { hosts: ['w1'] },
      'k8s-cluster': { children: ['kube-master', 'kube-node'], vars: { kube_version: 'v1.29.5', kube_proxy_strict_arp: 'true', kube_proxy_mode: 'iptables', cluster_name: 'legacy.local', custom_knob: 'x' } },
    },
  });
const map = (inv: ReturnType<typeof resolved>, o: { kubernetesVersion?: string } = {}) =>
  mapInventory({ inv, kubespray: { version: 'v2.25.0', path: './kubespray' }, release: findRelease('v2.25.0')!, defaults, ...o });

describe('kspray import mapping', () => {
  it('maps legacy groups, keeps the control-plane order and host names, pins etcd member names, converts string booleans', () => {
    const m = map(legacy());
    expect(m.refusals).toEqual([]);
    const spec = m.config.spec as Obj;
    expect(spec.hosts.map((h: Obj) => [h.name, h.roles])).toEqual([
      ['cp2', ['control-plane', 'etcd']],
      ['cp1', ['control-plane', 'etcd']],
      ['w1', ['etcd', 'worker']],
    ]);
    expect(spec.hosts.map((h: Obj) => h.etcdMemberName)).toEqual(['etcd2', 'etcd1', 'etcd3']);
    expect(spec.hosts[2].labels).toEqual({ disk: 'ssd' });
    expect(spec.kubeProxy).toEqual({ mode: 'iptables', strictArp: true });
    expect(spec.ssh.user).toBe('deploy');
    expect(spec.groupVars).toEqual({ k8s_cluster: { custom_knob: 'x' } });
    expect(m.config.metadata).toEqual({ name: 'legacy.local' });
    expect(m.findings.filter((f) => f.kind === 'legacy-group').map((f) => f.text)).toEqual(['group kube-master → kube_control_plane', 'group kube-node → kube_node', 'group k8s-cluster → k8s_cluster']);
    expect(m.findings.find((f) => f.kind === 'string-boolean')?.text).toMatch(/kube_proxy_strict_arp "true" → true/);
    expect(m.allowed.filter((a) => a.variable === 'kube_proxy_strict_arp').map((a) => a.host).sort()).toEqual(['cp1', 'cp2', 'w1']);
    const check = validateText(stringify(m.config, yamlOpts));
    expect(check.errors).toEqual([]);
  });

  it('refuses an unset kube_version with the question, and pins it with --kubernetes-version', () => {
    const inv = legacy();
    delete inv.groups.get('k8s_cluster')!.vars.kube_version;
    for (const v of Object.values(inv.effective)) delete v.kube_version;
    expect(map(inv).refusals.join('\n')).toMatch(/kube_version is not set.*--kubernetes-version/);
    const pinned = map(inv, { kubernetesVersion: 'v1.29.5' });
    expect(pinned.refusals).toEqual([]);
    expect((pinned.config.spec as Obj).kubernetes).toEqual({ version: 'v1.29.5' });
    expect(pinned.allowed.some((a) => a.variable === 'kube_version' && /pinned/.test(a.reason))).toBe(true);
  });

  it('keeps a custom group with its variables, carries vault values and Jinja verbatim and lists them', () => {
    const inv = resolved({
      hosts: { m1: { ansible_host: '10.0.0.1' }, g1: { ansible_host: '10.0.0.2' } },
      groups: {
        all: { vars: { oidc_secret: { __ansible_vault: VAULT }, kube_version: 'v1.29.5' } },
        kube_control_plane: { hosts: ['m1'] },
        etcd: { hosts: ['m1'] },
        kube_node: { hosts: ['g1'] },
        gpu: { hosts: ['g1'], vars: { nvidia_accelerator_enabled: true } },
        k8s_cluster: { children: ['kube_control_plane', 'kube_node'], vars: { kube_apiserver_node_port_range: "{{ '30000-32767' }}" } },
      },
    });
    const m = map(inv);
    const spec = m.config.spec as Obj;
    expect(spec.hosts.find((h: Obj) => h.name === 'g1').groups).toEqual(['gpu']);
    expect(spec.groupVars.gpu).toEqual({ nvidia_accelerator_enabled: true });
    expect(spec.extraVars.oidc_secret).toBe(VAULT);
    expect(spec.groupVars.k8s_cluster.kube_apiserver_node_port_range).toBe("{{ '30000-32767' }}");
    expect(m.findings.map((f) => f.kind)).toEqual(expect.arrayContaining(['vault', 'jinja']));
    // the vault value goes back out as `!vault |`, which Ansible decrypts
    const text = stringify(m.config, yamlOpts);
    expect(text).toMatch(/oidc_secret: !vault \|-\n\s+\$ANSIBLE_VAULT;1\.1;AES256\n/);
    expect(validateText(text).errors).toEqual([]);
  });

  it('carries a modelled variable verbatim where hosts see different values', () => {
    const inv = legacy();
    inv.hostVars.w1!.kube_proxy_mode = 'ipvs';
    inv.effective.w1!.kube_proxy_mode = 'ipvs';
    const m = map(inv);
    const spec = m.config.spec as Obj;
    expect(spec.groupVars.k8s_cluster.kube_proxy_mode).toBe('iptables');
    expect(spec.hosts.find((h: Obj) => h.name === 'w1').vars).toEqual({ kube_proxy_mode: 'ipvs' });
    expect(m.findings.some((f) => f.kind === 'verbatim' && f.text.startsWith('kube_proxy_mode'))).toBe(true);
  });

  it('the fidelity comparison counts hosts and variables, accepts only the listed differences and the release defaults', () => {
    const original = { a: { x: 1, y: 'ipvs' }, b: { x: 1 } };
    const rendered = { a: { x: 1, y: 'ipvs', kube_proxy_mode: 'ipvs', z: true }, b: { x: 2 } };
    const f = compareEffective(original, rendered, [{ host: 'a', variable: 'z', reason: 'on purpose' }], defaults);
    expect([f.hosts, f.variables, f.explicitDefaults]).toEqual([2, 5, 1]);
    expect(f.accepted.map((d) => d.variable)).toEqual(['z']);
    expect(f.differences).toEqual([{ host: 'b', variable: 'x', original: 1, rendered: 2 }]);
  });
});

describe('kspray import of a jump host', () => {
  it('maps the bastion host to spec.ssh.bastion with its own user, the nodes keep theirs in spec.ssh.user', () => {
    const inv = legacy();
    inv.groups.set('bastion', { hosts: ['bastion'], children: [], vars: {} });
    inv.hostVars.bastion = { ansible_host: '10.0.0.2', ansible_user: 'jump' };
    inv.effective.bastion = { ansible_host: '10.0.0.2', ansible_user: 'jump' };
    const m = map(inv);
    const spec = m.config.spec as Obj;
    expect(spec.ssh).toEqual({ user: 'deploy', bastion: { address: '10.0.0.2', user: 'jump' } });
    expect(spec.hosts.map((h: Obj) => h.name)).not.toContain('bastion');
    expect(m.allowed.filter((a) => a.variable === 'ansible_ssh_common_args').map((a) => a.host).sort()).toEqual(['bastion', 'cp1', 'cp2', 'w1']);
  });
});
