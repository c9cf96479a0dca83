// kspray render: the kubespray inventory for the configured release, written atomically; hand edits are shown, not overwritten.
import { join, relative, resolve } from 'node:path';
import { configInvalid, loadConfigFile } from '../config-file.js';
import type { CommandContext } from '../context.js';
import { KsprayError } from '../errors.js';
import { configDigest, renderInventory } from '../inventory/render.js';
import { applyWrite, planWrite } from '../inventory/write.js';
import { inventoryDir } from '../paths.js';
import { unifiedDiff } from '../inventory/diff.js';

export interface RenderOptions {
  out?: string;
  output?: string;
  force?: boolean;
  stdout?: boolean;
}

/** `-o DIR` named the directory before `-o` meant the output format everywhere; it keeps working for one release. */
function outputOptions(ctx: CommandContext, opts: RenderOptions): { out?: string; json: boolean } {
  const o = opts.output ?? 'text';
  if (o === 'text' || o === 'json') return { ...(opts.out ? { out: opts.out } : {}), json: o === 'json' };
  if (opts.out) throw new KsprayError('BadArgument', `-o ${o}: the output format is text or json`, { hint: `--out ${opts.out} already names the directory` });
  ctx.reporter.warn(`-o ${o} as the output directory is deprecated and goes in the next release; use --out ${o} (-o now means the output format, text or json)`);
  return { out: o, json: false };
}

export async function render(ctx: CommandContext, opts: RenderOptions): Promise<number> {
  const { out, json } = outputOptions(ctx, opts);
  const loaded = await loadConfigFile(ctx.configPath);
  if (loaded.errors.length || !loaded.cluster) throw configInvalid(loaded);
  const r = ctx.reporter;
  if (loaded.warnings.length) r.warn(`${loaded.warnings.length} config warning(s); \`kspray validate\` lists them`);
  const files = renderInventory(loaded.cluster, { source: loaded.file, digest: configDigest(loaded.text) });
  const release = loaded.cluster.config.spec.kubespray.version;
  if (opts.stdout) {
    if (json) r.result({ release, files });
    else for (const f of files) r.print(`### ${f.path}\n${f.content}`);
    return 0;
  }
  const dir = out ? resolve(ctx.cwd, out) : inventoryDir(loaded.dir, loaded.cluster.name);
  const plan = await planWrite(dir, files);
  for (const c of plan.conflicts) r.print(await unifiedDiff(join(dir, c.path), c.current, c.next ?? ''));
  await applyWrite(dir, files, plan, Boolean(opts.force));
  const shown = relative(ctx.cwd, dir) || '.';
  r.result({ dir, release, written: plan.write.map((f) => f.path), removed: plan.remove, unchanged: plan.unchanged, files }, () => {
    for (const f of plan.write) r.host(f.path, plan.conflicts.some((c) => c.path === f.path) ? 'overwritten (--force)' : 'written');
    for (const p of plan.remove) r.host(p, 'removed (not used by this release)');
    r.success(`${shown}: ${plan.write.length} written, ${plan.unchanged.length} unchanged, ${plan.remove.length} removed`);
  });
  return 0;
}
