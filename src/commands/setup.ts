// kspray setup: clone the configured kubespray release and build a venv with its requirements.txt.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { CommandContext } from '../context.js';
import { KsprayError } from '../errors.js';
import { run } from '../exec.js';
import { loadConfigFile, configInvalid } from '../config-file.js';
import { resolveFrom } from '../paths.js';
import { cacheRoot } from '../paths.js';

const DEFAULT_REPO = 'https://github.com/kubernetes-sigs/kubespray.git';

async function step(ctx: CommandContext, title: string, argv: string[], cwd?: string): Promise<void> {
  const spin = ctx.reporter.spinner(title);
  const r = await run(argv, { ...(cwd ? { cwd } : {}), timeoutMs: 20 * 60_000 });
  spin.stop();
  if (r.exitCode !== 0) throw new KsprayError('ToolMissing', `${title} failed (exit ${r.exitCode})`, { details: r.stderr.trim().split('\n').slice(-5) });
}

export async function setup(ctx: CommandContext, o: { repository?: string; venv?: boolean }): Promise<number> {
  const loaded = await loadConfigFile(ctx.configPath);
  if (!loaded.cluster || loaded.errors.length) throw configInvalid(loaded);
  const spec = loaded.cluster.config.spec;
  const tag = spec.kubespray.version;
  const dir = resolveFrom(loaded.dir, spec.kubespray.path);
  const repo = o.repository ?? spec.kubespray.repository ?? DEFAULT_REPO;
  const r = ctx.reporter;
  if (existsSync(join(dir, '.git'))) {
    r.info(`${dir}: existing checkout; fetching and checking out ${tag}`);
    await step(ctx, `git fetch ${tag}`, ['git', '-C', dir, 'fetch', '--depth', '1', 'origin', 'tag', tag]);
    await step(ctx, `git checkout ${tag}`, ['git', '-C', dir, 'checkout', '-q', tag]);
  } else {
    if (existsSync(dir)) throw new KsprayError('BadArgument', `${dir} exists and is not a git checkout`, { hint: 'move it away or set spec.kubespray.path' });
    await step(ctx, `git clone ${repo} --branch ${tag}`, ['git', 'clone', '-q', '--depth', '1', '--branch', tag, repo, dir]);
  }
  if (o.venv !== false) {
    const venv = spec.kubespray.venv ? resolveFrom(loaded.dir, spec.kubespray.venv) : join(cacheRoot(ctx.env), 'venvs', `kubespray-${tag}`);
    if (!existsSync(join(venv, 'bin', 'pip'))) await step(ctx, `python3 -m venv ${venv}`, ['python3', '-m', 'venv', venv]);
    await step(ctx, `pip install -r requirements.txt`, [join(venv, 'bin', 'pip'), 'install', '-q', '-r', join(dir, 'requirements.txt')]);
    r.info(`venv: ${venv}`);
  }
  r.success(`kubespray ${tag} ready in ${dir}; next: kspray doctor`);
  return 0;
}
