// Release facts read from a kubespray checkout's files: small file sets in the shape of each layout kubespray has had.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateText } from '../../src/config-text.js';
import { findRelease } from '../../src/config/releases.js';
import { mergeRelease, nearestRelease, readCheckoutRelease } from '../../src/kubespray/checkout-release.js';
import { DefaultsVars, yamlSection } from '../../src/kubespray/defaults-vars.js';
import { releaseDifferences } from '../../src/kubespray/release-diff.js';
import { checkoutFacts, kubeRanges, type CheckoutFiles } from '../../src/kubespray/release-facts.js';
import { exampleText, repoPath, withRelease } from './helpers.js';

const checksums = (name: string, keys: string[]) => `${name}:\n  arm64:\n    ${keys[0]}: 0\n  amd64:\n${keys.map((k) => `    ${k}: sha256:ab\n`).join('')}`;

/** up to v2.27: kubespray-defaults, literal versions with a leading v, per-minor maps, 0040-verify-settings asserts */
const v227: CheckoutFiles = {
  'galaxy.yml': '---\nnamespace: kubernetes_sigs\nname: kubespray\nversion: 2.27.1\n',
  'requirements.txt': 'ansible==9.13.0\ncryptography==44.0.2\n',
  'playbooks/ansible_version.yml': '---\n- name: Check Ansible version\n  hosts: all\n  vars:\n    minimal_ansible_version: 2.16.4\n    maximal_ansible_version: 2.17.0\n',
  'playbooks/remove_node.yml': "---\n- name: Confirm node removal\n  hosts: \"{{ node | default('etcd:k8s_cluster:calico_rr') }}\"\n",
  'roles/kubernetes/preinstall/tasks/0040-verify-settings.yml':
    "---\n- name: Stop if any host not in '--limit' does not have a fact cache\n  assert: {}\n- name: Stop if unknown network plugin\n  assert:\n    that: kube_network_plugin in ['calico', 'flannel', 'weave', 'none']\n- name: Stop if unsupported proxy mode\n  assert:\n    that: kube_proxy_mode in ['iptables', 'ipvs']\n",
  'inventory/sample/inventory.ini': '[kube_control_plane]\n[etcd:children]\nkube_control_plane\n[kube_node]\n',
  'inventory/sample/group_vars/etcd.yml': '---\n',
  'roles/kubespray-defaults/defaults/main/main.yml': '---\n# the default\nkube_version: v1.31.9\n\nkube_version_min_required: v1.30.0\n',
  'roles/kubespray-defaults/defaults/main/checksums.yml': `---\n${checksums('kubelet_checksums', ['v1.31.9', 'v1.31.8', 'v1.31.0', 'v1.30.13', 'v1.30.0', 'v1.29.15'])}crictl_checksums: {}\n`,
  'roles/kubespray-defaults/defaults/main/download.yml':
    "---\ncontainerd_version: 1.7.27\ncalico_version: \"v3.29.4\"\nkube_major_version: \"{{ kube_version | regex_replace('^v([0-9])+\\\\.([0-9]+)\\\\.[0-9]+', 'v\\\\1.\\\\2') }}\"\netcd_supported_versions:\n  v1.31: \"v3.5.21\"\n  v1.30: \"v3.5.16\"\netcd_version: \"{{ etcd_supported_versions[kube_major_version] }}\"\ncrictl_supported_versions:\n  v1.31: \"v1.31.1\"\n  v1.30: \"v1.30.1\"\n",
};

/** v2.28+: kubespray_defaults, versions derived from checksum keys, validate_inventory with removed_vars */
const v231: CheckoutFiles = {
  'galaxy.yml': 'version: 2.31.0\n',
  'requirements.txt': 'ansible==11.13.0\n',
  'playbooks/ansible_version.yml': '---\n- hosts: all\n  vars:\n    minimal_ansible_version: 2.18.0\n    maximal_ansible_version: 2.19.0\n',
  'playbooks/remove_node.yml': "- hosts: \"{{ node | default('this_is_unreachable') }}\"\n",
  'roles/validate_inventory/tasks/main.yml':
    "---\n- name: Fail if removed variables are used\n  vars:\n    removed_vars:\n      - kubelet_static_pod_path # 2.31.0\n  assert:\n    that: x\n- name: Stop if unsupported options selected\n  assert:\n    that:\n      - kube_network_plugin in ['calico', 'cilium', 'none']\n      - kube_proxy_mode in ['iptables', 'ipvs', 'nftables']\n",
  'roles/kubernetes/preinstall/tasks/0040-verify-settings.yml': "- name: Stop if any host not in '--limit' does not have a fact cache\n  assert: {}\n",
  'inventory/sample/inventory.ini': '[kube_control_plane]\n',
  'roles/kubespray_defaults/defaults/main/main.yml':
    "kube_version: \"{{ (kubelet_checksums['amd64'] | dict2items)[0].key }}\"\nkube_version_min_required: \"{{ (kubelet_checksums['amd64'] | dict2items)[-1].key }}\"\n",
  'roles/kubespray_defaults/vars/main/main.yml':
    "kube_major_version: \"{{ (kube_version | split('.'))[:-1] | join('.') }}\"\netcd_supported_versions:\n  '1.35': \"{{ (etcd_binary_checksums['amd64'].keys() | select('version', '3.7', '<'))[0] }}\"\n  '1.34': \"{{ (etcd_binary_checksums['amd64'].keys() | select('version', '3.6', '<'))[0] }}\"\n",
  'roles/kubespray_defaults/vars/main/checksums.yml': `---\n${checksums('kubelet_checksums', ['1.35.4', '1.35.0', '1.34.7', '1.34.0', '1.33.11', '1.33.0'])}${checksums('etcd_binary_checksums', ['3.7.0', '3.6.10', '3.5.26'])}${checksums('containerd_archive_checksums', ['2.2.3', '2.2.2'])}${checksums('calicoctl_binary_checksums', ['3.31.5'])}`,
  'roles/kubespray_defaults/defaults/main/download.yml':
    "containerd_version: \"{{ (containerd_archive_checksums['amd64'] | dict2items)[0].key }}\"\ncalico_version: \"{{ (calicoctl_binary_checksums['amd64'] | dict2items)[0].key }}\"\netcd_version: \"{{ etcd_supported_versions[kube_major_version] }}\"\n",
};

describe('checkoutFacts', () => {
  it('reads a v2.27-style checkout', () => {
    const f = checkoutFacts(v227);
    expect(f.unread).toEqual([]);
    expect(f.galaxyVersion).toBe('2.27.1');
    expect(f.sampleDeclaresK8sCluster).toBe(false);
    expect(f.read).toEqual({
      // below kube_version_min_required (1.29.15) is left out
      kube: { '1.30': 13, '1.31': 9 },
      defaultKube: '1.31.9',
      vPrefix: true,
      components: { etcd: '3.5.21', containerd: '1.7.27', calico: '3.29.4' },
      componentMaps: undefined,
      ansibleCore: { min: '2.16.4', maxExclusive: '2.17.0' },
      ansiblePackage: 'ansible==9.13.0',
      plugins: ['calico', 'flannel', 'weave', 'none'],
      proxyModes: ['iptables', 'ipvs'],
      removedVars: [],
      workersOptional: true,
      limitNeedsFactCache: true,
      removeNodeDefaultsToAll: true,
      etcdGroupVarsFile: true,
    });
  });

  it('reads a v2.28+-style checkout, computing the Jinja-derived versions as Ansible would', () => {
    const f = checkoutFacts(v231);
    expect(f.unread).toEqual([]);
    expect(f.read).toMatchObject({
      kube: { '1.33': 11, '1.34': 7, '1.35': 4 },
      defaultKube: '1.35.4',
      vPrefix: false,
      // 1.35 takes the newest etcd below 3.7
      components: { etcd: '3.6.10', containerd: '2.2.3', calico: '3.31.5' },
      removedVars: ['kubelet_static_pod_path'],
      plugins: ['calico', 'cilium', 'none'],
      proxyModes: ['iptables', 'ipvs', 'nftables'],
      removeNodeDefaultsToAll: false,
      etcdGroupVarsFile: false,
      ansibleCore: { min: '2.18.0', maxExclusive: '2.19.0' },
    });
  });

  it('names minors whose etcd/crictl maps are missing (v2.24.x and 1.29)', () => {
    const files = { ...v227, 'roles/kubespray-defaults/defaults/main/checksums.yml': checksums('kubelet_checksums', ['v1.32.1', 'v1.31.9', 'v1.30.0']) };
    expect(checkoutFacts(files).read.componentMaps).toEqual(['1.30', '1.31']);
  });

  it('leaves unread what the files do not state: a folder that is no kubespray checkout, a Jinja form it cannot evaluate', () => {
    expect(checkoutFacts({}).unread).toContain('kube');
    const odd = { ...v231, 'roles/kubespray_defaults/defaults/main/main.yml': 'kube_version: "{{ lookup(\'env\', \'X\') }}"\n' };
    const f = checkoutFacts(odd);
    expect(f.unread).toEqual(expect.arrayContaining(['kube', 'defaultKube', 'components']));
    expect(f.read.plugins).toEqual(['calico', 'cilium', 'none']);
  });

  it('a file that is not YAML states nothing, and nothing throws', () => {
    const f = checkoutFacts({ ...v231, 'playbooks/ansible_version.yml': '- vars: [unclosed\n', 'galaxy.yml': 'version: &a [*a\n' });
    expect(f.unread).toEqual(['ansibleCore']);
    expect(f.galaxyVersion).toBeUndefined();
  });

  it('reads the stand-in kubespray as a checkout that states no Kubernetes versions', async () => {
    const c = await readCheckoutRelease(repoPath('test', 'kubespray'));
    expect(c?.tag).toBe('v2.25.0');
    expect(c?.tagFrom).toBe('galaxy.yml');
    expect(c?.release).toBeUndefined();
    expect(c?.table).toBe(findRelease('v2.25.0'));
  });

  it('keeps the facts of a checkout on disk by its files, and makes them again when a file or the entry changes', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kspray-facts-'));
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'kspray-facts-cache-'));
    for (const [rel, text] of Object.entries(v227)) {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      fs.writeFileSync(path.join(dir, rel), text!);
    }
    const fresh = checkoutFacts(v227);
    const first = await readCheckoutRelease(dir, undefined, cache);
    expect(first?.facts).toStrictEqual(fresh);
    const entries = () => fs.readdirSync(path.join(cache, 'checkout-facts'));
    expect(entries()).toHaveLength(1);
    // strict equality: a fact stated as undefined survives the round trip
    expect(await readCheckoutRelease(dir, undefined, cache)).toStrictEqual(first);
    fs.writeFileSync(path.join(cache, 'checkout-facts', entries()[0]!), 'damaged');
    expect((await readCheckoutRelease(dir, undefined, cache))?.facts).toStrictEqual(fresh);
    fs.appendFileSync(path.join(dir, 'roles/kubespray-defaults/defaults/main/main.yml'), 'kube_version_min_required: v1.30.4\n');
    expect((await readCheckoutRelease(dir, undefined, cache))?.facts).toStrictEqual(checkoutFacts({ ...v227, 'roles/kubespray-defaults/defaults/main/main.yml': `${v227['roles/kubespray-defaults/defaults/main/main.yml']}kube_version_min_required: v1.30.4\n` }));
    expect(entries()).toHaveLength(2);
  });

  it('is undefined for a folder without galaxy.yml', async () => {
    expect(await readCheckoutRelease(fs.mkdtempSync(path.join(os.tmpdir(), 'kspray-nock-')))).toBeUndefined();
  });
});

describe('defaults variables', () => {
  it('cuts one key out of a YAML file', () => {
    expect(yamlSection('a: 1\nb:\n  x: 2\n  # c\nc: 3\n', 'b')).toBe('b:\n  x: 2\n  # c');
    expect(yamlSection('ab: 1\n', 'a')).toBeUndefined();
    expect(yamlSection('m:\n  x: 1\nx: 2\n', 'x')).toBe('x: 2\n');
    expect(yamlSection('- vars:\n    l:\n    - a\n    - b\n    k: 1\n', 'l', true)).toBe('l:\n- a\n- b');
  });

  it('keeps 1.30 a string and follows plain references', () => {
    const v = new DefaultsVars(['m:\n  1.30: x\nb: "{{ a }}"\n', 'a: "3.10"\n']);
    expect(Object.keys(v.raw('m') as object)).toEqual(['1.30']);
    expect(v.resolve('b')).toBe('3.10');
    expect(v.resolve('nope')).toBeUndefined();
  });

  it('reads checksum keys from flat lines, and any other shape through the YAML parser', () => {
    const v = new DefaultsVars(["a:\n  amd64:\n    1.2.3: sha256:00 # x\n    '1.2.2': 0\n\n    # gone\n    \"1.2.1\": 1\n  arm64: {}\nb:\n  amd64: { 1.0.1: x, 1.0.0: y }\n"]);
    expect(v.keysOf('a', 'amd64')).toEqual(['1.2.3', '1.2.2', '1.2.1']);
    expect(v.keysOf('b', 'amd64')).toEqual(['1.0.1', '1.0.0']);
    expect(v.keysOf('a', 'ppc64le')).toBeUndefined();
  });

  it('sorts Kubernetes ranges by version, not by text', () => {
    expect(kubeRanges(['1.30.10', '1.30.9', '1.9.0'], '1.30.0')).toEqual({ '1.30': 10 });
  });
});

describe('checkout over table', () => {
  const table = findRelease('v2.31.0')!;

  it('the checkout wins, and each difference is named', () => {
    const facts = checkoutFacts(v231);
    facts.read.kube = { ...facts.read.kube, '1.35': 5 };
    const { release } = mergeRelease('v2.31.0', facts);
    expect(release?.kube['1.35']).toBe(5);
    const diffs = releaseDifferences(release!, table);
    expect(diffs).toContain("kubespray checkout v2.31.0 has checksums up to 1.35.5; kspray's table says 1.35.4");
    expect(diffs).toContain("kubespray checkout v2.31.0 accepts the network plugins calico, cilium, none; kspray's table says calico, flannel, cloud, cilium, cni, kube-ovn, kube-router, macvlan, custom_cni, none");
  });

  it('names nothing when they agree', () => {
    expect(releaseDifferences(table, table)).toEqual([]);
  });

  it('a tag the table lacks takes what its files do not state from the newest older entry', () => {
    expect(nearestRelease('v2.33.0').tag).toBe('v2.32.0');
    expect(nearestRelease('v2.24.2').tag).toBe('v2.24.2');
    const { release, table: none } = mergeRelease('v2.33.0', checkoutFacts(v231));
    expect(none).toBeUndefined();
    expect(release?.tag).toBe('v2.33.0');
    expect(release?.defaultKube).toBe('1.35.4');
  });

  it('validate warns that a checkout-only release has no table entry', () => {
    const text = withRelease(exampleText('homelab'), 'v2.33.0', 'v1.35.4');
    expect(validateText(text).errors.map((p) => p.rule)).toContain('version/kubespray');
    const { release } = mergeRelease('v2.33.0', checkoutFacts(v231));
    const r = validateText(text, { release: release! });
    expect(r.errors).toEqual([]);
    expect(r.warnings.find((p) => p.rule === 'version/kubespray-untabled')?.message).toMatch(/kspray has no table entry for kubespray v2\.33\.0/);
  });
});
