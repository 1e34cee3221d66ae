/**
 * What a `storage` step asks for, read from its rendered input:
 *
 *     { op: "put", key, value, namespace? }
 *     { op: "get" | "delete", key, namespace? }
 *     { op: "list", prefix?, limit?, namespace? }
 *
 * The same rules run twice: at load time on the literal parts of the input
 * (a literal `op` must be one of the four, a `put` needs `value`, ...), and
 * at run time on the rendered input, where every part is known.
 */

export const STORAGE_OPS = ['put', 'get', 'delete', 'list'] as const;
export type StorageOp = (typeof STORAGE_OPS)[number];

const FIELDS = ['op', 'key', 'value', 'prefix', 'limit', 'namespace'];
export const MAX_KEY_CHARS = 512;
export const MAX_VALUE_BYTES = 1024 * 1024;
export const DEFAULT_LIST_LIMIT = 100;
export const MAX_LIST_LIMIT = 1000;

export type StorageRequest =
  | { op: 'put'; namespace?: string; key: string; value: unknown }
  | { op: 'get' | 'delete'; namespace?: string; key: string }
  | { op: 'list'; namespace?: string; prefix: string; limit: number };

/** One problem with a storage input: the field at fault and what was expected. */
export interface StorageIssue {
  field: string;
  message: string;
}

/** Checks a rendered input; answers the request or the first problem. */
export function storageRequestOf(
  input: unknown,
): { ok: true; request: StorageRequest } | { ok: false; issue: StorageIssue } {
  const issues = storageIssues(input, () => true);
  if (issues.length > 0) return { ok: false, issue: issues[0]! };
  const raw = input as Record<string, unknown>;
  const op = raw.op as StorageOp;
  const namespace = raw.namespace as string | undefined;
  const scoped = namespace === undefined ? {} : { namespace };
  if (op === 'list') {
    const limit = (raw.limit as number | undefined) ?? DEFAULT_LIST_LIMIT;
    return { ok: true, request: { op, ...scoped, prefix: (raw.prefix as string) ?? '', limit } };
  }
  const key = raw.key as string;
  if (op === 'put') return { ok: true, request: { op, ...scoped, key, value: raw.value } };
  return { ok: true, request: { op, ...scoped, key } };
}

/**
 * Every problem of a storage input. `known(field)` says whether a field's
 * value is known now: at load time a `${...}` is not, and is left for the
 * run-time check. A value that is not a plain object is checked only when known.
 */
export function storageIssues(input: unknown, known: (field: string) => boolean): StorageIssue[] {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    return [{ field: '', message: 'a storage step needs input: an object with "op"' }];
  }
  const raw = input as Record<string, unknown>;
  const issues: StorageIssue[] = [];
  const add = (field: string, message: string) => issues.push({ field, message });
  for (const field of Object.keys(raw)) {
    if (!FIELDS.includes(field)) add(field, `a storage input has ${FIELDS.join(', ')}`);
  }
  if (!('op' in raw)) add('op', `a storage step needs input.op: ${STORAGE_OPS.join(', ')}`);
  if (!known('op')) return issues;
  const op = raw.op;
  if (!(STORAGE_OPS as readonly unknown[]).includes(op)) {
    if ('op' in raw) add('op', `op must be one of ${STORAGE_OPS.join(', ')}, not ${show(op)}`);
    return issues;
  }
  if (op === 'list') checkList(raw, known, add);
  else checkKey(raw, known, add);
  if (op === 'put') checkValue(raw, known, add);
  if (op !== 'put' && 'value' in raw) add('value', `a ${String(op)} has no value`);
  if (known('namespace') && 'namespace' in raw) checkName(raw.namespace, 'namespace', add);
  return issues;
}

type Add = (field: string, message: string) => void;

function checkKey(raw: Record<string, unknown>, known: (f: string) => boolean, add: Add) {
  if ('prefix' in raw || 'limit' in raw) add('prefix', 'prefix and limit belong to a list');
  if (!('key' in raw)) {
    add('key', `a ${String(raw.op)} needs input.key`);
    return;
  }
  if (known('key')) checkName(raw.key, 'key', add);
}

function checkList(raw: Record<string, unknown>, known: (f: string) => boolean, add: Add) {
  if ('key' in raw) add('key', 'a list has no key: give prefix');
  if (known('prefix') && 'prefix' in raw && typeof raw.prefix !== 'string') {
    add('prefix', `prefix must be a string, not ${show(raw.prefix)}`);
  }
  if (!known('limit') || !('limit' in raw)) return;
  const limit = raw.limit;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1) {
    add('limit', `limit must be a whole number from 1, not ${show(limit)}`);
  } else if (limit > MAX_LIST_LIMIT) {
    add('limit', `limit is at most ${MAX_LIST_LIMIT}`);
  }
}

function checkValue(raw: Record<string, unknown>, known: (f: string) => boolean, add: Add) {
  if (!('value' in raw)) {
    add('value', 'a put needs input.value (any JSON value)');
    return;
  }
  if (!known('value')) return;
  const bytes = Buffer.byteLength(JSON.stringify(raw.value) ?? '', 'utf8');
  if (bytes > MAX_VALUE_BYTES) add('value', `a value is at most ${MAX_VALUE_BYTES} bytes of JSON`);
}

function checkName(value: unknown, field: string, add: Add) {
  if (typeof value !== 'string' || value === '') {
    add(field, `${field} must be a non-empty string, not ${show(value)}`);
  } else if (value.length > MAX_KEY_CHARS) {
    add(field, `${field} is at most ${MAX_KEY_CHARS} characters`);
  }
}

function show(value: unknown): string {
  return value === undefined ? 'missing' : JSON.stringify(value).slice(0, 60);
}

/**
 * The load-time check: the problems of a step's input as written, where a
 * field holding `${...}` is known only at run time. An input that is one
 * `${...}` as a whole is left to the run.
 */
export function writtenStorageIssues(written: unknown): StorageIssue[] {
  if (typeof written === 'string' && written.includes('${')) return [];
  const raw = written as Record<string, unknown> | undefined;
  return storageIssues(raw, (field) => !hasTemplate(raw?.[field]));
}

function hasTemplate(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('${');
  if (Array.isArray(value)) return value.some(hasTemplate);
  if (value !== null && typeof value === 'object') return Object.values(value).some(hasTemplate);
  return false;
}
