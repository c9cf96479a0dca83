// The config rules that judge what this folder renders: they need the rendered variables, and config/ does not import
// inventory/ (the layers: docs/architecture.md), so they live here and config-file.ts adds them to the rule list.
import { isTemplate, overriddenField } from '../config/effective.js';
import type { Rule } from '../config/rules/context.js';
import { modelledVarFiles } from './group-vars.js';

export const renderRules: Rule[] = [
  function extraVarCollisions({ cluster, problems }) {
    const extra = cluster.config.spec.extraVars;
    if (!Object.keys(extra).length) return;
    const modelled = new Map<string, string>();
    for (const f of modelledVarFiles(cluster)) for (const k of Object.keys(f.vars)) modelled.set(k, f.path);
    for (const k of Object.keys(extra)) {
      const field = overriddenField(k);
      // a template is only resolved by Ansible during the run: kspray cannot check what it stands for
      if (field && isTemplate(extra[k])) {
        problems.error('extra-vars/templated-override', `spec.extraVars.${k}`, `${k} overrides ${field} with a template, which cannot be checked before the run (kubespray fails mid-run when it does not resolve to a valid value)`, `write the value itself, or set ${field}`);
        continue;
      }
      const file = modelled.get(k);
      if (file)
        problems.warn('extra-vars/collision', `spec.extraVars.${k}`, `overrides ${k}, which kspray renders from a modelled setting (${file})`, 'set the modelled field instead, or keep this override on purpose');
    }
  },
];
