// Config pipeline: text → YAML (with positions) → schema → normalize → rules → { cluster, problems }. Returns values;
// never prints. The schema step and the rules are given: zod (config-text.ts) or the compiled parser (config-file.ts), which may answer
// "ask zod" (undefined), and then so does this.
import { effectiveInput, pointAtExtraVars } from './effective.js';
import { buildCluster, type Cluster } from './model.js';
import { parsePath, ProblemList, type Problem } from './problems.js';
import type { Rule } from './rules/context.js';
import type { Release } from './releases.js';
import type { ClusterConfig } from './schema.js';
import { lineOf, parseYaml, toPlain } from './yaml-source.js';

export interface Loaded {
  cluster?: Cluster;
  problems: Problem[];
  errors: Problem[];
  warnings: Problem[];
  text: string;
}

export interface ValidateOptions {
  /** the release as read from the kubespray checkout (default: kspray's table entry for spec.kubespray.version) */
  release?: Release;
}

/** The schema step: the parsed config, the schema's problems (without lines yet), or undefined to ask zod. */
export type SchemaParse = (input: unknown) => { success: true; data: ClusterConfig } | { success: false; problems: Problem[] } | undefined;

export function validateWith(text: string, opts: ValidateOptions, parse: SchemaParse, rules: readonly Rule[]): Loaded | undefined {
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
  const parsed = parse(input);
  if (!parsed) return undefined;
  if (!parsed.success) {
    const problems = parsed.problems;
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
    for (const rule of rules) rule({ cluster, problems: list, input });
    return done(list.items, cluster);
  }
  const effParsed = parse(eff.input);
  if (!effParsed) return undefined;
  if (!effParsed.success) return done(effParsed.problems.map((p) => pointAtExtraVars(p, eff.from)));
  for (const rule of rules) rule({ cluster: buildCluster(effParsed.data, opts.release), problems: list, input: eff.input });
  return done(list.items.map((p) => pointAtExtraVars(p, eff.from)), cluster);
}
