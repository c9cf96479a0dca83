// A flow is an ordered list of titled phases run under the cluster lock, with a run record and clean Ctrl-C.
import { KsprayError, ExitCode, isKsprayError } from '../errors.js';
import type { Reporter } from '../io/reporter.js';
import { formatDuration } from '../playbooks/events.js';
import { trapInterrupts, type Interrupts } from '../runs/interrupt.js';
import { acquireLock } from '../runs/lock.js';
import { lastDuration, RunRecord } from '../runs/record.js';
import type { Workspace } from '../workspace.js';
import { writeFileAtomic } from '../fsutil/atomic.js';
import { join } from 'node:path';

export interface FlowContext {
  name: string;
  ws: Workspace;
  reporter: Reporter;
  dryRun: boolean;
  interrupts?: Interrupts;
  record?: RunRecord;
  becomePassword?: string;
  /** passed through to every ansible-playbook of the flow (`kspray deploy -- --tags x`) */
  ansibleArgs: string[];
  estimateMs?: number;
  /** lines of the dry-run plan */
  plan: string[];
  /**
   * Register a cleanup as soon as there is something to undo (a session, a temp file, a remote copy): cleanups run in
   * reverse order when the flow ends, on success, failure or Ctrl-C; one that fails is logged and the rest still run.
   */
  onCleanup(fn: () => Promise<void> | void): void;
  /** --skip-kubespray-checks */
  skipKubesprayChecks?: boolean;
}

export interface Phase {
  title: string;
  /** skip the phase when false */
  when?: (fc: FlowContext) => boolean;
  run(fc: FlowContext): Promise<void>;
  /** what the phase would do, without touching anything (default: the title) */
  plan?(fc: FlowContext): Promise<string[]> | string[];
}

export interface FlowOptions {
  dryRun?: boolean;
  becomePassword?: string;
  ansibleArgs?: string[];
  skipKubesprayChecks?: boolean;
}

export async function runFlow(name: string, phases: Phase[], ws: Workspace, o: FlowOptions = {}): Promise<number> {
  const r = ws.ctx.reporter;
  const cleanups: (() => Promise<void> | void)[] = [];
  const fc: FlowContext = {
    name,
    ws,
    reporter: r,
    dryRun: Boolean(o.dryRun),
    plan: [],
    onCleanup: (fn) => void cleanups.push(fn),
    ansibleArgs: o.ansibleArgs ?? [],
    ...(o.becomePassword !== undefined ? { becomePassword: o.becomePassword } : {}),
    ...(o.skipKubesprayChecks ? { skipKubesprayChecks: true } : {}),
  };
  if (fc.dryRun) return dryRun(fc, phases);

  const lock = await acquireLock(ws.lockFile, [name, ...process.argv.slice(3)].join(' '));
  const began = Date.now();
  let status: 'succeeded' | 'failed' | 'interrupted' = 'failed';
  let code: number = ExitCode.Failure;
  try {
    fc.record = await RunRecord.create(ws.configDir, name, ws.cluster.name, process.argv.slice(1));
    if (fc.ansibleArgs.length) fc.record.result.ansibleArgs = fc.ansibleArgs;
    await fc.record.snapshotConfig(ws.loaded.text);
    const est = await lastDuration(ws.configDir, name, ws.cluster.name);
    if (est !== undefined) fc.estimateMs = est;
    fc.interrupts = trapInterrupts(() => r.warn('interrupt: stopping cleanly (press Ctrl-C again to kill)'));
    r.event({ type: 'flow_start', flow: name, cluster: ws.cluster.name, run: fc.record.result.id });
    for (const p of phases) {
      if (p.when && !p.when(fc)) continue;
      if (fc.interrupts.signal.aborted) throw new KsprayError('Interrupted', `${name} interrupted before "${p.title}"`);
      r.phase(p.title);
      r.event({ type: 'phase_start', phase: p.title });
      const t0 = Date.now();
      const step: { title: string; status: string; durationMs?: number } = { title: p.title, status: 'running' };
      fc.record.result.steps.push(step);
      try {
        await p.run(fc);
        step.status = 'ok';
      } catch (e) {
        step.status = isKsprayError(e) && e.code === 'Interrupted' ? 'interrupted' : 'failed';
        throw e;
      } finally {
        step.durationMs = Date.now() - t0;
        await fc.record.save();
      }
    }
    status = 'succeeded';
    code = ExitCode.Ok;
    // what the cluster now runs, for the next operator (and the next diff)
    await writeFileAtomic(join(ws.stateDir, 'applied.yaml'), ws.loaded.text, 0o600);
    r.success(`==> ${name} finished in ${formatDuration(Date.now() - began)} (run ${fc.record.result.id})`);
    return code;
  } catch (e) {
    status = isKsprayError(e) && e.code === 'Interrupted' ? 'interrupted' : 'failed';
    code = isKsprayError(e) ? e.exitCode : ExitCode.Internal;
    if (fc.record) r.note(`run record: ${fc.record.dir}`);
    throw e;
  } finally {
    for (const c of cleanups.reverse()) await Promise.resolve().then(c).catch((err: unknown) => r.debug(`cleanup: ${String(err)}`));
    fc.interrupts?.dispose();
    await fc.record?.finish(status, code);
    r.event({ type: 'flow_end', flow: name, status, exitCode: code, run: fc.record?.result.id });
    await lock.release();
  }
}

async function dryRun(fc: FlowContext, phases: Phase[]): Promise<number> {
  const r = fc.reporter;
  const plan: { phase: string; actions: string[] }[] = [];
  for (const p of phases) {
    if (p.when && !p.when(fc)) continue;
    plan.push({ phase: p.title, actions: p.plan ? await p.plan(fc) : [] });
  }
  r.result({ flow: fc.name, cluster: fc.ws.cluster.name, dryRun: true, plan }, () => {
    r.info(r.color.bold(`dry-run: ${fc.name} on ${fc.ws.cluster.name} — nothing is changed`));
    plan.forEach((p, i) => {
      r.info(`${i + 1}. ${p.phase}`);
      for (const a of p.actions) r.info(`     ${a}`);
    });
  });
  return ExitCode.Ok;
}
