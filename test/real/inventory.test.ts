// Real kubespray reads kspray's rendered inventory: real ansible-inventory of each ref shows the groups and every
// rendered variable on the right hosts (the homelab example rendered for the ref's release). No hosts needed.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exampleText, validCluster, withRelease } from '../unit/helpers.js';
import { inventoryProblems, realInventory, writeRendered } from './inventory.js';
import { realKubespray, realRefs, realSkipReason } from './kubespray.js';

const skip = realSkipReason();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kspray-real-inv-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe.skipIf(skip)(`real ansible-inventory of the homelab example${skip ? ` (${skip})` : ''}`, () => {
  for (const ref of realRefs())
    it(`kubespray ${ref}: groups and every rendered variable on the right hosts`, async () => {
      const k = realKubespray(ref);
      const c = validCluster(withRelease(exampleText('homelab'), k.release.tag, `v${k.release.defaultKube}`));
      const inv = await realInventory(k, writeRendered(c, path.join(tmp, ref)));
      expect(inventoryProblems(c, inv)).toEqual([]);
    });
});
