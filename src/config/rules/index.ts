import { addressRules } from './addresses.js';
import type { Rule } from './context.js';
import { identityRules } from './identity.js';
import { kubesprayAssertRules } from './kubespray-asserts.js';
import { nameRules } from './names.js';
import { networkRules } from './network.js';
import { portPathRules } from './ports-paths.js';
import { sideEffectRules } from './side-effects.js';
import { versionRules } from './versions.js';

export const allRules: Rule[] = [...versionRules, ...identityRules, ...networkRules, ...addressRules, ...nameRules, ...portPathRules, ...kubesprayAssertRules, ...sideEffectRules];
export type { Rule, RuleContext } from './context.js';
