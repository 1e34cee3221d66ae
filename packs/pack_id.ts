/**
 * The pack id rule, read from the manifest's own schema (`metadata.id` in
 * schemas/pack.schema.json), so an id from elsewhere (a `cordum.lock` entry)
 * is held to exactly the rule `pack.yaml` is.
 */
import packSchema from '../schemas/pack.schema.json' with { type: 'json' };
import { PackError } from './errors.js';

const ID = packSchema.properties.metadata.properties.id;
const PATTERN = new RegExp(ID.pattern);

/** The rule in words, for messages. */
export const PACK_ID_RULE = `${ID.minLength} to ${ID.maxLength} characters of a-z, 0-9 and -`;

/** Whether `id` is a pack id as `pack.yaml`'s `metadata.id` must be. */
export function isPackId(id: string): boolean {
  return id.length >= ID.minLength && id.length <= ID.maxLength && PATTERN.test(id);
}

/**
 * The id of an `ID@RANGE` spec (the command line, `requires_packs`): held to the rule
 * pack.yaml's id is, length included, so a 300-character id is the spec's fault, said
 * before any request, not a registry's "no such pack".
 */
export function assertSpecId(spec: string, id: string): void {
  if (isPackId(id)) return;
  throw new PackError('usage', `"${spec}": expected ID@RANGE with an id of ${PACK_ID_RULE}`);
}
