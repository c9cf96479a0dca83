// The config pipeline judged by zod: exact problems for any config text (config-file.ts tries the compiled parser
// first and comes here when it answers "ask zod"). Loads zod, so only what needs it imports this.
import type { Problem } from './config/problems.js';
import { validateWith, type Loaded, type ValidateOptions } from './config/pipeline.js';
import { ClusterConfig } from './config/schema.js';
import { issuesToProblems } from './config/zod-issues.js';
import { RULES } from './config-rules.js';

export type { Loaded, ValidateOptions } from './config/pipeline.js';

const zodParse = (input: unknown): { success: true; data: ClusterConfig } | { success: false; problems: Problem[] } => {
  const parsed = ClusterConfig.safeParse(input);
  return parsed.success ? { success: true, data: parsed.data } : { success: false, problems: issuesToProblems(parsed.error.issues, ClusterConfig, input) };
};

export function validateText(text: string, opts: ValidateOptions = {}): Loaded {
  return validateWith(text, opts, zodParse, RULES)!;
}
