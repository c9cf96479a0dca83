// kspray setup: clone the configured kubespray release and build a venv with its requirements.txt (flows/setup.ts);
// with a release train ahead (`--to`, or a config edited past what was applied), every tag of it beside the first.
import type { CommandContext } from '../context.js';
import { runTask } from '../flows/flow.js';
import { DEFAULT_REPO, setupPhases, type SetupContext } from '../flows/setup.js';
import { pendingTrain, trainView } from '../flows/train.js';
import { venvForCheckout } from '../flows/train-layout.js';
import { resolveFrom } from '../paths.js';
import { openWorkspace } from '../workspace.js';
import { appliedState } from '../flows/applied-state.js';

export async function setup(ctx: CommandContext, o: { repository?: string; venv?: boolean; to?: string }): Promise<number> {
  const ws = await openWorkspace(ctx);
  const spec = ws.cluster.config.spec;
  const train = pendingTrain(ws, (await appliedState(ws.configDir, ws.cluster.name))?.cluster, o.to);
  // config-first: the configured checkout stays at the tag the cluster runs; the train's tags go beside it
  const tag = train?.mode === 'config' ? train.from.tag : spec.kubespray.version;
  const dir = resolveFrom(ws.configDir, spec.kubespray.path);
  // spec.kubespray.venv is built as configured; else one venv per distinct requirements.txt (venvOf)
  const venv = o.venv !== false && spec.kubespray.venv ? resolveFrom(ws.configDir, spec.kubespray.venv) : undefined;
  const repository = o.repository ?? spec.kubespray.repository ?? DEFAULT_REPO;
  const more = train ? trainView(ws, train).filter((h) => h.checkout !== dir).map((h) => ({ tag: h.to.tag, dir: h.checkout })) : [];
  const seen = new Set<string>();
  const unique = more.filter((m) => !seen.has(m.tag) && seen.add(m.tag));
  await runTask(
    (base): SetupContext => ({
      ...base,
      tag,
      dir,
      repository,
      ...(venv ? { venv } : {}),
      ...(unique.length ? { more: unique } : {}),
      ...(o.venv === false ? {} : { venvOf: (checkout: string) => venvForCheckout(ctx.env, checkout)! }),
    }),
    setupPhases(),
    'setup',
    ctx.reporter,
  );
  ctx.reporter.success(`kubespray ${[tag, ...unique.map((m) => m.tag)].join(', ')} ready${unique.length ? ' (the release train)' : ''} in ${dir}${unique.length ? ' and beside it' : ''}; next: kspray doctor`);
  return 0;
}
