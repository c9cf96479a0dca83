// kspray apply's reconfigure: cluster.yml for a changed variable, limited to the hosts it changes when only they do.
import { kubesprayChecksPhase } from './kubespray-checks.js';
import type { Phase } from './flow.js';
import { factsPhase, playbookPhase, preflightPhase, renderPhase } from './steps.js';

export function reconfigurePhases(o: { limit?: string[]; ignorePreflight?: string[] }): Phase[] {
  const limit = o.limit;
  return [
    kubesprayChecksPhase(),
    preflightPhase({ ignore: o.ignorePreflight ?? [], ...(limit ? { hosts: () => limit } : {}) }),
    renderPhase(),
    // a --limit run needs facts of the hosts outside the limit (kubespray v2.27+ refuses without them)
    ...(limit ? [factsPhase()] : []),
    playbookPhase(`Run cluster.yml${limit ? ` --limit ${limit.join(',')}` : ''}`, () => ({ playbook: 'cluster.yml', ...(limit ? { limit } : {}) })),
  ];
}
