// Config pipeline: text → YAML (with positions) → schema → normalize → rules (config/'s and inventory/'s) → { cluster, problems },
// and the config file read with the release of its kubespray checkout. Above config/, inventory/ and kubespray/, which
// it joins. Returns values; never prints.
import { readFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { KsprayError } from './errors.js';
import { normalizeTag, readCheckoutRelease, type CheckoutRelease } from './kubespray/checkout-release.js';
import { resolveFrom } from './paths.js';
import { effectiveInput, pointAtExtraVars } from './config/effective.js';
import { buildCluster, type Cluster } from './config/model.js';
import { parsePath, ProblemList, type Problem } from './config/problems.js';
import { allRules } from './config/rules/index.js';
import { renderRules } from './inventory/rules.js';
import type { Release } from './config/releases.js';
import { ClusterConfig } from './config/schema.js';
import { lineOf, parseYaml, toPlain } from './config/yaml-source.js';
import { issuesToProblems } from './config/zod-issues.js';

const RULES = allRules(renderRules);

export interface Loaded {
  cluster?: Cluster;
  problems: Problem[];
  errors: Problem[];
  warnings: Problem[];
  text: string;
}

export interface LoadedFile extends Loaded {
  path: string;
  dir: string;
  file: string;
  /** the kubespray checkout at spec.kubespray.path, when there is one */
  checkout?: CheckoutRelease;
}

export interface ValidateOptions {
  /** the release as read from the kubespray checkout (default: kspray's table entry for spec.kubespray.version) */
  release?: Release;
}

export function validateText(text: string, opts: ValidateOptions = {}): Loaded {
  const { source, problems: yamlProblems } = parseYaml(text);
  const done = (problems: Problem[], cluster?: Cluster): Loaded => {
    for (const p of problems) {
      if (p.line !== undefined) continue;
      const segs = parsePath(p.path);
      const line = lineOf(source, segs);
      if (line !== undefined) p.line = line;
    }
    problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
    return {
      ...(cluster ? { cluster } : {}),
      problems,
      errors: problems.filter((p) => p.severity === 'error'),
      warnings: problems.filter((p) => p.severity === 'warning'),
      text,
    };
  };
  if (yamlProblems.length) return done(yamlProblems);
  const plain = toPlain(source);
  if ('problem' in plain) return done([plain.problem]);
  const input = plain.value;
  if (input === null || typeof input !== 'object' || Array.isArray(input))
    return done([{ severity: 'error', rule: 'yaml/not-a-mapping', path: '(document)', line: lineOf(source, []) ?? 1, message: 'the file is not a kspray config (expected a mapping with apiVersion, kind, metadata, spec)', fix: 'start from `kspray init`' }]);
  const parsed = ClusterConfig.safeParse(input);
  if (!parsed.success) {
    const problems = issuesToProblems(parsed.error.issues, ClusterConfig, input);
    // unknown keys point at the key itself, not the mapping that holds it
    for (const p of problems)
      if (p.rule === 'schema/unrecognized_keys') {
        const segs = parsePath(p.path);
        const key = segs.pop();
        const line = lineOf(source, segs, String(key));
        if (line !== undefined) p.line = line;
      }
    return done(problems);
  }
  const cluster = buildCluster(parsed.data, opts.release);
  // the rules judge what will be rendered: extraVars that override a modelled field replace it first
  const eff = effectiveInput(input, parsed.data.spec.extraVars);
  const list = new ProblemList();
  if (!eff) {
    for (const rule of RULES) rule({ cluster, problems: list, input });
    return done(list.items, cluster);
  }
  const effParsed = ClusterConfig.safeParse(eff.input);
  if (!effParsed.success) return done(issuesToProblems(effParsed.error.issues, ClusterConfig, eff.input).map((p) => pointAtExtraVars(p, eff.from)));
  for (const rule of RULES) rule({ cluster: buildCluster(effParsed.data, opts.release), problems: list, input: eff.input });
  return done(list.items.map((p) => pointAtExtraVars(p, eff.from)), cluster);
}

export async function loadConfigFile(path: string): Promise<LoadedFile> {
  const abs = resolve(path);
  let text: string;
  try {
    text = await readFile(abs, 'utf8');
  } catch (e) {
    throw unreadableConfig(path, e);
  }
  const dir = dirname(abs);
  const loaded = validateText(text);
  const spec = loaded.cluster?.config.spec.kubespray;
  const checkout = spec ? await readCheckoutRelease(resolveFrom(dir, spec.path)) : undefined;
  // a checkout at another tag than the config's is about to be switched (setup) and states nothing about this config
  const release = checkout?.release && checkout.tag === normalizeTag(spec!.version) ? checkout.release : undefined;
  const final = release && !isDeepStrictEqual(release, loaded.cluster!.release) ? validateText(text, { release }) : loaded;
  return { ...final, path: abs, dir, file: basename(abs), ...(checkout ? { checkout } : {}) };
}

/** A sentence and a way out for each reason a config file cannot be read. */
function unreadableConfig(path: string, e: unknown): KsprayError {
  const code = (e as NodeJS.ErrnoException).code;
  const [message, hint] =
    code === 'ENOENT' || code === 'ENOTDIR'
      ? [`config file ${path} not found`, 'create one with `kspray init` or pass -c FILE (or set KSPRAY_CONFIG)']
      : code === 'EISDIR'
        ? [`config path ${path} is a directory, not a file`, `pass the file itself, e.g. -c ${join(path, 'kspray.yaml')}`]
        : code === 'EACCES' || code === 'EPERM'
          ? [`config file ${path} cannot be read: permission denied`, `check its permissions (ls -l ${path}) or run kspray as a user who can read it`]
          : [`config file ${path} cannot be read (${code ?? String(e)})`, 'check the path and the disk'];
  return new KsprayError('ConfigNotFound', message, { hint, cause: e });
}

/** Load and require a valid config (for commands that act on it). */
export async function requireValidConfig(path: string): Promise<LoadedFile & { cluster: Cluster }> {
  const loaded = await loadConfigFile(path);
  if (loaded.errors.length || !loaded.cluster) throw configInvalid(loaded);
  return loaded as LoadedFile & { cluster: Cluster };
}

export function configInvalid(loaded: LoadedFile): KsprayError {
  const n = loaded.errors.length;
  return new KsprayError('ConfigInvalid', `${loaded.file} has ${n} error${n === 1 ? '' : 's'}; nothing was written or run`, {
    details: loaded.problems.map((p) => `${p.severity === 'error' ? 'error' : 'warning'}: ${formatForList(loaded.file, p)}`),
  });
}

export function formatForList(file: string, p: Problem): string {
  const where = p.line ? `${file}:${p.line} ${p.path}` : `${file} ${p.path}`;
  return `${where}: ${p.message}${p.fix ? ` — ${p.fix}` : ''}`;
}
