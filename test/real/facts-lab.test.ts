// Real kubespray on lab hosts, per ref: the lab config rendered for the ref's release is read right by real
// ansible-inventory; real playbooks/facts.yml, run exactly as kspray runs it, caches facts for every host; the tag's
// own --limit fact-cache check accepts that cache (and refuses an empty one); and under --limit every host keeps
// its group_vars/k8s_cluster values. Own lab (10.77.105.0/24 + shift, no spares).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { factsInvocation } from '../../src/flows/steps.js';
import type { LabInfo } from '../lab/info.js';
import { labDown } from '../lab/down.js';
import { labUp } from '../lab/up.js';
import { LAB_TIMEOUT, testLabOptions } from '../lab/testing.js';
import { expectedHostVars, inventoryProblems, realInventory, writeRendered } from './inventory.js';
import { realKubespray, realRefs, realSkipReason } from './kubespray.js';
import { cachedHosts, kspraySettings, labCluster, realLimitCheck, runAsKspray, VIEWED_VARS, writeLimitPlaybook } from './run.js';

const NAME = 'realks';
const NET = 105;
const skip = realSkipReason();
// lab hosts are not systemd; kubespray's plays that assert it get told
const notSystemd = { ansible_service_mgr: 'systemd' };
let info: LabInfo;

describe.skipIf(skip)(`real kubespray on lab hosts${skip ? ` (${skip})` : ''}`, { timeout: 900_000 }, () => {
  beforeAll(async () => {
    info = await labUp({ ...testLabOptions(NAME, NET), spares: 0, fresh: true });
  }, LAB_TIMEOUT);
  afterAll(async () => {
    const { dir } = testLabOptions(NAME, NET);
    await labDown({ dir });
    fs.rmSync(dir, { recursive: true, force: true });
  }, LAB_TIMEOUT);

  for (const ref of realRefs())
    describe(`kubespray ${ref}`, () => {
      const state = () => path.join(info.dir, 'clusters', ref);
      const k = () => realKubespray(ref);
      const c = () => labCluster(info, k());
      const inventory = () => path.join(state(), 'inventory/hosts.yaml');
      const settings = (dir = state()) => kspraySettings(info, k(), c(), dir, inventory());

      it('real ansible-inventory shows the lab config as rendered', async () => {
        fs.rmSync(state(), { recursive: true, force: true });
        writeRendered(c(), path.dirname(inventory()));
        expect(inventoryProblems(c(), await realInventory(k(), inventory()))).toEqual([]);
      });

      it('playbooks/facts.yml, run as kspray runs it, caches facts for every host', async () => {
        const r = await runAsKspray({ ...factsInvocation(c().release), extraVars: notSystemd }, settings());
        expect(r.code, r.output.slice(-4000)).toBe(0);
        expect(cachedHosts(settings().factCacheDir)).toEqual(c().hosts.map((h) => h.name).sort());
      });

      for (const limit of [['kube03'], ['etcd', 'kube_control_plane']])
        it(`under --limit ${limit.join(',')} every host keeps its group vars and the cache passes the --limit check`, async () => {
          const pb = path.join(state(), 'limit-check.yml');
          const view = path.join(state(), 'view.json');
          writeLimitPlaybook(k(), pb, view);
          const r = await runAsKspray({ playbook: pb, limit, extraVars: notSystemd }, settings());
          expect(r.code, r.output.slice(-4000)).toBe(0);
          const want = expectedHostVars(c());
          const seen = JSON.parse(fs.readFileSync(view, 'utf8')) as Record<string, Record<string, unknown>>;
          for (const h of c().hosts) expect(seen[h.name], h.name).toEqual(Object.fromEntries(VIEWED_VARS.map((v) => [v, want[h.name]![v]])));
          if (realLimitCheck(k())) expect(r.output).toContain(`TASK [Stop if any host not in '--limit' does not have a fact cache]`);
          // v2.28+: the boilerplate's inventory checks accept the declared k8s_cluster
          if (fs.existsSync(path.join(k().dir, 'roles/validate_inventory'))) expect(r.output).toMatch(/TASK \[validate_inventory : /);
        });

      it('the --limit check refuses hosts outside the limit without a fact cache', async (t) => {
        if (!realLimitCheck(k())) return t.skip(`kubespray ${ref} has no --limit fact-cache check`);
        const empty = path.join(state(), 'no-cache');
        const pb = path.join(state(), 'limit-check.yml');
        writeLimitPlaybook(k(), pb, path.join(empty, 'view.json'));
        const r = await runAsKspray({ playbook: pb, limit: ['kube03'], extraVars: notSystemd }, settings(empty));
        expect(r.code, r.output.slice(-4000)).not.toBe(0);
        expect(r.output).toContain("Kubespray does not support '--limit' without a populated facts cache");
        for (const h of c().hosts.filter((x) => x.name !== 'kube03')) expect(r.output).toContain(h.name);
      });
    });
});
