// `kspray validate --kubespray`: the checkout's checks for a loaded config, with what the output shows of them.
import type { LoadedFile } from '../config-file.js';
import type { Cluster } from '../config/model.js';
import type { Problem } from '../config/problems.js';
import type { CommandContext } from '../context.js';
import { KsprayError } from '../errors.js';
import { packagePath, resolveFrom } from '../paths.js';
import { formatDuration } from '../playbooks/events.js';
import { findAnsiblePlaybook } from '../workspace.js';
import { runKubesprayChecks, type ChecksOutcome } from '../kubespray/checks.js';

export interface KubesprayReport {
  problems: Problem[];
  summary: Record<string, unknown>;
  human(): void;
}

export const HOST_CHECKS_NOTE = "checked by deploy's preflight on the host";

export async function kubesprayChecks(ctx: CommandContext, loaded: LoadedFile): Promise<KubesprayReport> {
  const c = loaded.cluster as Cluster;
  const spec = c.config.spec;
  const out: ChecksOutcome = await runKubesprayChecks({
    cluster: c,
    text: loaded.text,
    file: loaded.file,
    kubesprayDir: resolveFrom(loaded.dir, spec.kubespray.path),
    ansiblePlaybook: findAnsiblePlaybook(c, loaded.dir, ctx.env),
    callbackDir: packagePath('templates', 'ansible', 'callback'),
  });
  // validate asks for the checks explicitly: a checkout without them is not the kubespray the config names
  if (!out.available) throw new KsprayError('ToolMissing', out.reason, { hint: 'point spec.kubespray.path at a kubespray checkout (`kspray setup` clones it)' });
  const r = ctx.reporter;
  return {
    problems: out.problems,
    summary: { release: spec.kubespray.version, passed: out.problems.length === 0, sources: out.sources, hostChecks: out.hostChecks, command: out.command, durationMs: out.durationMs },
    human() {
      r.info(`kubespray ${spec.kubespray.version} checks (${out.sources.join(', ')}): ${out.problems.length ? `${out.problems.length} failed` : 'passed'} in ${formatDuration(out.durationMs)}`);
      if (out.hostChecks.length) r.info(`${HOST_CHECKS_NOTE}: ${out.hostChecks.join('; ')}`);
    },
  };
}
