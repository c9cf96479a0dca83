// The flows' contract with real kubespray, per ref: every playbook a flow runs exists at the path kspray uses, every
// extra variable (and recovery group) kspray passes is one the tag's playbooks or roles read, and kube_version has the
// format of the tag's own checksum tables. The invocations come from the flows' own phase builders, so none can drift.
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { Cluster } from '../../src/config/model.js';
import { recoveryHostsDocument, restorePhases } from '../../src/flows/etcd-restore.js';
import { addNodePhases } from '../../src/flows/add-node.js';
import { deployPhases } from '../../src/flows/deploy.js';
import type { FlowContext, Phase } from '../../src/flows/flow.js';
import { removeNodePhases } from '../../src/flows/remove-node.js';
import { resetPhases } from '../../src/flows/reset.js';
import { isPlaybookPhase } from '../../src/flows/steps.js';
import { upgradePhases } from '../../src/flows/upgrade.js';
import { hostsDocument } from '../../src/inventory/hosts.js';
import type { PlaybookInvocation } from '../../src/playbooks/argv.js';
import type { Workspace } from '../../src/workspace.js';
import { exampleText, validCluster, withRelease } from '../unit/helpers.js';
import { checkoutFiles, realKubespray, realRefs, realSkipReason, type RealKubespray } from './kubespray.js';

const skip = realSkipReason();

/** Just enough workspace for the phase builders and their invocations (no paths are touched). */
const workspace = (c: Cluster, text: string) => ({ cluster: c, loaded: { text, file: 'kspray.yaml', cluster: c } }) as unknown as Workspace;

/** Every flow kspray has, in each of its shapes, as the playbook invocations it would make. */
function flows(text: string): Record<string, PlaybookInvocation[]> {
  const c = validCluster(text);
  const ws = workspace(c, text);
  const fc = { ws } as FlowContext;
  const minors = Object.keys(c.release!.kube);
  const lower = minors.at(-2)!;
  const upgradable = workspace(validCluster(withRelease(text, c.release!.tag, `v${lower}.${c.release!.kube[lower]}`)), text);
  const upgrade = { to: `v${c.release!.defaultKube}`, skipBackup: true };
  const add = { address: '192.168.10.240', resume: false, allowEvenEtcd: true };
  // (adding or removing one etcd member of an odd count is refused by validate, so those shapes cannot be built here)
  const shapes: Record<string, Phase[]> = {
    deploy: deployPhases({}),
    'add-node worker': addNodePhases({ ...add, name: 'kube04', roles: ['worker'] }, text),
    'add-node control-plane': addNodePhases({ ...add, name: 'km04', roles: ['control-plane'] }, text),
    'remove-node': removeNodePhases(ws, { name: 'kube03', unreachable: false }),
    'remove-node --unreachable': removeNodePhases(ws, { name: 'kube03', unreachable: true }),
    upgrade: upgradePhases(upgradable, { ...upgrade, serial: '1', drain: true, drainTimeout: '300s', drainGracePeriod: 60 }),
    'upgrade --no-drain': upgradePhases(upgradable, { ...upgrade, drain: false }),
    reset: resetPhases(),
    'etcd-restore': restorePhases(ws, '/backups/snapshot.db', () => undefined),
  };
  return Object.fromEntries(Object.entries(shapes).map(([name, phases]) => [name, phases.filter(isPlaybookPhase).map((p) => p.invocation(fc))]));
}

/** The text of every playbook, role and template file of the checkout, with definitions (`name:` keys) taken out. */
function readerText(k: RealKubespray): string {
  const files = [...fs.readdirSync(k.dir).filter((f) => f.endsWith('.yml')), ...checkoutFiles(k, 'playbooks', ['.yml', '.yaml']), ...checkoutFiles(k, 'roles', ['.yml', '.yaml', '.j2'])];
  return files.map((f) => fs.readFileSync(path.join(k.dir, f), 'utf8').replace(/^\s*-?\s*[\w.]+\s*:/gm, '')).join('\n');
}

const reads = (text: string, name: string) => new RegExp(`\\b${name}\\b`).test(text);

/** The Kubernetes versions the tag has kubelet checksums for, written as the tag writes them. */
function checksumVersions(k: RealKubespray): string[] {
  const file = checkoutFiles(k, 'roles', ['checksums.yml']).find((f) => fs.readFileSync(path.join(k.dir, f), 'utf8').includes('kubelet_checksums:'));
  const doc = parse(fs.readFileSync(path.join(k.dir, file!), 'utf8')) as { kubelet_checksums: Record<string, Record<string, unknown>> };
  return Object.values(doc.kubelet_checksums).flatMap((m) => Object.keys(m));
}

describe.skipIf(skip)(`the flows' contract with real kubespray${skip ? ` (${skip})` : ''}`, () => {
  for (const ref of realRefs())
    it(`kubespray ${ref}: playbooks exist, extra vars and groups are read, kube_version in the tag's format`, () => {
      const k = realKubespray(ref);
      const text = withRelease(exampleText('homelab'), k.release.tag, `v${k.release.defaultKube}`);
      const readers = readerText(k);
      const versions = checksumVersions(k);
      const problems: string[] = [];
      const invocations = Object.entries(flows(text));
      for (const [flow, invs] of invocations)
        for (const inv of invs) {
          if (!fs.existsSync(path.join(k.dir, inv.playbook))) problems.push(`${flow}: ${inv.playbook} does not exist`);
          for (const [name, value] of Object.entries(inv.extraVars ?? {})) {
            if (!reads(readers, name)) problems.push(`${flow}: -e ${name} is read by no playbook or role`);
            if (name === 'kube_version' && !versions.includes(String(value))) problems.push(`${flow}: kube_version ${String(value)} is not written as the tag's checksums write it (${versions[0]}…)`);
          }
          for (const tag of inv.skipTags ?? []) if (!reads(readers, tag.replace(/-/g, '\\-'))) problems.push(`${flow}: --skip-tags ${tag} names no tag of the checkout`);
        }
      // the recovery inventory's own groups
      const plain = Object.keys((hostsDocument(validCluster(text)) as { all: { children: object } }).all.children);
      const recovery = Object.keys((recoveryHostsDocument(workspace(validCluster(text), text)) as { all: { children: object } }).all.children);
      for (const g of recovery.filter((x) => !plain.includes(x))) if (!reads(readers, g)) problems.push(`etcd-restore: group ${g} is read by no playbook or role`);
      expect(problems).toEqual([]);
      // the test saw what it claims to check
      expect(invocations.flatMap(([, i]) => i.map((x) => x.playbook))).toEqual(expect.arrayContaining(['cluster.yml', 'scale.yml', 'upgrade-cluster.yml', 'remove-node.yml', 'reset.yml', 'recover-control-plane.yml', 'playbooks/facts.yml']));
    });
});
