// kspray apply: the change plan's operations, each run as the flow it is today (its own lock, run record and
// cleanups), each built against the config as the operations before it leave it. The plan and the run come from
// the same steps, so `kspray plan` lists the playbooks `kspray apply` runs.
import { copyHost, setHostField, setKubernetesVersion } from '../config/edit.js';
import type { Applied } from './applied-state.js';
import type { Workspace } from '../workspace.js';
import { addNodePhases } from './add-node.js';
import type { ChangePlan, Operation, Refusal } from './change-plan.js';
import { updateConfig } from './config-update.js';
import { deployPhases } from './deploy.js';
import { flowContext, planFlow, type Phase, type PlannedPhase } from './flow.js';
import { reconfigurePhases } from './reconfigure.js';
import { removeNodePhases } from './remove-node.js';
import type { WaitOptions } from './wait-ready.js';

export interface ApplyOptions {
  ignorePreflight?: string[];
  wait?: WaitOptions;
}

/** One operation as a flow: its name (and run record), its phases, and what applied.yaml holds once it succeeded. */
export interface Step {
  op: Operation;
  flow: string;
  phases: Phase[];
  applied?: (text: string) => string;
}

/** An upgrade over more than one hop is the release train's, which `kspray upgrade` runs hop by hop. */
const trainOnly = (o: Operation) => o.kind === 'upgrade' && (o.hops.length !== 1 || o.hops[0]!.from.tag !== o.hops[0]!.to.tag);

/** Operations of a valid plan that apply leaves to their own command. */
export function applyRefusals(p: ChangePlan): Refusal[] {
  return p.operations.filter(trainOnly).map((o) => ({
    path: 'spec.kubespray.version',
    message: `the upgrade ${o.reason} goes through the release train, which apply does not run`,
    fix: '`kspray upgrade --plan` shows the train; run it with `kspray upgrade`, then `kspray apply` for the rest',
  }));
}

/**
 * The steps of a plan, built one at a time (`step(k)` after steps 0..k-1 ran or were previewed on `ws`). What each
 * records as applied is the last applied state plus that operation only, so a failed apply re-plans the rest.
 */
export class ApplySteps {
  private recorded: string;
  constructor(
    private readonly ws: Workspace,
    readonly ops: Operation[],
    private readonly applied: Applied | undefined,
    private readonly o: ApplyOptions,
  ) {
    this.recorded = applied?.text ?? '';
  }

  /** the config text the flow ended with, without the operations after step k */
  private record(k: number) {
    return (text: string) => {
      let t = text;
      for (const later of this.ops.slice(k + 1)) {
        if (later.kind === 'remove-node') t = setHostField(t, later.host, 'remove', undefined);
        if (later.kind === 'upgrade' && this.applied) t = setKubernetesVersion(t, this.applied.cluster.config.spec.kubernetes.version);
      }
      return (this.recorded = t);
    };
  }

  /** The upgrade's own backup is skipped when this apply took one and changed no etcd member or control plane since. */
  private backedUp(k: number): boolean {
    const before = this.ops.slice(0, k);
    return before.some((o) => o.kind === 'backup') && before.every((o) => o.kind === 'backup' || o.kind === 'reconfigure' || (o.kind === 'add-node' && o.roles.join() === 'worker'));
  }

  async step(k: number): Promise<Step> {
    const { ws, o } = this;
    const op = this.ops[k]!;
    const common = { ignorePreflight: o.ignorePreflight ?? [], ...(o.wait ? { wait: o.wait } : {}) };
    switch (op.kind) {
      case 'deploy':
        return { op, flow: 'deploy', phases: deployPhases(common) };
      case 'backup': {
        // loaded on use: the backup phases bring in the SSH client
        const { backupPhases } = await import('./etcd-backup.js');
        return { op, flow: 'etcd-backup', phases: backupPhases({}, (fc, res) => fc.reporter.success(`etcd backup ${res.file} (revision ${res.meta.revision})`)) };
      }
      case 'add-node': {
        const h = ws.cluster.hosts.find((x) => x.name === op.host)!;
        // the members this apply ends with decide; an even count on the way (two added one by one) is expected
        const etcdAfter = ws.cluster.etcdMembers.filter((m) => m.raw.remove !== true).length;
        const phases = addNodePhases({ name: h.name, address: h.address, roles: h.raw.roles, allowEvenEtcd: etcdAfter % 2 === 1, resume: true, declared: true, ...common }, ws.loaded.text, ws.cluster);
        return { op, flow: 'add-node', phases, applied: (text) => (this.recorded = copyHost(text, this.recorded, h.name)) };
      }
      case 'reconfigure':
        return { op, flow: 'reconfigure', phases: reconfigurePhases({ ...(op.limit ? { limit: op.limit } : {}), ...common }), applied: this.record(k) };
      case 'remove-node':
        // the planner refused a removal the apply as a whole leaves without quorum; one on the way may be even
        return { op, flow: 'remove-node', phases: removeNodePhases(ws, { name: op.host, unreachable: false, allowEvenEtcd: true }), applied: this.record(k) };
      case 'upgrade': {
        // the upgrade flow goes from the version the cluster runs to the one in the file, as `kspray upgrade --to` does
        const to = ws.cluster.config.spec.kubernetes.version;
        await updateConfig(ws, setKubernetesVersion(ws.loaded.text, this.applied!.cluster.config.spec.kubernetes.version), 'planning the upgrade', false);
        const { upgradePhases } = await import('./upgrade.js');
        return { op, flow: 'upgrade', phases: upgradePhases(ws, { to, skipBackup: this.backedUp(k), drain: true, ...common }), applied: this.record(k) };
      }
    }
  }
}

export interface PlannedStep {
  op: Operation;
  flow?: string;
  phases: PlannedPhase[];
}

/** Every step's dry-run plan, in order, on `ws` (changed in memory only, as the steps' runs would change it). */
export async function planSteps(ws: Workspace, p: ChangePlan, applied: Applied | undefined, o: ApplyOptions): Promise<PlannedStep[]> {
  const steps = new ApplySteps(ws, p.operations, applied, o);
  const out: PlannedStep[] = [];
  for (let k = 0; k < p.operations.length; k++) {
    const op = p.operations[k]!;
    // a train is planned by `kspray upgrade --plan`; it is the last operation, so nothing after it depends on it
    if (trainOnly(op)) {
      out.push({ op, phases: [] });
      continue;
    }
    const s = await steps.step(k);
    out.push({ op, flow: s.flow, phases: await planFlow(flowContext(s.flow, ws, { dryRun: true }, () => undefined), s.phases) });
  }
  return out;
}
