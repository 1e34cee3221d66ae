/**
 * JSON Schemas of the OpenAPI document written as short type shapes for
 * the API reference: `{ id: string, title?: string }`, `Key[]`,
 * `string | null`. References link to the reference's schema section.
 */
type Schema = Record<string, unknown>;

/** Object nesting shown in full; deeper objects are written `object`. */
const MAX_DEPTH = 2;

export function schemaAnchor(name: string): string {
  return `schema-${name.toLowerCase()}`;
}

function refName(schema: Schema): string | undefined {
  const ref = schema.$ref;
  return typeof ref === 'string' ? ref.slice(ref.lastIndexOf('/') + 1) : undefined;
}

function objectShape(schema: Schema, depth: number): string {
  const props = (schema.properties ?? {}) as Record<string, Schema>;
  const names = Object.keys(props);
  const extra = schema.additionalProperties;
  if (names.length === 0) {
    return extra && typeof extra === 'object' ? `map of ${shapeOf(extra as Schema, depth)}`
      : 'object';
  }
  if (depth >= MAX_DEPTH) return 'object';
  const required = new Set((schema.required ?? []) as string[]);
  const fields = names.map((n) => `${n}${required.has(n) ? '' : '?'}: ${
    shapeOf(props[n]!, depth + 1)}`);
  return `{ ${fields.join(', ')} }`;
}

function arrayShape(schema: Schema, depth: number): string {
  const items = shapeOf((schema.items ?? {}) as Schema, depth);
  return items.includes(' | ') ? `(${items})[]` : `${items}[]`;
}

/** The shape of `schema`; `depth` counts the objects it sits in. */
export function shapeOf(schema: Schema, depth = 0): string {
  const name = refName(schema);
  if (name) return `[${name}](#${schemaAnchor(name)})`;
  if (Array.isArray(schema.anyOf)) {
    return (schema.anyOf as Schema[]).map((s) => shapeOf(s, depth)).join(' | ');
  }
  if ('const' in schema) return JSON.stringify(schema.const);
  if (Array.isArray(schema.enum)) return schema.enum.map((v) => JSON.stringify(v)).join(' | ');
  switch (schema.type) {
    case 'object':
      return objectShape(schema, depth);
    case 'array':
      return arrayShape(schema, depth);
    case 'string':
      return typeof schema.contentMediaType === 'string'
        ? `bytes (${schema.contentMediaType})` : 'string';
    case undefined:
      return 'any';
    default:
      return String(schema.type);
  }
}
