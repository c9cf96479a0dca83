// kspray render: the kubespray inventory for the configured release, written atomically; hand edits are shown, not overwritten.
import { join, relative, resolve } from 'node:path';
import { configInvalid, loadConfigFile } from '../config/load.js';
import type { CommandContext } from '../context.js';
import { configDigest, renderInventory } from '../inventory/render.js';
import { applyWrite, planWrite } from '../inventory/write.js';
import { inventoryDir } from '../paths.js';
import { unifiedDiff } from '../inventory/diff.js';

export async function render(ctx: CommandContext, opts: { out?: string; force?: boolean; stdout?: boolean }): Promise<number> {
  const loaded = await loadConfigFile(ctx.configPath);
  if (loaded.errors.length || !loaded.cluster) throw configInvalid(loaded);
  const r = ctx.reporter;
  if (loaded.warnings.length) r.warn(`${loaded.warnings.length} config warning(s); \`kspray validate\` lists them`);
  const files = renderInventory(loaded.cluster, { source: loaded.file, digest: configDigest(loaded.text) });
  if (opts.stdout) {
    for (const f of files) r.print(`### ${f.path}\n${f.content}`);
    return 0;
  }
  const dir = opts.out ? resolve(ctx.cwd, opts.out) : inventoryDir(loaded.dir, loaded.cluster.name);
  const plan = await planWrite(dir, files);
  for (const c of plan.conflicts) r.print(await unifiedDiff(join(dir, c.path), c.current, c.next ?? ''));
  await applyWrite(dir, files, plan, Boolean(opts.force));
  const shown = relative(ctx.cwd, dir) || '.';
  r.result({ dir, written: plan.write.map((f) => f.path), removed: plan.remove, unchanged: plan.unchanged }, () => {
    for (const f of plan.write) r.host(f.path, plan.conflicts.some((c) => c.path === f.path) ? 'overwritten (--force)' : 'written');
    for (const p of plan.remove) r.host(p, 'removed (not used by this release)');
    r.success(`${shown}: ${plan.write.length} written, ${plan.unchanged.length} unchanged, ${plan.remove.length} removed`);
  });
  return 0;
}
