/**
 * Constraint templates: named constraint sets a fragment defines once
 * (`constraint_templates`) and rules name (`templates: [a, b]`). Precedence,
 * lowest first: each template in the order the rule lists them, then the
 * rule's own `constraints`. Objects (`budgets`, `sandbox`, `toolchain`,
 * `diff`) merge key by key; a value that is set (a number, a boolean, a
 * string, a whole list) replaces the one below it. Lists are not joined,
 * so a rule can narrow a template's `network_allowlist`.
 */
import type { Constraints } from './types.js';

type Plain = Record<string, unknown>;

function isPlain(v: unknown): v is Plain {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function mergeTwo(low: Plain, high: Plain): Plain {
  const out: Plain = { ...low };
  for (const [k, v] of Object.entries(high)) {
    if (v === undefined) continue;
    const below = out[k];
    out[k] = isPlain(below) && isPlain(v) ? mergeTwo(below, v) : v;
  }
  return out;
}

/** Merges constraint layers, lowest precedence first. */
export function mergeConstraints(layers: Constraints[]): Constraints {
  return layers.reduce<Plain>((acc, layer) => mergeTwo(acc, layer as Plain), {}) as Constraints;
}
