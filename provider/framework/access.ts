/**
 * Typed reads of a resource's attributes. Resource code calls these on
 * plain state objects instead of checking types inline.
 */
import { isObject, isUnknown, type ObjectValue, type Value } from './values.js';

export function str(state: ObjectValue, name: string): string | null {
  const v = state[name];
  return typeof v === 'string' ? v : null;
}

/** A string that must be set (a required, known attribute). */
export function mustStr(state: ObjectValue, name: string): string {
  const v = state[name];
  if (typeof v !== 'string') throw new Error(`attribute ${name} is not a known string`);
  return v;
}

export function num(state: ObjectValue, name: string): number | null {
  const v = state[name];
  return typeof v === 'number' ? v : null;
}

export function bool(state: ObjectValue, name: string): boolean | null {
  const v = state[name];
  return typeof v === 'boolean' ? v : null;
}

export function strings(state: ObjectValue, name: string): string[] | null {
  const v = state[name];
  if (!Array.isArray(v)) return null;
  return v.filter((x): x is string => typeof x === 'string');
}

export function objects(state: ObjectValue, name: string): ObjectValue[] {
  const v = state[name];
  if (!Array.isArray(v)) return [];
  return v.filter(isObject);
}

export function object(state: ObjectValue, name: string): ObjectValue | null {
  const v = state[name];
  return isObject(v) ? v : null;
}

export function known(v: Value | undefined): boolean {
  return v !== undefined && !isUnknown(v);
}

export function stringMap(state: ObjectValue, name: string): Record<string, string> | null {
  const v = state[name];
  if (!isObject(v)) return null;
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x;
  return out;
}
