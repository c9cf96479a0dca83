// kspray docs: the cluster's architecture document, computed from the config (markdown or json), printed, written
// atomically (--out) or compared with a committed copy (--check: exit 1 and the first differing line when stale).
// --live adds what the fact cache and the Kubernetes API say; an unreachable API is stated in it, exit 0 (the
// document is still true about the config; `kspray health` is the command that fails on an unhealthy cluster).
import { readFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { configInvalid, loadConfigFile, type LoadedFile } from '../config-file.js';
import type { Cluster } from '../config/model.js';
import { releaseVersions } from '../docs/components.js';
import type { CommandContext } from '../context.js';
import { buildDocModel, type DocInputs } from '../docs/build.js';
import { renderMarkdown } from '../docs/markdown.js';
import type { DocLive, DocModel } from '../docs/schema.js';
import { ExitCode, KsprayError } from '../errors.js';
import { clusterDir, listBackups, storedState } from '../etcd/store.js';
import { writeFileAtomic } from '../fsutil/atomic.js';
import { configDigest } from '../inventory/render.js';
import { normalizeTag } from '../kubespray/checkout-release.js';
import { resolveFrom, stateDir } from '../paths.js';

export interface DocsOptions {
  output?: string;
  out?: string;
  check?: string;
  live?: boolean;
  kubeconfig?: string;
  context?: string;
}

export const renderDoc = (m: DocModel, format: 'markdown' | 'json') => (format === 'json' ? JSON.stringify(m, null, 2) + '\n' : renderMarkdown(m));

/** What the document is built from besides the config: the checkout's versions, the newest verified backup. */
export async function docInputs(loaded: LoadedFile & { cluster: Cluster }): Promise<DocInputs> {
  const c = loaded.cluster;
  const co = loaded.checkout;
  const fromCheckout = co?.release !== undefined && co.tag === normalizeTag(c.config.spec.kubespray.version);
  const root = resolveFrom(loaded.dir, c.config.spec.etcd.backup.dir);
  const dir = clusterDir(root, c.name);
  const newest = (await listBackups(dir).catch(() => [])).find((b) => storedState(b) === 'ok' && !b.meta!.degraded);
  const shown = (p: string) => relative(loaded.dir, p) || '.';
  return {
    source: { file: loaded.file, sha256: configDigest(loaded.text) },
    release: releaseVersions(c, fromCheckout ? co.facts.addonVersions : undefined),
    backupDir: shown(dir),
    ...(newest?.meta ? { lastBackup: { file: shown(newest.file), meta: newest.meta } } : {}),
  };
}

/** --live: the fact cache and the Kubernetes API, found the way `kspray health` finds them. */
async function liveInputs(ctx: CommandContext, loaded: LoadedFile & { cluster: Cluster }, opts: DocsOptions): Promise<DocLive> {
  const { collectLive } = await import('../docs/live.js');
  const { stateKubeconfig } = await import('../kube/kubeconfig.js');
  const sdir = stateDir(loaded.dir, loaded.cluster.name);
  const factCacheDir = join(sdir, 'facts');
  return collectLive({
    cluster: loaded.cluster,
    factCacheDir,
    factCacheShown: relative(loaded.dir, factCacheDir),
    kubeconfig: { file: opts.kubeconfig ? resolve(ctx.cwd, opts.kubeconfig) : stateKubeconfig(sdir), ...(opts.context ? { context: opts.context } : {}) },
    kubeconfigExplicit: Boolean(opts.kubeconfig),
    now: new Date(),
  });
}

/** 1-based number and both texts of the first line where `a` and `b` differ, or undefined when equal. */
export function firstDifference(a: string, b: string): { line: number; expected: string; found: string } | undefined {
  if (a === b) return undefined;
  const la = a.split('\n');
  const lb = b.split('\n');
  for (let i = 0; i < Math.max(la.length, lb.length); i++) if (la[i] !== lb[i]) return { line: i + 1, expected: la[i] ?? '(end of file)', found: lb[i] ?? '(end of file)' };
  return undefined;
}

export async function docs(ctx: CommandContext, opts: DocsOptions): Promise<number> {
  const format = opts.output ?? 'markdown';
  if (format !== 'markdown' && format !== 'json') throw new KsprayError('BadArgument', `-o ${format}: the document format is markdown or json`, { hint: 'kspray docs -o json' });
  if (opts.live && opts.check) throw new KsprayError('BadArgument', '--live and --check together: live data changes by the minute, a committed document cannot match it', { hint: 'kspray docs --check docs/architecture.md' });
  if (!opts.live && (opts.kubeconfig || opts.context)) throw new KsprayError('BadArgument', `${opts.kubeconfig ? '--kubeconfig' : '--context'} is read only with --live`, { hint: 'kspray docs --live --kubeconfig FILE' });
  if (opts.out && opts.check) throw new KsprayError('BadArgument', '--out and --check together: one writes the document, the other compares it', { hint: 'kspray docs --check docs/architecture.md' });
  const loaded = await loadConfigFile(ctx.configPath);
  if (loaded.errors.length || !loaded.cluster) throw configInvalid(loaded);
  const r = ctx.reporter;
  const inputs = await docInputs(loaded as LoadedFile & { cluster: Cluster });
  if (opts.live) inputs.live = await liveInputs(ctx, loaded as LoadedFile & { cluster: Cluster }, opts);
  const text = renderDoc(buildDocModel(loaded.cluster, inputs), format);
  if (opts.check) {
    const path = resolve(ctx.cwd, opts.check);
    const current = await readFile(path, 'utf8').catch((e: NodeJS.ErrnoException) => {
      throw new KsprayError('BadArgument', `--check ${opts.check}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`, { hint: `write it first: kspray docs${format === 'json' ? ' -o json' : ''} --out ${opts.check}` });
    });
    const diff = firstDifference(text, current);
    r.result({ file: opts.check, upToDate: !diff, ...(diff ? diff : {}) }, () => {
      if (!diff) return r.info(`${opts.check}: up to date with ${loaded.file}`);
      r.error(`${opts.check} is stale: line ${diff.line} differs from what ${loaded.file} gives`);
      r.note(`  expected: ${diff.expected}`);
      r.note(`  found:    ${diff.found}`);
      r.note(`  hint: regenerate it with kspray docs${format === 'json' ? ' -o json' : ''} --out ${opts.check}`);
    });
    return diff ? ExitCode.Failure : ExitCode.Ok;
  }
  if (opts.out) {
    const path = resolve(ctx.cwd, opts.out);
    await writeFileAtomic(path, text);
    r.info(`wrote ${relative(ctx.cwd, path) || path}`);
    return ExitCode.Ok;
  }
  r.print(text);
  return ExitCode.Ok;
}
