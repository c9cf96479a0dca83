// The config pipeline judged by zod: exact problems for any config (load-file.ts tries the compiled parser first).
import type { Problem } from './problems.js';
import { validateWith, type Loaded, type ValidateOptions } from './pipeline.js';
import { ClusterConfig } from './schema.js';
import { issuesToProblems } from './zod-issues.js';

export type { Loaded, ValidateOptions } from './pipeline.js';

const zodParse = (input: unknown): { success: true; data: ClusterConfig } | { success: false; problems: Problem[] } => {
  const parsed = ClusterConfig.safeParse(input);
  return parsed.success ? { success: true, data: parsed.data } : { success: false, problems: issuesToProblems(parsed.error.issues, ClusterConfig, input) };
};

export function validateText(text: string, opts: ValidateOptions = {}): Loaded {
  return validateWith(text, opts, zodParse)!;
}
