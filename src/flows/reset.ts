// kspray reset: kubespray's reset.yml, non-interactive only through reset_confirmation=yes (skip_confirmation is not enough).
import { kubesprayChecksPhase } from './kubespray-checks.js';
import type { Phase } from './flow.js';
import { playbookPhase, renderPhase } from './steps.js';

export function resetPhases(): Phase[] {
  return [kubesprayChecksPhase(), renderPhase(), playbookPhase('Run reset.yml', () => ({ playbook: 'reset.yml', extraVars: { reset_confirmation: 'yes' } }))];
}
