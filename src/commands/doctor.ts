// kspray doctor: checks the operator's machine for the configured release; exit 12 when something is missing.
import type { CommandContext } from '../context.js';
import { doctorChecks } from '../doctor/checks.js';
import { ExitCode } from '../errors.js';
import { openWorkspace } from '../workspace.js';

export async function doctor(ctx: CommandContext): Promise<number> {
  const ws = await openWorkspace(ctx);
  const checks = await doctorChecks(ws);
  const r = ctx.reporter;
  r.result({ checks }, () => {
    for (const c of checks) {
      r.host(c.check, c.ok ? r.color.green(`ok — ${c.detail}`) : r.color.red(`${c.detail} — ${c.fix ?? ''}`));
      for (const n of c.notes ?? []) r.note(`  ${n}`);
    }
  });
  return checks.every((c) => c.ok) ? ExitCode.Ok : ExitCode.Environment;
}
