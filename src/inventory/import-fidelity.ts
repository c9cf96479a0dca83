// PURE: the fidelity proof of an import: every variable every host sees, as Ansible resolves the original inventory
// and the one rendered from the new config, compared; only the differences the import makes on purpose are accepted.
import { sameValue, type DefaultOf } from './import-compare.js';
import type { Vars } from './import-groups.js';
import type { AllowedDifference } from './import-map.js';

export interface Difference {
  host: string;
  variable: string;
  original?: unknown;
  rendered?: unknown;
}

export interface Fidelity {
  hosts: number;
  /** host × variable pairs compared */
  variables: number;
  differences: Difference[];
  /** differences made on purpose, with why */
  accepted: (Difference & { reason: string })[];
  /** variables the original leaves to the release's defaults that the new config states, with the same value */
  explicitDefaults: number;
}

export function compareEffective(original: Record<string, Vars>, rendered: Record<string, Vars>, allowed: AllowedDifference[], defaults: DefaultOf): Fidelity {
  const out: Fidelity = { hosts: 0, variables: 0, differences: [], accepted: [], explicitDefaults: 0 };
  const why = new Map(allowed.map((a) => [`${a.host}\0${a.variable}`, a.reason]));
  for (const host of [...new Set([...Object.keys(original), ...Object.keys(rendered)])].sort()) {
    out.hosts++;
    const [o, r] = [original[host], rendered[host]];
    if (!o || !r) {
      out.differences.push({ host, variable: '(host)', ...(o ? { original: 'present' } : { rendered: 'present' }) });
      continue;
    }
    for (const variable of [...new Set([...Object.keys(o), ...Object.keys(r)])].sort()) {
      out.variables++;
      const d: Difference = { host, variable, ...(variable in o ? { original: o[variable] } : {}), ...(variable in r ? { rendered: r[variable] } : {}) };
      if (sameValue(o[variable], r[variable], defaults(variable, o))) {
        if (!(variable in o)) out.explicitDefaults++;
        continue;
      }
      const reason = why.get(`${host}\0${variable}`);
      if (reason) out.accepted.push({ ...d, reason });
      else out.differences.push(d);
    }
  }
  return out;
}
