// A flow is an ordered list of titled phases run under the cluster lock, with a run record and clean Ctrl-C.
import { KsprayError, ExitCode, isKsprayError } from '../errors.js';
import type { Reporter } from '../io/reporter.js';
import { formatDuration } from '../playbooks/events.js';
import { trapInterrupts, type Interrupts } from '../runs/interrupt.js';
import { acquireLock } from '../runs/lock.js';
import { lastDuration, RunRecord } from '../runs/record.js';
import type { Workspace } from '../workspace.js';
import { forgetApplied, recordApplied } from './applied-state.js';
import type { PlaybookInvocation } from '../playbooks/argv.js';
import { isPlaybookPhase } from './steps.js';

/** The flows that make the cluster what the config says; the others (backup, restore) leave what was applied alone. */
const APPLYING = new Set(['deploy', 'add-node', 'remove-node', 'upgrade', 'reconfigure', 'rebase']);

/** What every flow's phases get: the reporter, Ctrl-C, and where to register cleanups. */
export interface TaskContext {
  name: string;
  reporter: Reporter;
  dryRun: boolean;
  interrupts?: Interrupts;
  /**
   * Register a cleanup as soon as there is something to undo (a session, a temp file, a remote copy): cleanups run in
   * reverse order when the flow ends, on success, failure or Ctrl-C; one that fails is logged and the rest still run.
   */
  onCleanup(fn: () => Promise<void> | void): void;
}

/** A cluster operation's context: the workspace, the run record, the ansible settings. */
export interface FlowContext extends TaskContext {
  ws: Workspace;
  record?: RunRecord;
  becomePassword?: string;
  /** passed through to every ansible-playbook of the flow (`kspray deploy -- --tags x`) */
  ansibleArgs: string[];
  estimateMs?: number;
  /** lines of the dry-run plan */
  plan: string[];
  /** --skip-kubespray-checks */
  skipKubesprayChecks?: boolean;
}

export interface Phase<C extends TaskContext = FlowContext> {
  title: string;
  /** skip the phase when false */
  when?: (fc: C) => boolean;
  run(fc: C): Promise<void>;
  /** what the phase would do, without touching anything (default: the title) */
  plan?(fc: C): Promise<string[]> | string[];
  /**
   * A dry run's stand-in for `run` where the run changes what later phases see (the config): applies that change in
   * memory only, so the plan of every later phase is the one its run would have.
   */
  preview?(fc: C): Promise<void> | void;
}

/** Cleanups of one flow: registered by its phases, run in reverse once it ends. */
function cleanupList(r: Reporter) {
  const list: (() => Promise<void> | void)[] = [];
  return {
    add: (fn: () => Promise<void> | void) => void list.push(fn),
    async runAll() {
      for (const c of list.reverse()) await Promise.resolve().then(c).catch((err: unknown) => r.debug(`cleanup: ${String(err)}`));
    },
  };
}

/** The phase loop every flow shares: skipped phases, a stop between phases after Ctrl-C, `around` for the bookkeeping. */
async function runPhases<C extends TaskContext>(c: C, phases: Phase<C>[], around: (p: Phase<C>, run: () => Promise<void>) => Promise<void>): Promise<void> {
  for (const p of phases) {
    if (p.when && !p.when(c)) continue;
    if (c.interrupts?.signal.aborted) throw new KsprayError('Interrupted', `${c.name} interrupted before "${p.title}"`);
    await around(p, () => p.run(c));
  }
}

/**
 * A flow that is no cluster operation (hosts trust, kubeconfig, setup): its phases and their cleanups, without the
 * cluster lock, a run record or phase headers; what it prints is the command's own output.
 */
export async function runTask<C extends TaskContext>(make: (base: TaskContext) => C, phases: Phase<C>[], name: string, reporter: Reporter): Promise<C> {
  const cleanups = cleanupList(reporter);
  const c = make({ name, reporter, dryRun: false, onCleanup: cleanups.add });
  try {
    await runPhases(c, phases, (_p, run) => run());
    return c;
  } finally {
    await cleanups.runAll();
  }
}

export interface FlowOptions {
  dryRun?: boolean;
  becomePassword?: string;
  ansibleArgs?: string[];
  skipKubesprayChecks?: boolean;
  /**
   * What applied.yaml holds after success, from the config text the flow ends with (default: that text). `kspray
   * apply` records only what each of its flows applied, so a re-run after a failure plans the rest again.
   */
  applied?: (text: string) => string;
}

/** The context a flow's phases see; a dry run's has no run record, lock or Ctrl-C trap. */
export function flowContext(name: string, ws: Workspace, o: FlowOptions, onCleanup: FlowContext['onCleanup']): FlowContext {
  return {
    name,
    ws,
    reporter: ws.ctx.reporter,
    dryRun: Boolean(o.dryRun),
    plan: [],
    onCleanup,
    ansibleArgs: o.ansibleArgs ?? [],
    ...(o.becomePassword !== undefined ? { becomePassword: o.becomePassword } : {}),
    ...(o.skipKubesprayChecks ? { skipKubesprayChecks: true } : {}),
  };
}

export async function runFlow(name: string, phases: Phase[], ws: Workspace, o: FlowOptions = {}): Promise<number> {
  const r = ws.ctx.reporter;
  const cleanups = cleanupList(r);
  const fc = flowContext(name, ws, o, cleanups.add);
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
    const record = fc.record;
    await runPhases(fc, phases, async (p, run) => {
      r.phase(p.title);
      r.event({ type: 'phase_start', phase: p.title });
      const t0 = Date.now();
      const step: { title: string; status: string; durationMs?: number } = { title: p.title, status: 'running' };
      record.result.steps.push(step);
      try {
        await run();
        step.status = 'ok';
      } catch (e) {
        step.status = isKsprayError(e) && e.code === 'Interrupted' ? 'interrupted' : 'failed';
        throw e;
      } finally {
        step.durationMs = Date.now() - t0;
        await record.save();
      }
    });
    status = 'succeeded';
    code = ExitCode.Ok;
    // what the cluster now runs, for the next operator (and the next plan); a reset cluster runs nothing
    if (APPLYING.has(name)) await (o.applied ? recordApplied(ws.stateDir, o.applied(ws.loaded.text)) : recordApplied(ws.stateDir, ws.loaded.text, ws.cluster.config));
    else if (name === 'reset') await forgetApplied(ws.stateDir);
    r.success(`==> ${name} finished in ${formatDuration(Date.now() - began)} (run ${fc.record.result.id})`);
    return code;
  } catch (e) {
    status = isKsprayError(e) && e.code === 'Interrupted' ? 'interrupted' : 'failed';
    code = isKsprayError(e) ? e.exitCode : ExitCode.Internal;
    if (fc.record) r.note(`run record: ${fc.record.dir}`);
    throw e;
  } finally {
    await cleanups.runAll();
    fc.interrupts?.dispose();
    await fc.record?.finish(status, code);
    r.event({ type: 'flow_end', flow: name, status, exitCode: code, run: fc.record?.result.id });
    await lock.release();
  }
}

export interface PlannedPhase {
  phase: string;
  actions: string[];
  /** the kubespray playbook the phase runs, with its --limit and extra vars */
  playbook?: PlaybookInvocation;
}

/** The dry-run plan: each enabled phase's actions, with the changes the run would make to the config applied in memory. */
export async function planFlow(fc: FlowContext, phases: Phase[]): Promise<PlannedPhase[]> {
  const plan: PlannedPhase[] = [];
  for (const p of phases) {
    if (p.when && !p.when(fc)) continue;
    plan.push({ phase: p.title, actions: p.plan ? await p.plan(fc) : [], ...(isPlaybookPhase(p) ? { playbook: p.invocation(fc) } : {}) });
    await p.preview?.(fc);
  }
  return plan;
}

async function dryRun(fc: FlowContext, phases: Phase[]): Promise<number> {
  const r = fc.reporter;
  const plan = await planFlow(fc, phases);
  r.result({ flow: fc.name, cluster: fc.ws.cluster.name, dryRun: true, plan }, () => {
    r.info(r.color.bold(`dry-run: ${fc.name} on ${fc.ws.cluster.name} — nothing is changed`));
    plan.forEach((p, i) => {
      r.info(`${i + 1}. ${p.phase}`);
      for (const a of p.actions) r.info(`     ${a}`);
    });
  });
  return ExitCode.Ok;
}
