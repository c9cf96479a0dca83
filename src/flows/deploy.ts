// kspray deploy: validate → preflight → render → cluster.yml (kubespray docs: getting-started).
import { kubesprayChecksPhase } from './kubespray-checks.js';
import type { Phase } from './flow.js';
import { playbookPhase, preflightPhase, renderPhase } from './steps.js';
import { clusterNodeNames, waitReadyPhase, type WaitOptions } from './wait-ready.js';

export interface DeployOptions {
  ignorePreflight?: string[];
  skipPreflight?: boolean;
  wait?: WaitOptions;
}

export function deployPhases(o: DeployOptions): Phase[] {
  return [
    kubesprayChecksPhase(),
    ...(o.skipPreflight ? [] : [preflightPhase({ ignore: o.ignorePreflight ?? [] })]),
    renderPhase(),
    playbookPhase('Run cluster.yml', () => ({ playbook: 'cluster.yml' })),
    ...(o.wait ? [waitReadyPhase(clusterNodeNames, o.wait)] : []),
  ];
}
