// Typed confirmation for destructive operations; --yes skips it, and without a terminal it refuses rather than hang.
import { createInterface } from 'node:readline/promises';
import { KsprayError } from '../errors.js';

export async function confirmTyped(question: string, expected: string, yes: boolean | undefined): Promise<void> {
  if (yes) return;
  if (!process.stdin.isTTY)
    throw new KsprayError('Aborted', 'confirmation needed but there is no terminal', { hint: 'pass --yes to confirm non-interactively' });
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`${question}\nType "${expected}" to continue: `);
    if (answer.trim() !== expected) throw new KsprayError('Aborted', 'not confirmed; nothing was changed');
  } finally {
    rl.close();
  }
}
