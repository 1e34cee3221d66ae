import type { Decision } from './types.js';

const ALIASES: Record<string, Decision> = {
  allow: 'allow',
  permit: 'allow',
  deny: 'deny',
  block: 'deny',
  require_approval: 'require_approval',
  'require-approval': 'require_approval',
  require_human: 'require_approval',
  allow_with_constraints: 'allow_with_constraints',
  'allow-with-constraints': 'allow_with_constraints',
  throttle: 'throttle',
};

/**
 * The canonical decision for a name or alias, case-insensitively, so that
 * `ALLOW` in a policy simulation and `permit` in a rule agree.
 */
export function normalizeDecision(name: string): Decision | undefined {
  return ALIASES[name.trim().toLowerCase()];
}

export const DECISION_NAMES = Object.keys(ALIASES);
