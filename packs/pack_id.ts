/**
 * The pack id rule, read from the manifest's own schema (`metadata.id` in
 * schemas/pack.schema.json), so an id from elsewhere (a `cordum.lock` entry)
 * is held to exactly the rule `pack.yaml` is.
 */
import packSchema from '../schemas/pack.schema.json' with { type: 'json' };

const ID = packSchema.properties.metadata.properties.id;
const PATTERN = new RegExp(ID.pattern);

/** The rule in words, for messages. */
export const PACK_ID_RULE = `${ID.minLength} to ${ID.maxLength} characters of a-z, 0-9 and -`;

/** Whether `id` is a pack id as `pack.yaml`'s `metadata.id` must be. */
export function isPackId(id: string): boolean {
  return id.length >= ID.minLength && id.length <= ID.maxLength && PATTERN.test(id);
}
