// Real kubespray for the tests that judge kspray against it: the cached checkout and venv of each ref
// (scripts/setup-real-kubespray.sh makes them from the git bundle next to the repository).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { findRelease, releases, type Release } from '../../src/config/releases.js';
import { REPO_DIR } from '../lab/settings.js';
import { run, type RunResult } from '../lab/proc.js';

// KSPRAY_KUBESPRAY_BUNDLE points elsewhere (as for scripts/setup-real-kubespray.sh), e.g. from a second worktree
export const BUNDLE = process.env.KSPRAY_KUBESPRAY_BUNDLE ?? path.join(REPO_DIR, '../shared/kubespray/kubespray.bundle');
/** the refs `npm test` judges against; KSPRAY_REAL_REFS (space separated) widens or narrows them */
export const DEFAULT_REFS = ['v2.25.0', 'v2.27.1', 'v2.28.1', 'v2.31.0', 'master'];

/** Why the real-kubespray tests cannot run here, or undefined when they can. */
export const realSkipReason = (): string | undefined => (fs.existsSync(BUNDLE) ? undefined : 'no ../shared/kubespray/kubespray.bundle: real kubespray tests skipped');

export function realRefs(): string[] {
  const env = process.env.KSPRAY_REAL_REFS?.trim();
  return env ? env.split(/\s+/) : DEFAULT_REFS;
}

export interface RealKubespray {
  ref: string;
  /** the checkout */
  dir: string;
  venv: string;
  /** the release kspray renders for: the tag, or for a branch the version its galaxy.yml announces when kspray knows it */
  release: Release;
  /** the version the checkout announces (galaxy.yml), e.g. 2.32.0 for master */
  announced: string;
  /** set when the render uses another release than the checkout announces */
  note?: string;
}

const cacheRoot = () => process.env.KSPRAY_CACHE_DIR ?? path.join(os.homedir(), '.cache/kspray');

/** The checkout and venv of a ref; throws with the command to run when setup has not made them. */
export function realKubespray(ref: string): RealKubespray {
  const dir = path.join(cacheRoot(), 'real-kubespray', ref);
  const pointer = `${dir}.venv`;
  const fix = `run: bash scripts/setup-real-kubespray.sh ${ref}`;
  if (!fs.existsSync(path.join(dir, 'cluster.yml')) || !fs.existsSync(pointer)) throw new Error(`no checkout of kubespray ${ref} in ${dir}; ${fix}`);
  const venv = fs.readFileSync(pointer, 'utf8').trim();
  if (!fs.existsSync(path.join(venv, '.kspray-complete'))) throw new Error(`the venv of kubespray ${ref} (${venv}) is not complete; ${fix}`);
  const announced = String((parse(fs.readFileSync(path.join(dir, 'galaxy.yml'), 'utf8')) as { version: string }).version);
  const exact = findRelease(ref) ?? findRelease(announced);
  if (exact) return { ref, dir, venv, release: exact, announced };
  // a branch ahead of every tag kspray knows: render for the newest known release of the same line
  const newest = [...releasesUpTo(announced)].at(-1);
  if (!newest) throw new Error(`kspray knows no release up to ${announced} (kubespray ${ref})`);
  return { ref, dir, venv, release: newest, announced, note: `kspray has no table entry for v${announced}: rendered for ${newest.tag}` };
}

function releasesUpTo(version: string): Release[] {
  const num = (v: string) => v.replace(/^v/, '').split('.').map(Number) as [number, number, number];
  const [a, b, c] = num(version);
  return releases.filter((r) => {
    const [x, y, z] = num(r.tag);
    return x < a || (x === a && (y < b || (y === b && z <= c)));
  });
}

/** Environment for the ref's ansible tools, as kspray runs them: the checkout's ansible.cfg. */
export function realEnv(k: RealKubespray, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, PATH: `${k.venv}/bin:${process.env.PATH ?? ''}`, ANSIBLE_CONFIG: path.join(k.dir, 'ansible.cfg'), ANSIBLE_NOCOLOR: '1', ...extra };
}

/** Run one of the venv's tools (ansible-inventory, ansible, ansible-playbook) from the checkout dir. */
export function realTool(k: RealKubespray, tool: string, args: string[], env: Record<string, string> = {}): Promise<RunResult & { output: string }> {
  return run([path.join(k.venv, 'bin', tool), ...args], { cwd: k.dir, env: realEnv(k, env), allowFail: true, timeoutMs: 600_000 }).then((r) => ({ ...r, output: r.stdout + r.stderr }));
}

/** Files of the checkout under `sub` with one of the extensions (relative paths). */
export function checkoutFiles(k: RealKubespray, sub: string, exts: string[]): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) {
        if (e.name !== '.git' && e.name !== 'docs' && e.name !== 'tests') walk(p);
      } else if (exts.some((x) => e.name.endsWith(x))) out.push(path.relative(k.dir, p));
    }
  };
  walk(path.join(k.dir, sub));
  return out;
}
