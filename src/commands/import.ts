// kspray import: an existing kubespray inventory → kspray.yaml, proven lossless before it is written (flows/import.ts).
import { relative, resolve } from 'node:path';
import type { CommandContext } from '../context.js';
import { runTask } from '../flows/flow.js';
import { importPhases, type ImportContext } from '../flows/import.js';
import type { Fidelity } from '../inventory/import-fidelity.js';
import { installSchema } from './init.js';

export interface ImportOptions {
  kubespray?: string;
  kubernetesVersion?: string;
  force?: boolean;
  output?: string;
}

/** Accepted differences, one line per variable, change and reason, naming its hosts. */
function grouped(accepted: Fidelity['accepted']): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const a of accepted) {
    const rendered = a.reason.startsWith('pinned to ip') || a.variable === 'ip' || a.variable === 'etcd_member_name' ? '' : ` → ${JSON.stringify(a.rendered)}`;
    const key = `${a.variable}${a.original === undefined ? ' (unset)' : `: ${JSON.stringify(a.original)}`}${rendered} (${a.reason})`;
    out.set(key, [...(out.get(key) ?? []), a.host]);
  }
  return out;
}

export async function importInventory(ctx: CommandContext, inventory: string, o: ImportOptions): Promise<number> {
  const r = ctx.reporter;
  const schemaHeader = `# yaml-language-server: $schema=${await installSchema(ctx.env)}\n`;
  const c = await runTask(
    (base): ImportContext => ({
      ...base,
      inventory: resolve(ctx.cwd, inventory),
      kubesprayDir: resolve(ctx.cwd, o.kubespray ?? 'kubespray'),
      configPath: ctx.configPath,
      env: ctx.env,
      ...(o.kubernetesVersion ? { kubernetesVersion: o.kubernetesVersion } : {}),
      force: Boolean(o.force),
      schemaHeader,
      sources: [],
      notes: [],
      copied: [],
    }),
    importPhases(),
    'import',
    r,
  );
  const f = c.fidelity!;
  const m = c.mapping!;
  const shown = relative(ctx.cwd, ctx.configPath) || ctx.configPath;
  const summary = `${f.hosts} hosts, ${f.variables} variables, ${f.differences.length} differences`;
  r.result(
    { config: ctx.configPath, kubespray: c.checkout!.tag, sources: c.sources, notes: c.notes, findings: m.findings, fidelity: f, written: c.copied },
    () => {
      for (const n of c.notes) r.info(n);
      for (const x of m.findings) r.info(`${x.kind}: ${x.text}`);
      for (const [what, hosts] of grouped(f.accepted)) r.info(`on purpose: ${what} on ${hosts.join(', ')}`);
      if (f.explicitDefaults) r.info(`${f.explicitDefaults} host variable(s) the inventory left to the release's defaults are now stated, with the same values`);
      for (const p of c.copied)
        r.info(p.endsWith('applied.yaml') ? `recorded as applied: ${relative(ctx.cwd, p)} (\`kspray plan\` compares with it)` : `credentials/ copied to ${relative(ctx.cwd, p) || p} (where kubespray reads it for the rendered inventory)`);
      r.success(`${shown} written: ${summary}${f.accepted.length ? ` (${f.accepted.length} made on purpose, listed above)` : ''}; next: kspray validate`);
    },
  );
  return 0;
}
