/**
 * Fields of pack.yaml the format does not name, as warnings. The schema lets them
 * through (a later format may add fields), so a misspelt field validated and published
 * without a word: `requires_pack:` installed none of the packs it listed, `tittle:` showed
 * no title. Read from schemas/pack.schema.json, so a field added there is known here.
 */
import packSchema from '../../schemas/pack.schema.json' with { type: 'json' };
import { pointerToken } from '../documents.js';
import type { Issue } from '../errors.js';
import { misspeltField } from '../policy/request.js';

interface SchemaNode {
  $ref?: string;
  properties?: Record<string, SchemaNode>;
  additionalProperties?: unknown;
  items?: SchemaNode;
}

const DEFS = (packSchema as { $defs: Record<string, SchemaNode> }).$defs;

/** A simulation's request has its own warnings (validate/simulations.ts). */
const CHECKED_ELSEWHERE = /^\/tests\/policySimulations\/\d+\/request$/;

export function unknownFieldWarnings(manifest: unknown): Issue[] {
  const out: Issue[] = [];
  walk(packSchema as SchemaNode, manifest, '', out);
  return out;
}

function walk(node: SchemaNode, value: unknown, path: string, out: Issue[]): void {
  const schema = node.$ref?.startsWith('#/$defs/') ? DEFS[node.$ref.slice(8)] ?? node : node;
  if (Array.isArray(value)) {
    value.forEach((item, i) => schema.items && walk(schema.items, item, `${path}/${i}`, out));
    return;
  }
  if (typeof value !== 'object' || value === null || schema.properties === undefined ||
    CHECKED_ELSEWHERE.test(path)) return;
  const known = schema.properties;
  for (const [key, child] of Object.entries(value)) {
    const at = `${path}/${pointerToken(key)}`;
    if (Object.hasOwn(known, key)) {
      walk(known[key]!, child, at, out);
    } else if (schema.additionalProperties === undefined) {
      // Where the schema says what else may be there, it has judged the field already.
      const meant = misspeltField(key, Object.keys(known));
      out.push({ file: 'pack.yaml', path: at, rule: 'field_unknown', message: `${
        JSON.stringify(key)} is not a field here, so it is ignored${
        meant === undefined ? '' : `: did you mean ${JSON.stringify(meant)}?`}` });
    }
  }
}
