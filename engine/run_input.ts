/**
 * A run's input before it is recorded: the workflow's `parameters` fill in
 * their defaults for what the caller left out, then the whole is checked
 * against the workflow's `input_schema`.
 */
import type { Workflow } from '../packs/workflow/types.js';
import {
  MAX_DOCUMENT_DEPTH, nestedDeeperThan, UNSTORABLE_MESSAGE, unstorableTextAt,
} from '../packs/documents.js';
import { EngineError } from './errors.js';
import { checkInline, describeIssues } from './schemas.js';
import { parameterDefaults } from '../packs/workflow/parameters.js';


/** How many runs a listing answers: a whole number from 1 to 1000 (default 50). */
export function listLimit(value: string | null | undefined, name = 'limit'): number {
  if (value === null || value === undefined) return 50;
  const n = /^[0-9]{1,4}$/.test(value) ? Number(value) : 0;
  if (n < 1 || n > 1000) {
    throw new EngineError('usage', `${name} must be a whole number from 1 to 1000, not "${value}"`);
  }
  return n;
}

/**
 * Refuses `value` nested deeper than MAX_DOCUMENT_DEPTH, the limit of every
 * pack document, naming `what` it is (the run input, a step's data).
 */
export function checkNesting(value: unknown, what: string): void {
  if (nestedDeeperThan(value)) {
    throw new EngineError('input_invalid', `${what} must be nested no deeper than ` +
      `${MAX_DOCUMENT_DEPTH} levels of objects and arrays`);
  }
}

/**
 * The input a run starts with: defaults under what was given, checked. It
 * must be a JSON object, nested no deeper than a pack document may be
 * (MAX_DOCUMENT_DEPTH), and hold no text the database cannot store (a NUL,
 * a lone surrogate). Deeper input overflows the stack where the run is
 * turned into JSON text or jsonb, and unstorable text fails the write: the
 * run would never be stored, so it is refused here, before it is queued.
 */
export function runInputFor(workflow: Workflow, given: unknown): unknown {
  const defaults = parameterDefaults(workflow.parameters);
  if (given === null || typeof given !== 'object' || Array.isArray(given)) {
    throw new EngineError('input_invalid', 'the run input must be a JSON object, ' +
      `not ${given === null ? 'null' : Array.isArray(given) ? 'an array' : typeof given}`);
  }
  checkNesting(given, 'the run input');
  const bad = unstorableTextAt(given);
  if (bad !== undefined) {
    throw new EngineError('input_invalid', `the run input at ${bad || '/'} ${UNSTORABLE_MESSAGE}`);
  }
  const input = { ...defaults, ...(given as Record<string, unknown>) };
  if (workflow.input_schema) {
    const label = `${workflow.id} input_schema`;
    const issues = checkInline(workflow.input_schema, input, label);
    if (issues.length > 0) {
      // A value the caller did not give came from the workflow's own parameter defaults.
      const defaulted = (path: string) => {
        const name = path.split('/')[1] ?? '';
        return name in defaults && !Object.hasOwn(given, name);
      };
      const what = issues.every((i) => defaulted(i.path))
        ? `the run input (filled in from ${workflow.id}'s parameter defaults)` : 'the run input';
      throw new EngineError('input_invalid', describeIssues(what, label, issues), {
        issues: issues.map((i) => ({ file: defaulted(i.path) ? `${workflow.id} parameters`
          : '--input', path: i.path, message: i.message })),
      });
    }
  }
  return input;
}
