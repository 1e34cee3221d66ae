/**
 * Reading request bodies with a size cap that holds while the bytes arrive,
 * not after: a body past the cap is refused with 413 and no more of it is
 * read.
 */
import { isUtf8 } from 'node:buffer';
import type { IncomingMessage } from 'node:http';
import { parseJson, UNSTORABLE_MESSAGE, unstorableInJson } from '../packs/documents.js';
import { unknownFieldText } from '../packs/policy/request.js';
import { RegistryError } from './errors.js';

/** Refuses a body whose declared length is past `max` before reading any. */
export function checkDeclaredLength(req: IncomingMessage, max: number, what: string): void {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > max) {
    throw tooLarge(what, max, declared);
  }
}

export function tooLarge(what: string, max: number, actual?: number): RegistryError {
  const seen = actual === undefined ? '' : ` (got ${actual})`;
  return new RegistryError('payload_too_large', `${what} is larger than ${max} bytes${seen}`, {
    details: { limit: max },
  });
}

/** All bytes of the request body, at most `max` of them. */
export async function readBody(req: IncomingMessage, max: number, what: string): Promise<Buffer> {
  checkDeclaredLength(req, max, what);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > max) {
      req.pause();
      throw tooLarge(what, max);
    }
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

/** The body's text; bytes that are not UTF-8 are refused, not read as U+FFFD. */
function utf8Body(bytes: Buffer): string {
  if (!isUtf8(bytes)) {
    throw new RegistryError('request_invalid', 'the request body is not valid UTF-8');
  }
  return bytes.toString('utf8');
}

/** A JSON object body; anything else is `request_invalid`. */
export async function readJsonObject(
  req: IncomingMessage,
  max: number,
): Promise<Record<string, unknown>> {
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/(?:[\w.+-]+\+)?json\b/i.test(type)) {
    throw new RegistryError('unsupported_media_type', `expected application/json, got ${type}`);
  }
  // JSON is UTF-8 (RFC 8259): another charset would be read as UTF-8 and stored garbled.
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(type)?.[1];
  if (charset !== undefined && !/^utf-?8$/i.test(charset)) {
    throw new RegistryError('unsupported_media_type', `charset ${charset}: JSON bodies are ` +
      'read as UTF-8 only; send them as UTF-8 (or without a charset)');
  }
  const text = utf8Body(await readBody(req, max, 'the request body'));
  let value: unknown;
  try {
    value = parseJson(text, 'request body');
  } catch (err) {
    throw new RegistryError('request_invalid', (err as Error).message, { cause: err });
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new RegistryError('request_invalid', 'the request body must be a JSON object');
  }
  // The database refuses a NUL or a lone surrogate in text.
  const at = unstorableInJson(text, value);
  if (at !== undefined) {
    throw new RegistryError('request_invalid', `the request body at ${at} ${UNSTORABLE_MESSAGE}`);
  }
  return value as Record<string, unknown>;
}

/**
 * A JSON object body holding only the `fields` named. Another field is
 * `request_invalid` naming it (and the field meant, when one is near), as
 * policy simulations answer: dropped, `{"yanked":true,"reasn":"CVE"}` would
 * yank with no reason and say nothing.
 */
export async function readJsonFields(
  req: IncomingMessage,
  max: number,
  fields: readonly string[],
): Promise<Record<string, unknown>> {
  const body = await readJsonObject(req, max);
  for (const key of Object.keys(body)) {
    if (fields.includes(key)) continue;
    throw new RegistryError('request_invalid', `body.${key}: ${unknownFieldText(key, fields)}`);
  }
  return body;
}
