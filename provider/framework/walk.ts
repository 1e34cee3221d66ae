/**
 * Walks a block's value alongside its schema: the plan rules and the
 * attribute validators both visit every attribute of every nested block.
 */
import type { Path } from './diagnostics.js';
import type { Attribute, Block } from './schema.js';
import { isObject, type ObjectValue, type Value } from './values.js';

export interface Visit {
  name: string;
  attribute: Attribute;
  path: Path;
  /** The object holding the attribute. */
  holder: ObjectValue;
}

/** Calls `visit` for each attribute, nested blocks included. */
export function walkAttributes(
  block: Block,
  value: ObjectValue,
  visit: (v: Visit) => void,
  path: Path = [],
): void {
  for (const [name, attribute] of Object.entries(block.attributes)) {
    visit({ name, attribute, path: [...path, name], holder: value });
  }
  for (const [name, nested] of Object.entries(block.blocks ?? {})) {
    for (const [element, at] of elements(value[name] ?? null, nested.nesting === 'single')) {
      walkAttributes(
        nested.block,
        element,
        visit,
        at === null ? [...path, name] : [...path, name, at],
      );
    }
  }
}

/** The objects of a nested block value with their indexes (null for single). */
export function elements(value: Value, single: boolean): [ObjectValue, number | null][] {
  if (single) return isObject(value) ? [[value, null]] : [];
  if (!Array.isArray(value)) return [];
  const out: [ObjectValue, number | null][] = [];
  value.forEach((v, i) => {
    if (isObject(v)) out.push([v, i]);
  });
  return out;
}
