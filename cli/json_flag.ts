/**
 * A flag whose value is JSON (`engine run --input`, `engine input --data`,
 * `policy explain --request`): text that does not parse is the command
 * line's error, `usage` (exit 2) naming the flag, like any other bad flag
 * value; `json_syntax` (exit 1) stays the code of a file that does not parse,
 * and `document_too_deep` that of JSON nested past the limit, given either way.
 */
import { parseJson } from '../packs/documents.js';
import { isPackError, PackError } from '../packs/errors.js';

export function jsonFlag(text: string, flag: string): unknown {
  try {
    return parseJson(text, flag);
  } catch (err) {
    // Only text that is no JSON: a document past the depth limit keeps its own code.
    if (!isPackError(err) || err.code !== 'json_syntax') throw err;
    throw new PackError('usage', err.message, { cause: err });
  }
}
