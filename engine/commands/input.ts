/** The run input from `--input JSON` or `--input-file FILE` (JSON or YAML). */
import { parseJson, parseYaml } from '../../packs/documents.js';
import { jsonFlag } from '../../cli/json_flag.js';
import { readOrFail } from '../../packs/commands/files.js';
import { EngineError } from '../errors.js';

export async function readRunInput(flags: {
  input?: string;
  inputFile?: string;
}): Promise<unknown> {
  if (flags.input !== undefined && flags.inputFile !== undefined) {
    throw new EngineError('usage', 'give --input or --input-file, not both');
  }
  let value: unknown = {};
  if (flags.input !== undefined) value = jsonFlag(flags.input, '--input');
  if (flags.inputFile !== undefined) {
    // A file that cannot be read is the file's error (file_missing, naming it), as for every
    // other file a command is given; the flag itself was used rightly. Node's EISDIR of a
    // folder named no path.
    const text = readOrFail(flags.inputFile, 'input file').toString('utf8');
    value = /\.ya?ml$/i.test(flags.inputFile)
      ? parseYaml(text, flags.inputFile)
      : parseJson(text, flags.inputFile);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const found = Array.isArray(value) ? 'a list' : value === null ? 'null' : typeof value;
    throw new EngineError('usage', flags.inputFile !== undefined
      ? `${flags.inputFile}: the run input must be an object (a mapping), not ${found}`
      : `--input: the run input must be a JSON object, not ${found}, e.g. ` +
        '--input \'{"message":"hi"}\'');
  }
  return value;
}
