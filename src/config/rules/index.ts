import { addressRules } from './addresses.js';
import type { Rule } from './context.js';
import { identityRules } from './identity.js';
import { kubesprayAssertRules } from './kubespray-asserts.js';
import { nameRules } from './names.js';
import { networkRules } from './network.js';
import { placeholderRules } from './placeholders.js';
import { portPathRules } from './ports-paths.js';
import { sideEffectRules } from './side-effects.js';
import { versionRules } from './versions.js';

/** Every rule, in report order; `renderRules` judge what inventory/ renders and live there (config/ does not import it). */
export const allRules = (renderRules: Rule[]): Rule[] => [
  ...versionRules,
  ...identityRules,
  ...networkRules,
  ...addressRules,
  ...nameRules,
  ...portPathRules,
  ...kubesprayAssertRules,
  ...sideEffectRules,
  ...renderRules,
  ...placeholderRules,
];
export type { Rule, RuleContext } from './context.js';
