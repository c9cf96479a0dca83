// Typed confirmation for destructive operations; --yes skips it, and without a terminal it refuses rather than hang.
import { KsprayError } from '../errors.js';
import type { Reporter } from './reporter.js';

export async function confirmTyped(r: Reporter, question: string, expected: string, yes: boolean | undefined): Promise<void> {
  if (yes) return;
  if (!r.interactive) throw new KsprayError('Aborted', 'confirmation needed but there is no terminal', { hint: 'pass --yes to confirm non-interactively' });
  const answer = await r.ask(`${question}\nType "${expected}" to continue: `);
  if (answer !== expected) throw new KsprayError('Aborted', 'not confirmed; nothing was changed');
}
