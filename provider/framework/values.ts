/**
 * Terraform values in JavaScript and their msgpack form. A value is null, a
 * primitive, an array (list or set), a plain object (map or object) or
 * UNKNOWN, which Terraform sends for "known after apply" and which msgpack
 * carries as extension type 0 (type 12 is an unknown with refinements, which
 * we read as a plain unknown).
 */
import { decode, encode, ExtensionCodec } from '@msgpack/msgpack';
import { describeType, type TfType } from './types.js';

/** The one unknown value. Compare with `isUnknown`. */
export class Unknown {
  static readonly instance = new Unknown();
  private constructor() {}
  toJSON(): string {
    return '(known after apply)';
  }
}
export const UNKNOWN = Unknown.instance;

export type Value = null | string | number | boolean | Unknown | Value[] | ObjectValue;
export interface ObjectValue {
  [name: string]: Value;
}

export const isUnknown = (v: unknown): v is Unknown => v === UNKNOWN;

export function isObject(v: Value | undefined): v is ObjectValue {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !isUnknown(v);
}

/** True when no part of the value is unknown. */
export function isWhollyKnown(v: Value): boolean {
  if (isUnknown(v)) return false;
  if (Array.isArray(v)) return v.every(isWhollyKnown);
  if (isObject(v)) return Object.values(v).every(isWhollyKnown);
  return true;
}

export function deepEqual(a: Value | undefined, b: Value | undefined): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) if (!deepEqual(a[k] ?? null, b[k] ?? null)) return false;
    return true;
  }
  return false;
}

/** A value that does not fit its type, with where. */
export class ValueError extends Error {
  override readonly name = 'ValueError';
  constructor(
    readonly path: (string | number)[],
    message: string,
  ) {
    super(message);
  }
}

function mismatch(type: TfType, value: unknown, path: (string | number)[]): ValueError {
  const where = path.length > 0 ? path.join('.') : 'value';
  return new ValueError(path, `${where}: expected ${describeType(type)}, got ${typeof value}`);
}

function conformPrimitive(type: TfType, value: unknown, path: (string | number)[]): Value {
  if (type === 'string' && typeof value === 'string') return value;
  if (type === 'bool' && typeof value === 'boolean') return value;
  if (type === 'number') {
    if (typeof value === 'number') return value;
    // cty writes numbers that do not fit a float64 as decimal strings.
    if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) {
      return Number(value);
    }
    if (typeof value === 'bigint') return Number(value);
  }
  throw mismatch(type, value, path);
}

/**
 * Checks a decoded value against its type and normalises it: every object
 * attribute present (null when missing), numbers as numbers. Throws
 * ValueError naming the path.
 */
export function conform(type: TfType, value: unknown, path: (string | number)[] = []): Value {
  if (value === null || value === undefined) return null;
  if (isUnknown(value)) return UNKNOWN;
  if (typeof type === 'string') return conformPrimitive(type, value, path);

  const [kind, inner] = type;
  if (kind === 'list' || kind === 'set') {
    if (!Array.isArray(value)) throw mismatch(type, value, path);
    return value.map((v, i) => conform(inner, v, [...path, i]));
  }
  if (typeof value !== 'object' || Array.isArray(value)) throw mismatch(type, value, path);
  const input = value as Record<string, unknown>;
  const out: ObjectValue = {};
  if (kind === 'map') {
    for (const [k, v] of Object.entries(input)) out[k] = conform(inner, v, [...path, k]);
    return out;
  }
  for (const [name, attrType] of Object.entries(inner)) {
    out[name] = conform(attrType, input[name], [...path, name]);
  }
  return out;
}

const UNKNOWN_EXT = 0;
const REFINED_UNKNOWN_EXT = 12;

const codec = new ExtensionCodec();
codec.register({
  type: UNKNOWN_EXT,
  encode: (input: unknown) => (isUnknown(input) ? new Uint8Array([0]) : null),
  decode: () => UNKNOWN,
});
codec.register({ type: REFINED_UNKNOWN_EXT, encode: () => null, decode: () => UNKNOWN });

/** Encodes a value of `type` (normalised first, so it always fits). */
export function encodeMsgpack(type: TfType, value: Value): Uint8Array {
  return encode(conform(type, value), { extensionCodec: codec, ignoreUndefined: true });
}

export function decodeMsgpack(type: TfType, bytes: Uint8Array): Value {
  return conform(type, decode(bytes, { extensionCodec: codec }));
}

/** JSON form (stored state): no unknowns can appear in it. */
export function decodeJson(type: TfType, bytes: Uint8Array): Value {
  return conform(type, JSON.parse(Buffer.from(bytes).toString('utf8')));
}
