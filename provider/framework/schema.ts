/**
 * The schema model resources are written in, and its conversion to the
 * protocol's Schema message. Conversion refuses what Terraform could not
 * use and names the attribute.
 */
import type { ProtoAttribute, ProtoBlock, ProtoSchema } from '../plugin/messages.js';
import { NESTING } from '../plugin/messages.js';
import type { Diagnostic, Path } from './diagnostics.js';
import { typeJson, type TfType } from './types.js';
import type { Value } from './values.js';

export interface Attribute {
  type: TfType;
  /** Markdown, shown in docs and by language servers. */
  description: string;
  required?: boolean;
  optional?: boolean;
  computed?: boolean;
  sensitive?: boolean;
  /** A change to it replaces the object rather than updating it. */
  replace?: boolean;
  /** Computed: keep the prior value on update instead of planning unknown. */
  stable?: boolean;
  /** Checks a known, non-null configured value. */
  validate?: (value: Value, path: Path) => Diagnostic[];
  deprecated?: boolean;
}

export interface NestedBlock {
  nesting: 'single' | 'list' | 'set';
  block: Block;
  description?: string;
  minItems?: number;
  maxItems?: number;
  /** Any change inside replaces the object. */
  replace?: boolean;
}

export interface Block {
  description?: string;
  attributes: Record<string, Attribute>;
  blocks?: Record<string, NestedBlock>;
}

export interface Schema {
  /** Bump when the stored shape changes, and add an upgrade from the old one. */
  version: number;
  block: Block;
}

/** A schema Terraform could not use. */
export class SchemaError extends Error {
  override readonly name = 'SchemaError';
}

const MARKDOWN = 1;

function attributeToProto(name: string, a: Attribute, where: string): ProtoAttribute {
  if (a.required && (a.optional || a.computed)) {
    throw new SchemaError(`${where}.${name}: required cannot be optional or computed`);
  }
  if (!a.required && !a.optional && !a.computed) {
    throw new SchemaError(`${where}.${name}: must be required, optional or computed`);
  }
  if (a.stable && !a.computed) {
    throw new SchemaError(`${where}.${name}: only a computed attribute can be stable`);
  }
  const out: ProtoAttribute = {
    name,
    type: Buffer.from(typeJson(a.type)),
    description: a.description,
    description_kind: MARKDOWN,
  };
  if (a.required) out.required = true;
  if (a.optional) out.optional = true;
  if (a.computed) out.computed = true;
  if (a.sensitive) out.sensitive = true;
  if (a.deprecated) out.deprecated = true;
  return out;
}

export function blockToProto(block: Block, where = 'schema'): ProtoBlock {
  const attributes = Object.keys(block.attributes)
    .sort()
    .map((name) => attributeToProto(name, block.attributes[name] as Attribute, where));
  const blocks = block.blocks ?? {};
  const block_types = Object.keys(blocks)
    .sort()
    .map((name) => {
      if (name in block.attributes) {
        throw new SchemaError(`${where}.${name}: is both an attribute and a block`);
      }
      const nested = blocks[name] as NestedBlock;
      return {
        type_name: name,
        block: blockToProto(nested.block, `${where}.${name}`),
        nesting: NESTING[nested.nesting],
        min_items: nested.minItems ?? 0,
        max_items: nested.maxItems ?? 0,
      };
    });
  const out: ProtoBlock = { attributes, block_types, description_kind: MARKDOWN };
  if (block.description) out.description = block.description;
  return out;
}

/** The protocol's Schema for a resource, data source or the provider. */
export function schemaToProto(schema: Schema, where = 'schema'): ProtoSchema {
  return { version: schema.version, block: blockToProto(schema.block, where) };
}

/** The object type a block's values have (nested blocks included). */
export function impliedType(block: Block): TfType {
  const attributes: Record<string, TfType> = {};
  for (const [name, a] of Object.entries(block.attributes)) attributes[name] = a.type;
  for (const [name, nested] of Object.entries(block.blocks ?? {})) {
    const inner = impliedType(nested.block);
    attributes[name] = nested.nesting === 'single' ? inner : [nested.nesting, inner];
  }
  return ['object', attributes];
}
