/**
 * Evaluates expressions and step conditions against a run's scope
 * (`input`, `steps.<id>.output`, `run`). Reading a missing path gives
 * `undefined`, never an error; comparing values of different kinds in
 * order (`"a" > 1`) is an error, because it is always a mistake.
 */
import { EngineError } from './errors.js';
import { parseExpression, type CompareOp, type Expr } from './expression_parser.js';

/** What expressions read: `{ input, steps: { <id>: { output, status } }, run }`. */
export type Scope = Readonly<Record<string, unknown>>;

/** Parses a condition; `true`/`false` given as YAML booleans stay constants. */
export function parseCondition(condition: string | boolean): Expr {
  if (typeof condition === 'boolean') return { kind: 'literal', value: condition };
  return parseExpression(condition);
}

/** Evaluates a parsed condition to a boolean (see `truthy`). */
export function conditionHolds(expr: Expr, scope: Scope): boolean {
  return truthy(evaluate(expr, scope));
}

/**
 * JavaScript's truthiness, except that an empty array is false, so
 * `condition: ${steps.search.output.items}` skips on no results.
 */
export function truthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  return Boolean(value);
}

/**
 * The value of `expr` in `scope`. Recursive, but the parser bounds how deep
 * a tree can be (MAX_EXPRESSION_DEPTH, chains as one node), so this cannot
 * overflow the stack. `&&` and `||` stop at the first operand that decides.
 */
export function evaluate(expr: Expr, scope: Scope): unknown {
  switch (expr.kind) {
    case 'literal':
      return expr.value;
    case 'path':
      return readPath(scope, expr.segments);
    case 'call':
      return callFunction(expr.fn, evaluate(expr.arg, scope));
    case 'not':
      return !truthy(evaluate(expr.operand, scope));
    case 'and':
      return expr.operands.every((operand) => truthy(evaluate(operand, scope)));
    case 'or':
      return expr.operands.some((operand) => truthy(evaluate(operand, scope)));
    case 'compare':
      return compare(expr.op, evaluate(expr.left, scope), evaluate(expr.right, scope));
  }
}

/** Follows object keys and array indexes; own properties only. */
export function readPath(root: unknown, segments: readonly (string | number)[]): unknown {
  let value: unknown = root;
  for (const segment of segments) {
    if (Array.isArray(value)) {
      const index = typeof segment === 'number' ? segment : Number.NaN;
      value = Number.isInteger(index) ? value[index] : undefined;
    } else if (value !== null && typeof value === 'object') {
      const key = String(segment);
      value = Object.prototype.hasOwnProperty.call(value, key)
        ? (value as Record<string, unknown>)[key]
        : undefined;
    } else {
      return undefined;
    }
  }
  return value;
}

/**
 * How many characters (code points) `text` holds, as `first()` takes them:
 * a surrogate pair (an emoji, say) is one, not the two UTF-16 units of
 * `text.length`. A combining mark still counts on its own.
 */
function characters(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++, n++) {
    // A whole pair reads as one code point past U+FFFF; a lone half counts as one.
    if (text.codePointAt(i)! > 0xffff) i++;
  }
  return n;
}

function callFunction(fn: 'length' | 'first', value: unknown): unknown {
  if (value === undefined || value === null) return fn === 'length' ? 0 : undefined;
  if (Array.isArray(value)) return fn === 'length' ? value.length : value[0];
  if (typeof value === 'string') {
    if (fn === 'length') return characters(value);
    // The first character whole: half of a surrogate pair could not be stored.
    const first = value.codePointAt(0);
    return first === undefined ? undefined : String.fromCodePoint(first);
  }
  if (fn === 'length' && typeof value === 'object') return Object.keys(value).length;
  throw new EngineError(
    'expression_failed',
    `${fn}() needs ${fn === 'length' ? 'a list, an object' : 'a list'} or a string, ` +
      `got ${kindOf(value)}`,
  );
}

function compare(op: CompareOp, left: unknown, right: unknown): boolean {
  if (op === '==') return equal(left, right);
  if (op === '!=') return !equal(left, right);
  // A missing value is neither greater nor smaller than anything.
  if (left === undefined || left === null || right === undefined || right === null) return false;
  const bothNumbers = typeof left === 'number' && typeof right === 'number';
  const bothStrings = typeof left === 'string' && typeof right === 'string';
  if (!bothNumbers && !bothStrings) {
    throw new EngineError(
      'expression_failed',
      `cannot order ${kindOf(left)} and ${kindOf(right)} with "${op}"`,
    );
  }
  const l = left as number | string;
  const r = right as number | string;
  switch (op) {
    case '>':
      return l > r;
    case '<':
      return l < r;
    case '>=':
      return l >= r;
    default:
      return l <= r;
  }
}

/**
 * Deep equality of JSON values. A missing value equals `null` and `''`, so
 * `${input.version} != ''` reads "a version was given", as it would if the
 * template were pasted in as text.
 */
export function equal(a: unknown, b: unknown): boolean {
  const empty = (v: unknown) => v === undefined || v === null || v === '';
  if ((a === undefined && empty(b)) || (b === undefined && empty(a))) return true;
  if (a === null && b === null) return true;
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((v, i) => equal(v, b[i]));
  }
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (ka.length !== kb.length) return false;
  return ka.every((k) =>
    equal((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]),
  );
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
