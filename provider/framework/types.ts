/**
 * Terraform's value types (cty), in the JSON form the protocol uses for an
 * attribute's `type`: `"string"`, `["list","string"]`, `["object",{...}]`.
 */
export type PrimitiveType = 'string' | 'number' | 'bool';
export type TfType =
  | PrimitiveType
  | readonly ['list', TfType]
  | readonly ['set', TfType]
  | readonly ['map', TfType]
  | readonly ['object', { readonly [name: string]: TfType }];

export const types = {
  string: 'string',
  number: 'number',
  bool: 'bool',
  list: (element: TfType) => ['list', element] as const,
  set: (element: TfType) => ['set', element] as const,
  map: (element: TfType) => ['map', element] as const,
  object: (attributes: { readonly [name: string]: TfType }) => ['object', attributes] as const,
} satisfies Record<string, TfType | ((arg: never) => TfType)>;

/** The type's JSON text, as the protocol's `Schema.Attribute.type` bytes. */
export function typeJson(type: TfType): string {
  return JSON.stringify(type);
}

/** A short human name for messages: `list of string`. */
export function describeType(type: TfType): string {
  if (typeof type === 'string') return type;
  if (type[0] === 'object') return 'object';
  return `${type[0]} of ${describeType(type[1])}`;
}
