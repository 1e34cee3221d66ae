/**
 * A policy request from JSON, checked field by field at the edge so the
 * evaluator only ever sees typed values: the engine's decide endpoints and
 * the registry's deployment decisions share it. Field names are those of
 * Cordum's policy simulations (`tenantId`, `topic`, `riskTags`, ...).
 */
import type { PolicyRequest } from './types.js';

const STRINGS = ['tenantId', 'topic', 'capability', 'packId', 'actorId', 'actorType'] as const;
const LISTS = ['riskTags', 'requires'] as const;
const MCP = ['server', 'tool', 'resource', 'action'] as const;

/**
 * Bounds of one request's values. Every request is kept for simulation and
 * its topic cached for matching: a megabyte topic, sent many times, would
 * hold gigabytes. Real topics, ids and tags are far shorter.
 */
export const MAX_FIELD_CHARS = 1024;
export const MAX_ITEMS = 64;

/** Throws the caller's own error for a request that is not one (`where: what`). */
export type Refuse = (message: string) => never;
type Fail = (at: string, what: string) => never;

const short = (x: unknown) => typeof x === 'string' && x.length <= MAX_FIELD_CHARS;

function isStringList(v: unknown): v is string[] {
  return Array.isArray(v) && v.length <= MAX_ITEMS && v.every(short);
}

function isStringMap(v: unknown): v is Record<string, string> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const entries = Object.entries(v);
  return entries.length <= MAX_ITEMS && entries.every(([k, x]) => short(k) && short(x));
}

const BOUNDS = `at most ${MAX_ITEMS} of them, each at most ${MAX_FIELD_CHARS} characters`;

/** Every field a request may have. */
export const REQUEST_FIELDS: readonly string[] = [...STRINGS, ...LISTS, 'labels',
  'secretsPresent', 'mcp'];

/**
 * The field a misspelt name means: the same name spelt otherwise (case,
 * `_` or `-`), else one it starts (`tenant` for tenantId) or that starts
 * it (`inputs` for input).
 */
export function meantField(name: string, known: readonly string[]): string | undefined {
  const key = (k: string) => k.replace(/[-_]/g, '').toLowerCase();
  const given = key(name);
  return known.find((f) => key(f) === given) ??
    (given.length >= 3 ? known.find((f) => key(f).startsWith(given)) ??
      known.find((f) => key(f).length >= 4 && given.startsWith(key(f))) ??
      // A typo: two letters swapped, one dropped, added or changed (`requets`).
      (given.length >= 4 ? known.find((f) => nearlyEqual(key(f), given)) : undefined)
      : undefined);
}

/**
 * The field a name is surely a slip for: the same name spelt otherwise (case, `_` or `-`),
 * or one edit from it (`template` for templates). Narrower than meantField, for documents
 * that may carry fields of their own: a name merely starting another is let be.
 */
export function misspeltField(name: string, known: readonly string[]): string | undefined {
  const key = (k: string) => k.replace(/[-_]/g, '').toLowerCase();
  const given = key(name);
  return known.find((f) => key(f) === given) ??
    (given.length >= 4 ? known.find((f) => nearlyEqual(key(f), given)) : undefined);
}

/** Whether `a` becomes `b` by one edit, or by swapping two neighbouring letters. */
function nearlyEqual(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const rest = (x: string, from: number) => x.slice(from);
  return rest(a, i + 1) === rest(b, i + 1) || rest(a, i + 1) === rest(b, i) ||
    rest(a, i) === rest(b, i + 1) ||
    (a[i] === b[i + 1] && a[i + 1] === b[i] && rest(a, i + 2) === rest(b, i + 2));
}

/** What is said of a field a request does not have. */
export function unknownFieldText(name: string, known: readonly string[]): string {
  const meant = meantField(name, known);
  return meant !== undefined ? `unknown field; did you mean ${meant}?`
    : `unknown field; expected one of ${known.join(', ')}`;
}

/**
 * A field the request does not have is refused, not ignored: `risk_tags`
 * for `riskTags` would otherwise decide as if no tag were given.
 */
function unknownField(v: Record<string, unknown>, known: readonly string[], where: string,
  fail: Fail): void {
  for (const k of Object.keys(v)) {
    if (!known.includes(k)) fail(`${where}.${k}`, unknownFieldText(k, known));
  }
}

/** Checks one request; `where` names it in the message (`requests[3]`). */
export function checkPolicyRequest(value: unknown, where: string, refuse: Refuse): PolicyRequest {
  const fail: Fail = (at, what) => refuse(`${at}: ${what}`);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail(where, 'expected a JSON object');
  }
  const v = value as Record<string, unknown>;
  unknownField(v, REQUEST_FIELDS, where, fail);
  const out: PolicyRequest = {};
  for (const k of STRINGS) {
    if (v[k] === undefined) continue;
    if (typeof v[k] !== 'string') fail(`${where}.${k}`, 'expected a string');
    if (v[k].length > MAX_FIELD_CHARS) {
      fail(`${where}.${k}`, `expected at most ${MAX_FIELD_CHARS} characters`);
    }
    out[k] = v[k];
  }
  for (const k of LISTS) {
    if (v[k] === undefined) continue;
    if (!isStringList(v[k])) fail(`${where}.${k}`, `expected a list of strings, ${BOUNDS}`);
    out[k] = v[k];
  }
  if (v.labels !== undefined) {
    if (!isStringMap(v.labels)) fail(`${where}.labels`, `expected an object of strings, ${BOUNDS}`);
    out.labels = v.labels;
  }
  if (v.secretsPresent !== undefined) {
    if (typeof v.secretsPresent !== 'boolean') {
      fail(`${where}.secretsPresent`, 'expected a boolean');
    }
    out.secretsPresent = v.secretsPresent;
  }
  if (v.mcp !== undefined) out.mcp = toMcp(v.mcp, `${where}.mcp`, fail);
  return out;
}

function toMcp(value: unknown, where: string, fail: Fail): NonNullable<PolicyRequest['mcp']> {
  if (!isStringMap(value)) fail(where, `expected an object of strings, ${BOUNDS}`);
  unknownField(value, MCP, where, fail);
  const out: NonNullable<PolicyRequest['mcp']> = {};
  for (const k of MCP) if (value[k] !== undefined) out[k] = value[k];
  return out;
}
