// kspray setup as phases: the configured kubespray release checked out (cloned, or fetched into an existing
// checkout), then a venv with its requirements.txt.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { KsprayError } from '../errors.js';
import { run } from '../exec.js';
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
}

async function step(c: SetupContext, title: string, argv: string[]): Promise<void> {
  const spin = c.reporter.spinner(title);
  const r = await run(argv, { timeoutMs: 20 * 60_000 });
  spin.stop();
  if (r.exitCode !== 0) throw new KsprayError('ToolMissing', `${title} failed (exit ${r.exitCode})`, { details: r.stderr.trim().split('\n').slice(-5) });
}

export function setupPhases(): Phase<SetupContext>[] {
  return [
    {
      title: 'Check out the kubespray release',
      async run(c) {
        const { dir, tag } = c;
        if (existsSync(join(dir, '.git'))) {
          c.reporter.info(`${dir}: existing checkout; fetching and checking out ${tag}`);
          await step(c, `git fetch ${tag}`, ['git', '-C', dir, 'fetch', '--depth', '1', 'origin', 'tag', tag]);
          await step(c, `git checkout ${tag}`, ['git', '-C', dir, 'checkout', '-q', tag]);
          return;
        }
        if (existsSync(dir)) throw new KsprayError('BadArgument', `${dir} exists and is not a git checkout`, { hint: 'move it away or set spec.kubespray.path' });
        await step(c, `git clone ${c.repository} --branch ${tag}`, ['git', 'clone', '-q', '--depth', '1', '--branch', tag, c.repository, dir]);
      },
    },
    {
      title: "Build the venv with the release's requirements.txt",
      when: (c) => c.venv !== undefined,
      async run(c) {
        const venv = c.venv!;
        if (!existsSync(join(venv, 'bin', 'pip'))) await step(c, `python3 -m venv ${venv}`, ['python3', '-m', 'venv', venv]);
        await step(c, `pip install -r requirements.txt`, [join(venv, 'bin', 'pip'), 'install', '-q', '-r', join(c.dir, 'requirements.txt')]);
        c.reporter.info(`venv: ${venv}`);
      },
    },
  ];
}
