// kspray setup as phases: the configured kubespray release checked out (cloned, or fetched into an existing
// checkout), then a venv with its requirements.txt. The release train prepares each hop's tag with the same pieces.
import { existsSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KsprayError } from '../errors.js';
import { run } from '../exec.js';
import type { Reporter } from '../io/reporter.js';
import type { Phase, TaskContext } from './flow.js';

export const DEFAULT_REPO = 'https://github.com/kubernetes-sigs/kubespray.git';

export interface SetupContext extends TaskContext {
  /** the release tag, e.g. v2.31.0 */
  tag: string;
  /** the checkout */
  dir: string;
  repository: string;
  /** the venv to build; none with --no-venv */
  venv?: string;
  /** more tags, each in its own checkout with its venv (`kspray setup --to`: the release train) */
  more?: { tag: string; dir: string }[];
  /** the venv of a checkout of `more` (one per distinct requirements.txt) */
  venvOf?: (checkout: string) => string;
}

async function step(r: Reporter, title: string, argv: string[]): Promise<string> {
  const spin = r.spinner(title);
  const out = await run(argv, { timeoutMs: 20 * 60_000 });
  spin.stop();
  if (out.exitCode !== 0) throw new KsprayError('ToolMissing', `${title} failed (exit ${out.exitCode})`, { details: out.stderr.trim().split('\n').slice(-5) });
  return out.stdout.trim();
}

/** The checkout is at `tag` (its HEAD is the tag's commit): nothing to fetch. */
export async function checkoutAt(dir: string, tag: string): Promise<boolean> {
  if (!existsSync(join(dir, '.git'))) return false;
  const [head, want] = await Promise.all([run(['git', '-C', dir, 'rev-parse', 'HEAD']), run(['git', '-C', dir, 'rev-parse', '-q', '--verify', `refs/tags/${tag}^{commit}`])]);
  return head.exitCode === 0 && want.exitCode === 0 && head.stdout.trim() === want.stdout.trim();
}

/**
 * A checkout of `tag` of its own: reused when it is already at the tag, else cloned next to where it goes and moved
 * into place, so a failed clone leaves no half checkout and no other tag's checkout is touched.
 */
export async function ensureTagCheckout(r: Reporter, o: { dir: string; tag: string; repository: string }): Promise<'reused' | 'cloned'> {
  if (await checkoutAt(o.dir, o.tag)) return 'reused';
  if (existsSync(o.dir)) throw new KsprayError('BadArgument', `${o.dir} exists and is not a checkout of kubespray ${o.tag}`, { hint: 'move it away; kspray keeps one checkout per tag there' });
  const partial = `${o.dir}.partial`;
  await rm(partial, { recursive: true, force: true });
  await step(r, `git clone ${o.repository} --branch ${o.tag}`, ['git', 'clone', '-q', '--depth', '1', '--branch', o.tag, o.repository, partial]);
  await rename(partial, o.dir);
  return 'cloned';
}

/** A venv with the checkout's requirements.txt; one marked complete is reused as it is. */
export async function ensureVenv(r: Reporter, o: { dir: string; venv: string }): Promise<'reused' | 'built'> {
  const done = join(o.venv, '.kspray-complete');
  if (existsSync(done)) return 'reused';
  if (!existsSync(join(o.venv, 'bin', 'pip'))) await step(r, `python3 -m venv ${o.venv}`, ['python3', '-m', 'venv', o.venv]);
  await step(r, `pip install -r requirements.txt`, [join(o.venv, 'bin', 'pip'), 'install', '-q', '-r', join(o.dir, 'requirements.txt')]);
  await writeFile(done, '');
  return 'built';
}

export function setupPhases(): Phase<SetupContext>[] {
  return [
    {
      title: 'Check out the kubespray release',
      async run(c) {
        const { dir, tag } = c;
        if (existsSync(join(dir, '.git'))) {
          c.reporter.info(`${dir}: existing checkout; fetching and checking out ${tag}`);
          await step(c.reporter, `git fetch ${tag}`, ['git', '-C', dir, 'fetch', '--depth', '1', 'origin', 'tag', tag]);
          await step(c.reporter, `git checkout ${tag}`, ['git', '-C', dir, 'checkout', '-q', tag]);
          return;
        }
        if (existsSync(dir)) throw new KsprayError('BadArgument', `${dir} exists and is not a git checkout`, { hint: 'move it away or set spec.kubespray.path' });
        await step(c.reporter, `git clone ${c.repository} --branch ${tag}`, ['git', 'clone', '-q', '--depth', '1', '--branch', tag, c.repository, dir]);
      },
    },
    {
      title: "Build the venv with the release's requirements.txt",
      when: (c) => c.venv !== undefined || c.venvOf !== undefined,
      async run(c) {
        if (c.venv === undefined) {
          // the venv of this requirements.txt, shared by every tag that pins the same Ansible
          const venv = c.venvOf!(c.dir);
          c.reporter.info(`venv: ${venv} (${await ensureVenv(c.reporter, { dir: c.dir, venv })})`);
          return;
        }
        const venv = c.venv;
        if (!existsSync(join(venv, 'bin', 'pip'))) await step(c.reporter, `python3 -m venv ${venv}`, ['python3', '-m', 'venv', venv]);
        await step(c.reporter, `pip install -r requirements.txt`, [join(venv, 'bin', 'pip'), 'install', '-q', '-r', join(c.dir, 'requirements.txt')]);
        c.reporter.info(`venv: ${venv}`);
      },
    },
    {
      title: 'Check out and build every tag of the release train',
      when: (c) => Boolean(c.more?.length),
      async run(c) {
        for (const m of c.more!) {
          const how = await ensureTagCheckout(c.reporter, { dir: m.dir, tag: m.tag, repository: c.repository });
          const venv = c.venvOf?.(m.dir);
          const built = venv ? await ensureVenv(c.reporter, { dir: m.dir, venv }) : 'not built (--no-venv)';
          c.reporter.info(`${m.tag}: checkout ${m.dir} (${how}), venv ${venv ?? '-'} (${built})`);
        }
      },
    },
  ];
}
