// kspray validate: every problem at once, as `path (line N): what — fix`. Exit 3 on errors, 0 on warnings only.
// --kubespray adds real kubespray's own inventory checks from the configured checkout (loaded only then).
import { relative } from 'node:path';
import { clusterCapacity, type ClusterCapacity } from '../config/capacity.js';
import { loadConfigFile } from '../config-file.js';
import { formatProblem, type Problem } from '../config/problems.js';
import type { CommandContext } from '../context.js';
import { ExitCode } from '../errors.js';
import { trainProblem } from './train-check.js';

export interface ValidateOptions {
  kubespray?: boolean;
}

export async function validate(ctx: CommandContext, o: ValidateOptions = {}): Promise<number> {
  const loaded = await loadConfigFile(ctx.configPath);
  const r = ctx.reporter;
  const file = relative(ctx.cwd, loaded.path) || loaded.path;
  // kubespray is asked only about a config kspray can render
  const ks = o.kubespray && loaded.errors.length === 0 && loaded.cluster ? await (await import('./validate-kubespray.js')).kubesprayChecks(ctx, loaded) : undefined;
  const train = loaded.errors.length === 0 && loaded.cluster ? await trainProblem(loaded.dir, loaded.text, loaded.cluster) : undefined;
  if (train) loaded.problems.push(train);
  const errors: Problem[] = [...loaded.errors, ...(train ? [train] : []), ...(ks?.problems ?? [])];
  const valid = errors.length === 0;
  const cap = valid && loaded.cluster ? clusterCapacity(loaded.cluster) : undefined;
  const capacity = cap?.ok ? cap.value : undefined;
  r.result({ file, valid, errors, warnings: loaded.warnings, ...(ks ? { kubespray: ks.summary } : {}), ...(capacity ? { capacity } : {}) }, () => {
    for (const p of [...loaded.problems, ...(ks?.problems ?? [])]) {
      const line = formatProblem(p);
      if (p.severity === 'error') r.error(line);
      else r.warn(line);
    }
    ks?.human();
    const c = loaded.cluster;
    if (valid && c)
      r.success(
        `${file}: valid — ${c.name}, Kubernetes ${c.config.spec.kubernetes.version} on kubespray ${c.config.spec.kubespray.version}, ` +
          `${c.controlPlanes.length} control plane, ${c.etcdMembers.length} etcd, ${c.workers.length} worker${loaded.warnings.length ? `, ${loaded.warnings.length} warning(s)` : ''}`,
      );
    else r.info(`${file}: ${errors.length} error(s), ${loaded.warnings.length} warning(s); nothing was written or run`);
    if (capacity) r.info(capacityLine(capacity));
  });
  return valid ? ExitCode.Ok : ExitCode.Config;
}

/** The planning numbers in one line: the same figures `kspray docs` and `kspray health` use. */
export function capacityLine(c: ClusterCapacity): string {
  const p = c.pods;
  const holds = p.nodesAtOneBlock !== undefined ? `${p.nodesAtMaxPods} nodes at ${p.maxPodsPerNode} pods each (${p.nodesAtOneBlock} at one /${p.allocation.kind === 'calico-blocks' ? p.allocation.blockSize : ''} block each)` : `${p.nodesAtMaxPods} nodes`;
  const mlb = c.metallb.length ? `, ${c.metallb.reduce((a, x) => a + x.addresses, 0)} MetalLB addresses` : '';
  return `capacity: ${c.schedulablePods} pods on ${c.schedulableNodes} schedulable node(s) at ${p.podsPerNode} per node; the pod subnet holds ${holds}; ${c.serviceIps ?? 0} service IPs${mlb}`;
}
