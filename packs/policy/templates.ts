/**
 * Constraint templates: named constraint sets a fragment defines once
 * (`constraint_templates`) and rules name (`templates: [a, b]`). Precedence,
 * lowest first: each template in the order the rule lists them, then the
 * rule's own `constraints`. Objects (`budgets`, `sandbox`, `toolchain`,
 * `diff`) merge key by key; a value that is set (a number, a boolean, a
 * string, a whole list) replaces the one below it. Lists are not joined,
 * so a rule can narrow a template's `network_allowlist`.
 */
import { meantField, misspeltField } from './request.js';
import type { Constraints } from './types.js';

type Plain = Record<string, unknown>;

/** The fields a constraint set has (schemas/policy-fragment.schema.json), part by part. */
const FIELDS: Record<string, readonly string[] | undefined> = {
  budgets: ['max_runtime_ms', 'max_retries', 'max_artifact_bytes', 'max_concurrent_jobs'],
  sandbox: ['isolated', 'network_allowlist', 'fs_read_only', 'fs_read_write'],
  toolchain: ['allowed_tools', 'allowed_commands'],
  diff: ['max_files', 'max_lines', 'deny_path_globs'],
  redaction_level: undefined,
};

/**
 * What is wrong with a template's body, if anything: templates are this project's own, so
 * a field no constraint set has is refused rather than passed on into every decision of the
 * rules that name it (a template naming other templates would lose theirs). `path` is
 * relative to the template.
 */
export function templateProblem(body: Constraints): { path: string[]; message: string } |
  undefined {
  for (const [key, value] of Object.entries(body)) {
    if (key === 'templates') {
      return { path: [key], message: 'a constraint template cannot name other templates; ' +
        'list each one in the rule\'s templates, lowest precedence first' };
    }
    if (!Object.hasOwn(FIELDS, key)) return { path: [key], message: unknown(key, FIELDS) };
    const inner = FIELDS[key];
    if (inner === undefined || !isPlain(value)) continue;
    const extra = Object.keys(value).find((k) => !inner.includes(k));
    if (extra !== undefined) {
      return { path: [key, extra], message: unknown(extra, inner, ` of ${key}`) };
    }
  }
  return undefined;
}

/**
 * A rule's own constraints may hold fields of Cordum's this project does not know, but not
 * one a slip away from a field it does (`budget`, `max_runtme_ms`): that constraint would
 * silently not apply. `path` is relative to the constraints.
 */
export function constraintSlip(body: Constraints): { path: string[]; message: string } |
  undefined {
  const slip = (key: string, known: readonly string[], of = '') => {
    if (known.includes(key)) return undefined;
    const meant = misspeltField(key, known);
    return meant && `"${key}" is not a constraint field${of}; did you mean ${meant}?`;
  };
  for (const [key, value] of Object.entries(body)) {
    if (key === 'templates') {
      return { path: [key], message: 'templates is a rule field, not a constraint: write it ' +
        'beside the rule\'s constraints' };
    }
    const top = slip(key, Object.keys(FIELDS));
    if (top) return { path: [key], message: top };
    const inner = FIELDS[key];
    if (inner === undefined || !isPlain(value)) continue;
    for (const k of Object.keys(value)) {
      const message = slip(k, inner, ` of ${key}`);
      if (message) return { path: [key, k], message };
    }
  }
  return undefined;
}

function unknown(key: string, known: Record<string, unknown> | readonly string[], of = '') {
  const names = Array.isArray(known) ? known : Object.keys(known);
  const meant = meantField(key, names);
  return `"${key}" is not a constraint field${of}` +
    (meant ? `; did you mean ${meant}?` : ` (expected ${names.join(', ')})`);
}

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
