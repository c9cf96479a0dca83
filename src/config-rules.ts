// Every config rule in report order: config/'s own and the ones inventory/ keeps because they judge what it renders
// (config/ does not import inventory/). Shared by both pipelines, the compiled one and zod's.
import { allRules } from './config/rules/index.js';
import { renderRules } from './inventory/rules.js';

export const RULES = allRules(renderRules);
