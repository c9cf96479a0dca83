// kspray upgrade: one minor at a time, an etcd backup first, upgrade-cluster.yml, config updated only after success.
// `upgradeSteps` is one upgrade on the release the workspace has; the release train (train-phases.ts) runs it per hop.
import { setKubernetesVersion } from '../config/edit.js';
import { checkUpgrade } from '../config/upgrade-path.js';
import { formatKube, parseKubeVersion, type KubeVersion } from '../config/releases.js';
import { KsprayError } from '../errors.js';
import type { Workspace } from '../workspace.js';
import { checkConfigText, configPhase } from './config-update.js';
import { kubesprayChecksPhase } from './kubespray-checks.js';
import { backupPhases } from './etcd-backup.js';
import type { Phase } from './flow.js';
import { playbookPhase, preflightPhase, renderPhase } from './steps.js';
import { clusterNodeNames, waitReadyPhase, type WaitOptions } from './wait-ready.js';

export interface UpgradeOptions {
  to: string;
  skipBackup: boolean;
  serial?: string;
  drain: boolean;
  drainTimeout?: string;
  drainGracePeriod?: number;
  ignorePreflight?: string[];
  wait?: WaitOptions;
  /** kubespray's download phase before the disruptive step, then the upgrade with skip_downloads=true */
  prefetch?: boolean;
}

export type StepOptions = Omit<UpgradeOptions, 'to'> & {
  /** the preflight runs once per flow: a train's later hops skip it */
  preflight?: boolean;
};

/** The variables of upgrade-cluster.yml for `to`, in the version format of the release that runs it. */
export function upgradeVars(o: StepOptions, to: KubeVersion, vPrefix: boolean): Record<string, unknown> {
  const extraVars: Record<string, unknown> = { kube_version: formatKube(to, vPrefix) };
  if (o.serial) extraVars.serial = o.serial;
  if (!o.drain) extraVars.drain_nodes = false;
  if (o.drainTimeout) extraVars.drain_timeout = o.drainTimeout;
  if (o.drainGracePeriod !== undefined) extraVars.drain_grace_period = o.drainGracePeriod;
  return extraVars;
}

/** One upgrade to `to` (the release's version format `vPrefix`); `record` are the phases that record it once it succeeded. */
export function upgradeSteps(o: StepOptions, to: KubeVersion, vPrefix: boolean, record: Phase[]): Phase[] {
  const target = formatKube(to, vPrefix);
  const extraVars = upgradeVars(o, to, vPrefix);
  // the target version is checked as kubespray will get it: as -e kube_version
  const phases: Phase[] = [kubesprayChecksPhase({ extraVars })];
  if (o.preflight !== false) phases.push(preflightPhase({ ignore: o.ignorePreflight ?? [] }));
  // the same backup as `kspray etcd-backup` (healthy member, verified transfer, retention from the config), inside
  // this flow so it shares its lock, run record and Ctrl-C
  if (!o.skipBackup)
    phases.push(
      ...backupPhases({}, (fc, res) => {
        fc.reporter.success(`etcd backup ${res.file} (revision ${res.meta.revision}, sha256 ${res.meta.sha256.slice(0, 16)}…)`);
        fc.reporter.event({ type: 'etcd_backup', file: res.file, sha256: res.meta.sha256, revision: res.meta.revision });
      }),
    );
  phases.push(renderPhase());
  if (o.prefetch)
    phases.push(playbookPhase(`Pre-download ${target}'s files and images (upgrade-cluster.yml --tags download)`, () => ({ playbook: 'upgrade-cluster.yml', tags: ['download'], extraVars })));
  const upVars = o.prefetch ? { ...extraVars, skip_downloads: true } : extraVars;
  phases.push(playbookPhase(`Run upgrade-cluster.yml -e kube_version=${target}`, () => ({ playbook: 'upgrade-cluster.yml', extraVars: upVars })), ...record, renderPhase());
  if (o.wait) phases.push(waitReadyPhase(clusterNodeNames, o.wait));
  return phases;
}

export function upgradePhases(ws: Workspace, o: UpgradeOptions): Phase[] {
  const c = ws.cluster;
  const to = parseKubeVersion(o.to);
  if (!to) throw new KsprayError('BadArgument', `"${o.to}" is not a Kubernetes version`, { hint: 'e.g. --to v1.30.4' });
  const check = checkUpgrade(c.kube!, to, c.release!);
  if (!check.ok) throw new KsprayError('BadArgument', `cannot upgrade: ${check.reason}`, { hint: check.fix });
  const next = setKubernetesVersion(ws.loaded.text, formatKube(to, true));
  checkConfigText(next, `upgrading to ${o.to}`);
  const record = configPhase(`Record ${formatKube(to, true)} in the config`, `set spec.kubernetes.version: ${formatKube(to, true)}`, () => next, `recording ${o.to}`);
  return upgradeSteps(o, to, c.release!.vPrefix, [record]);
}
