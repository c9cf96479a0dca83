// The stand-in never disagrees with real kubespray where both run: its Ansible version gate, per emulated release,
// is the real tag's playbooks/ansible_version.yml range.
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { STANDIN_DIR } from '../lab/settings.js';
import { realKubespray, realRefs, realSkipReason } from './kubespray.js';

const skip = realSkipReason();
const standin = parse(fs.readFileSync(path.join(STANDIN_DIR, 'roles/standin_defaults/defaults/main.yml'), 'utf8')) as { standin_ansible_ranges: Record<string, [string, string]> };

describe.skipIf(skip)(`the stand-in's Ansible gate${skip ? ` (${skip})` : ''}`, () => {
  for (const ref of realRefs())
    it(`is kubespray ${ref}'s playbooks/ansible_version.yml range`, (t) => {
      const k = realKubespray(ref);
      // a branch is no release: master's range may still change before its tag
      if (k.release.tag !== ref) return t.skip(`${ref} is not a release tag`);
      const plays = parse(fs.readFileSync(path.join(k.dir, 'playbooks/ansible_version.yml'), 'utf8')) as { vars: { minimal_ansible_version: string; maximal_ansible_version: string } }[];
      const { minimal_ansible_version: min, maximal_ansible_version: max } = plays[0]!.vars;
      expect(standin.standin_ansible_ranges[ref.replace(/^v/, '').split('.').slice(0, 2).join('.')]).toEqual([String(min), String(max)]);
    });
});
