/**
 * The one YAML and JSON reader of the project. YAML aliases are capped so an
 * alias bomb ("billion laughs") fails fast instead of filling memory.
 */
import { parse, YAMLParseError } from 'yaml';
import { PackError } from './errors.js';

/** Aliases one document may expand; real packs use none. */
export const MAX_YAML_ALIASES = 50;

export function parseYaml(text: string, file: string): unknown {
  try {
    return parse(text, { maxAliasCount: MAX_YAML_ALIASES, uniqueKeys: true, prettyErrors: true });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (/alias/i.test(message) && /(count|exceed|resource)/i.test(message)) {
      throw new PackError(
        'yaml_alias_limit',
        `${file}: YAML aliases expand past the limit of ${MAX_YAML_ALIASES}`,
        { issues: [{ file, path: '', message: 'too many YAML alias expansions' }], cause: err },
      );
    }
    const where = err instanceof YAMLParseError && err.linePos ? `:${err.linePos[0].line}` : '';
    const first = message.split('\n')[0] ?? message;
    throw new PackError('yaml_syntax', `${file}${where}: ${first}`, {
      issues: [{ file, path: '', message: first }],
      cause: err,
    });
  }
}

export function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new PackError('json_syntax', `${file}: invalid JSON: ${message}`, {
      issues: [{ file, path: '', message: `invalid JSON: ${message}` }],
      cause: err,
    });
  }
}
