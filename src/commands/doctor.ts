// kspray doctor: checks the operator's machine for the configured release; exit 12 when something is missing.
// With a release train ahead (`--to`, or a config edited past what was applied) it says which hops are ready.
import type { CommandContext } from '../context.js';
import { doctorChecks, type DoctorCheck } from '../doctor/checks.js';
import { ExitCode } from '../errors.js';
import { checkoutAt } from '../flows/setup.js';
import { pendingTrain, trainView } from '../flows/train.js';
import { openWorkspace, type Workspace } from '../workspace.js';
import { appliedState } from '../flows/applied-state.js';

/** Each hop's checkout at its tag and its venv complete. */
async function trainCheck(ws: Workspace, to: string | undefined): Promise<DoctorCheck | undefined> {
  const t = pendingTrain(ws, (await appliedState(ws.configDir, ws.cluster.name))?.cluster, to);
  if (!t) return undefined;
  const hops = trainView(ws, t);
  const notes = await Promise.all(
    hops.map(async (h) => {
      const at = await checkoutAt(h.checkout, h.to.tag);
      const ok = at && h.ready.venv;
      return { ok, note: `hop ${h.n} ${h.to.tag} / ${h.to.kube}: ${ok ? 'ready' : [at ? '' : `no checkout of ${h.to.tag} at ${h.checkout}`, h.ready.venv ? '' : `no venv ${h.venv}`].filter(Boolean).join('; ')}` };
    }),
  );
  const ready = notes.filter((n) => n.ok).length;
  return {
    check: 'release train',
    ok: ready === hops.length,
    detail: `${t.from.tag}/${hops[0]?.from.kube ?? ''} → ${t.target.tag}: ${ready}/${hops.length} hop${hops.length === 1 ? '' : 's'} ready`,
    fix: `kspray setup${to ? ` --to ${to}` : ''} (a checkout per tag, a venv per requirements.txt)`,
    notes: notes.map((n) => n.note),
  };
}

export async function doctor(ctx: CommandContext, o: { to?: string } = {}): Promise<number> {
  const ws = await openWorkspace(ctx);
  const checks = await doctorChecks(ws);
  const train = await trainCheck(ws, o.to);
  if (train) checks.push(train);
  const r = ctx.reporter;
  r.result({ checks }, () => {
    for (const c of checks) {
      r.host(c.check, c.ok ? r.color.green(`ok — ${c.detail}`) : r.color.red(`${c.detail} — ${c.fix ?? ''}`));
      for (const n of c.notes ?? []) r.note(`  ${n}`);
    }
  });
  return checks.every((c) => c.ok) ? ExitCode.Ok : ExitCode.Environment;
}
