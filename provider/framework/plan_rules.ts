/**
 * The generic plan rules every resource gets: computed attributes the user
 * did not set become unknown when the object changes (or is created), unless
 * marked stable; attributes marked `replace` that change ask for a
 * replacement.
 */
import type { Path } from './diagnostics.js';
import type { Block } from './schema.js';
import { deepEqual, isObject, isUnknown, UNKNOWN, type ObjectValue, type Value } from './values.js';

function clone<T extends Value>(value: T): T {
  if (Array.isArray(value)) return value.map(clone) as T;
  if (isObject(value)) {
    const out: ObjectValue = {};
    for (const [k, v] of Object.entries(value)) out[k] = clone(v);
    return out as T;
  }
  return value;
}

function markBlock(
  block: Block,
  planned: ObjectValue,
  prior: ObjectValue | null,
  config: ObjectValue | null,
): void {
  for (const [name, attribute] of Object.entries(block.attributes)) {
    if (!attribute.computed) continue;
    const configured = config?.[name] ?? null;
    if (configured !== null) continue;
    const before = prior?.[name] ?? null;
    planned[name] = attribute.stable && before !== null ? before : UNKNOWN;
  }
  for (const [name, nested] of Object.entries(block.blocks ?? {})) {
    const plannedValue = planned[name] ?? null;
    const priorValue = prior?.[name] ?? null;
    const configValue = config?.[name] ?? null;
    if (nested.nesting === 'single') {
      if (isObject(plannedValue)) {
        markBlock(
          nested.block,
          plannedValue,
          isObject(priorValue) ? priorValue : null,
          isObject(configValue) ? configValue : null,
        );
      }
      continue;
    }
    if (!Array.isArray(plannedValue)) continue;
    plannedValue.forEach((element, i) => {
      if (!isObject(element)) return;
      // Sets have no stable order: only list elements pair up with the prior.
      const before = nested.nesting === 'list' && Array.isArray(priorValue) ? priorValue[i] : null;
      const configured = Array.isArray(configValue) ? configValue[i] : null;
      markBlock(
        nested.block,
        element,
        isObject(before) ? before : null,
        isObject(configured) ? configured : null,
      );
    });
  }
}

/**
 * The planned state before the resource's own plan step. An unchanged object
 * plans as its prior state, so a second plan shows no diff.
 */
export function planComputed(
  block: Block,
  proposed: ObjectValue,
  prior: ObjectValue | null,
  config: ObjectValue,
): ObjectValue {
  if (prior !== null && deepEqual(proposed, prior)) return proposed;
  const planned = clone(proposed);
  markBlock(block, planned, prior, config);
  return planned;
}

/** Paths of `replace` attributes and blocks whose planned value differs from the prior. */
export function replacePaths(block: Block, prior: ObjectValue, planned: ObjectValue): Path[] {
  const out: Path[] = [];
  for (const [name, attribute] of Object.entries(block.attributes)) {
    if (!attribute.replace) continue;
    const after = planned[name] ?? null;
    if (isUnknown(after) || !deepEqual(prior[name] ?? null, after)) out.push([name]);
  }
  for (const [name, nested] of Object.entries(block.blocks ?? {})) {
    if (nested.replace && !deepEqual(prior[name] ?? null, planned[name] ?? null)) out.push([name]);
  }
  return out;
}

/** Top-level names whose values differ, for resources that cannot update. */
export function changedPaths(prior: ObjectValue, planned: ObjectValue): Path[] {
  const names = new Set([...Object.keys(prior), ...Object.keys(planned)]);
  return [...names].filter((n) => !deepEqual(prior[n] ?? null, planned[n] ?? null)).map((n) => [n]);
}
