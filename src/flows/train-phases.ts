// The release train as ONE flow: per hop, the tag's checkout and venv (side by side with the others), the config
// re-rendered in that tag's layout with its migrations, the backup, upgrade-cluster.yml, Ready and health, then the
// hop recorded (config, applied.yaml, run record) only once it succeeded. A re-run plans from what was recorded, so
// it resumes at the first hop not done.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setSpecValues } from '../config/edit.js';
import { formatKube, type KubeVersion } from '../config/releases.js';
import type { Hop } from '../config/train.js';
import { KsprayError } from '../errors.js';
import { recordApplied } from './applied-state.js';
import type { Workspace } from '../workspace.js';
import { checkConfigText, updateConfig } from './config-update.js';
import type { FlowContext, Phase } from './flow.js';
import { DEFAULT_REPO, ensureTagCheckout, ensureVenv } from './setup.js';
import { refusedChanges, type ResolvedTrain } from './train.js';
import { configPath, layoutBase, tagLayout, venvForCheckout, type LayoutBase } from './train-layout.js';
import { upgradeSteps, type StepOptions } from './upgrade.js';

const v = (k: KubeVersion) => formatKube(k, true);

interface HopPlace {
  checkout: string;
  venv: string;
}

/**
 * The config text of a hop: its tag, where that tag lives (written once it differs from where the flow started), the
 * Kubernetes version and the migrated extra variables (written when the migrations changed them).
 */
function hopText(text: string, start: LayoutBase, hop: Hop, place: HopPlace, kube: KubeVersion | undefined, hadVenv: boolean, extraVars: Record<string, unknown>): string {
  const same = JSON.stringify(extraVars) === JSON.stringify(hop.extraVars);
  return setSpecValues(text, [
    [['kubespray', 'version'], hop.to.tag],
    [['kubespray', 'path'], place.checkout === start.kubesprayDir ? undefined : configPath(start.configDir, place.checkout)],
    [['kubespray', 'venv'], hadVenv && place.venv !== start.venv ? configPath(start.configDir, place.venv) : undefined],
    [['kubernetes', 'version'], kube ? v(kube) : undefined],
    [['extraVars'], same ? undefined : hop.extraVars],
  ]);
}

export function trainPhases(ws: Workspace, t: ResolvedTrain, o: StepOptions): Phase[] {
  const refused = refusedChanges(t.hops);
  if (refused.length)
    throw new KsprayError('ConfigInvalid', `the release train cannot run: ${refused.length} setting${refused.length === 1 ? '' : 's'} would make kubespray fail; nothing was run`, {
      details: refused.map((r) => `${r.path ?? r.hop} (at ${r.hop}): ${r.text}${r.fix ? ` — ${r.fix}` : ''}`),
      hint: '`kspray upgrade --plan` shows every hop with its changes',
    });
  const phases: Phase[] = [];
  const n = t.hops.length;
  // where the hops live is decided against the workspace as the flow starts; each hop moves the workspace on
  const places = new Map<number, HopPlace>();
  const start = layoutBase(ws);
  const startExtra = ws.cluster.config.spec.extraVars;
  const hadVenv = ws.cluster.config.spec.kubespray.venv !== undefined;
  const repository = ws.cluster.config.spec.kubespray.repository ?? DEFAULT_REPO;
  t.hops.forEach((hop, i) => {
    const label = `Hop ${i + 1}/${n} (${hop.to.tag}, ${v(hop.to.kube)})`;
    const moves = hop.to.tag !== hop.from.tag;
    const place = (fc: FlowContext): HopPlace => {
      const known = places.get(i);
      if (known) return known;
      // the workspace is in the tag the hop starts from (config-first: the config already names the target)
      const l = tagLayout({ ...layoutBase(fc.ws), tag: hop.from.tag }, hop.to.tag);
      return { checkout: l.checkout, venv: l.venv };
    };
    /** the workspace in the hop's tag: its checkout, its venv, the config in its layout (in memory until recorded) */
    const enter = async (fc: FlowContext, p: HopPlace, write: boolean) => {
      const text = hopText(fc.ws.loaded.text, start, hop, p, hop.from.kube, hadVenv, fc.ws.cluster.config.spec.extraVars);
      await updateConfig(fc.ws, text, `entering ${hop.to.tag}`, false);
      fc.ws.kubesprayDir = p.checkout;
      fc.ws.ansiblePlaybook = join(p.venv, 'bin', 'ansible-playbook');
      if (write) places.set(i, p);
    };
    if (moves)
      phases.push({
        title: `${label}: kubespray ${hop.to.tag} checkout and venv`,
        plan: (fc) => {
          const p = place(fc);
          return [
            `check out ${hop.to.tag} into ${p.checkout} from ${repository} (kept when already at the tag; the other tags' checkouts are not touched)`,
            `venv ${p.venv} from its requirements.txt (kept when complete): ansible-core >=${hop.release.ansibleCore.min},<${hop.release.ansibleCore.maxExclusive}`,
            `render in ${hop.to.tag}'s layout${hop.changes.length ? `: ${hop.changes.map((c) => `${c.kind}${c.path ? ` ${c.path}` : ''}`).join(', ')}` : ''}`,
          ];
        },
        preview: (fc) => enter(fc, place(fc), false),
        async run(fc) {
          const p = place(fc);
          const how = await ensureTagCheckout(fc.reporter, { dir: p.checkout, tag: hop.to.tag, repository });
          const venv = venvForCheckout(fc.ws.ctx.env, p.checkout);
          if (!venv) throw new KsprayError('ToolMissing', `${p.checkout} has no requirements.txt: not a kubespray checkout`);
          const built = await ensureVenv(fc.reporter, { dir: p.checkout, venv });
          fc.reporter.info(`kubespray ${hop.to.tag}: ${p.checkout} (${how}), venv ${venv} (${built})`);
          for (const c of hop.changes) fc.reporter.info(`${c.kind}: ${c.path ? `${c.path}: ` : ''}${c.text}`);
          await enter(fc, { checkout: p.checkout, venv }, true);
        },
      });
    const record: Phase = {
      title: `${label}: record ${hop.to.tag} / ${v(hop.to.kube)}`,
      plan: () => [
        `set ${t.mode === 'to' ? `spec.kubespray.version: ${hop.to.tag}, spec.kubernetes.version: ${v(hop.to.kube)}` : 'spec.kubespray.path/venv'} in the config and write applied.yaml (what the cluster now runs)`,
      ],
      preview: async (fc) => updateConfig(fc.ws, await recordText(fc, false), `recording ${hop.to.tag}`, false),
      async run(fc) {
        const next = await recordText(fc, true);
        const applied = hopText(fc.ws.loaded.text, start, hop, place(fc), hop.to.kube, hadVenv, fc.ws.cluster.config.spec.extraVars);
        checkConfigText(applied, `recording ${hop.to.tag}`);
        await recordApplied(fc.ws.stateDir, applied);
        await updateConfig(fc.ws, next, `recording ${hop.to.tag}`);
        const done = { hop: i + 1, of: n, tag: hop.to.tag, kube: v(hop.to.kube) };
        if (fc.record) (fc.record.result.train ??= []).push(done);
        fc.reporter.event({ type: 'train_hop', ...done });
        fc.reporter.success(`hop ${i + 1}/${n} done: ${hop.to.tag} / ${v(hop.to.kube)}`);
      },
    };
    /** `to`: the config follows the hop; config-first: it keeps naming the target, and only where the tag lives moves */
    const recordText = async (fc: FlowContext, fromDisk: boolean) => {
      if (t.mode === 'to') return hopText(fc.ws.loaded.text, start, hop, place(fc), hop.to.kube, hadVenv, fc.ws.cluster.config.spec.extraVars);
      const disk = fromDisk ? await readFile(fc.ws.loaded.path, 'utf8') : fc.ws.loaded.text;
      const keep = { ...hop, to: { ...hop.to, tag: t.target.tag } };
      return hopText(disk, start, keep, place(fc), undefined, hadVenv, startExtra);
    };
    const steps = upgradeSteps({ ...o, preflight: i === 0 && o.preflight !== false }, hop.to.kube, hop.release.vPrefix, [record]);
    phases.push(...steps.map((p) => (p === record ? p : { ...p, title: `${label}: ${p.title}` })));
  });
  return phases;
}

