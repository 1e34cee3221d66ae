/**
 * Fields of COPY's text format: columns split by tabs, rows by newlines,
 * `\N` for NULL, and a backslash before any of those characters (and
 * before itself) inside a value.
 */

/** A NULL field. */
export const COPY_NULL = '\\N';

const SPECIAL = /[\\\n\r\t]/;
const SPECIALS = /[\\\n\r\t]/g;
const ESCAPED: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** `text` as one field: most values have nothing to escape and are returned as they are. */
export function copyField(text: string): string {
  return SPECIAL.test(text) ? text.replace(SPECIALS, (c) => ESCAPED[c]!) : text;
}

/**
 * A value as a field holding its JSON text. JSON text has no raw newline,
 * return or tab (JSON escapes them), so only its backslashes need doubling.
 */
export function copyJson(value: unknown): string {
  const text = JSON.stringify(value);
  return text.includes('\\') ? text.replaceAll('\\', '\\\\') : text;
}
