import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checksPlan, type CheckoutTexts } from './checks-playbook.js';
import { cachedChecksPlan } from './plan-cache.js';

const cache = mkdtempSync(join(tmpdir(), 'kspray-plan-cache-'));
afterAll(() => rmSync(cache, { recursive: true, force: true }));

const texts: CheckoutTexts = {
  dir: '/ks',
  defaultsRole: 'kubespray-defaults',
  defaultsRoleDirs: ['defaults', 'tasks', 'vars'],
  boilerplate: '- name: Check inventory\n  hosts: all\n  roles: [validate_inventory]\n',
  clusterPlaybook: '- hosts: k8s_cluster:etcd\n  roles: [{ role: kubernetes/preinstall }]\n',
  validateInventory: '- name: Stop if even number of etcd hosts\n  assert: { that: groups.etcd | length is not divisibleby 2 }\n',
  setFacts: '- name: s\n  set_fact: { a: 1 }\n',
  verify: '- name: Stop if non systemd OS type\n  assert: { that: \'ansible_service_mgr == "systemd"\' }\n- name: Stop if bad hostname\n  assert: { that: \'inventory_hostname is match("[a-z]+")\' }\n',
};

describe('cached checks plan', () => {
  it('is the plan checksPlan makes, for whichever private dir the run has, made once per checkout', async () => {
    const first = await cachedChecksPlan(texts, '/tmp/run-a', cache);
    expect(first).toEqual(checksPlan(texts, '/tmp/run-a'));
    const second = await cachedChecksPlan(texts, '/var/tmp/run-b', cache);
    expect(second).toEqual(checksPlan(texts, '/var/tmp/run-b'));
    // a dir YAML would quote gets a plan of its own
    expect(await cachedChecksPlan(texts, '/tmp/run c: "quoted"', cache)).toEqual(checksPlan(texts, '/tmp/run c: "quoted"'));
    expect(readdirSync(join(cache, 'checks-plans'))).toHaveLength(1);
  });

  it('is made again when the checkout changes', async () => {
    const changed = { ...texts, validateInventory: `${texts.validateInventory}- name: Stop if bad hostname\n  assert: { that: false }\n` };
    expect(await cachedChecksPlan(changed, '/tmp/run-c', cache)).toEqual(checksPlan(changed, '/tmp/run-c'));
    expect(readdirSync(join(cache, 'checks-plans'))).toHaveLength(2);
  });

  it('still plans where the cache cannot be written', async () => {
    const file = join(cache, 'a-file');
    writeFileSync(file, '');
    expect(await cachedChecksPlan(texts, '/tmp/run-d', join(file, 'below'))).toEqual(checksPlan(texts, '/tmp/run-d'));
  });
});
