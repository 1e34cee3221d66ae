/**
 * The one YAML and JSON reader of the project. YAML aliases are capped so an
 * alias bomb ("billion laughs") fails fast instead of filling memory.
 */
import {
  isAlias, isScalar, LineCounter, parseDocument, visit, YAMLParseError, type Document,
  type ErrorCode,
} from 'yaml';
import { PackError } from './errors.js';

/**
 * Alias expansions one document may make. The yaml library counts each use
 * of an anchor times the aliases inside it, so plain reuse (one list named
 * by a thousand rules) passes, while a "billion laughs" document, which
 * multiplies at every level, is stopped within three or four levels.
 */
export const MAX_YAML_ALIASES = 1000;

/** Nesting one document may reach, and keys (of all its mappings) it may hold. */
export const MAX_DOCUMENT_DEPTH = 64;
export const MAX_DOCUMENT_KEYS = 100_000;

/**
 * Refuses a parsed document nested deeper than MAX_DOCUMENT_DEPTH or with
 * more than MAX_DOCUMENT_KEYS keys. Iterative, so no input can overflow
 * the stack here.
 */
export function checkDocumentLimits(value: unknown, file: string): void {
  const stack: [unknown, number][] = [[value, 1]];
  let keys = 0;
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (depth > MAX_DOCUMENT_DEPTH) {
      throw new PackError('document_too_deep',
        `${file}: nested deeper than ${MAX_DOCUMENT_DEPTH} levels`,
        { issues: [{ file, path: '', message: `nesting past ${MAX_DOCUMENT_DEPTH} levels` }] });
    }
    const children = Array.isArray(node) ? node : Object.values(node);
    if (!Array.isArray(node)) keys += children.length;
    if (keys > MAX_DOCUMENT_KEYS) {
      throw new PackError('document_too_many_keys',
        `${file}: more than ${MAX_DOCUMENT_KEYS} keys`,
        { issues: [{ file, path: '', message: `more than ${MAX_DOCUMENT_KEYS} keys` }] });
    }
    for (const child of children) stack.push([child, depth + 1]);
  }
}

/** A NUL, or half of a UTF-16 surrogate pair with no other half. */
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * The JSON pointer of the first key or string in `value` that holds a NUL
 * or an unpaired surrogate (an escape such as `\0` or `\ud800` in YAML or
 * JSON writes either), or undefined when none does: PostgreSQL stores
 * neither in text or jsonb, so such a document cannot be published.
 */
export function unstorableTextAt(value: unknown): string | undefined {
  return pointerWhere(value, (node) => typeof node === 'string' && UNSTORABLE.test(node));
}

/**
 * The JSON pointer of the first value, or key, in `value` that `bad` holds
 * of (depth first), or undefined. Iterative, so no input overflows the stack.
 */
/** `key` as one token of a JSON pointer (RFC 6901): `~` as `~0`, `/` as `~1`. */
export function pointerToken(key: string): string {
  return key.replaceAll('~', '~0').replaceAll('/', '~1');
}

function pointerWhere(value: unknown, bad: (node: unknown) => boolean): string | undefined {
  const stack: [unknown, string][] = [[value, '']];
  while (stack.length > 0) {
    const [node, path] = stack.pop()!;
    if (bad(node)) return path;
    if (node === null || typeof node !== 'object') continue;
    const entries: [string, unknown][] = Array.isArray(node)
      ? node.map((v, i) => [String(i), v])
      : Object.entries(node);
    for (const [key, child] of entries) {
      const at = `${path}/${pointerToken(key)}`;
      if (bad(key)) return at;
      stack.push([child, at]);
    }
  }
  return undefined;
}

/**
 * Where parsed JSON `value` holds unstorable text, given the `text` it was
 * parsed from: JSON can bring a NUL or a lone surrogate only as a \u
 * escape, so text without one is not walked (request bodies, a hot path).
 */
export function unstorableInJson(text: string, value: unknown): string | undefined {
  return text.includes('\\u') ? unstorableTextAt(value) : undefined;
}

const UNSTORABLE_ALL = new RegExp(UNSTORABLE.source, 'g');

/**
 * `text` with each NUL and unpaired surrogate replaced by U+FFFD: for
 * messages that quote what someone else sent (a worker's answer, its
 * stderr), which must be stored whatever they hold.
 */
export function storableText(text: string): string {
  return UNSTORABLE.test(text) ? text.replace(UNSTORABLE_ALL, '\ufffd') : text;
}

/** A copy of JSON-like `value` with `storableText` applied to every string and key. */
export function storableCopy<T>(value: T): T {
  if (typeof value === 'string') return storableText(value) as T;
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v: unknown) => storableCopy(v)) as T;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[storableText(k)] = storableCopy(v);
  return out as T;
}

/**
 * The JSON pointer of the first number in parsed JSON `value` too large to
 * be a number (`1e400` parses as Infinity and is written back as `null`),
 * or undefined; `text` spares the walk when it holds no such literal.
 */
export function nonFiniteInJson(text: string, value: unknown): string | undefined {
  if (!/[eE]\+?\d{3}|\d{309}/.test(text)) return undefined;
  return nonFiniteAt(value);
}

/**
 * The JSON pointer of the first number in `value` that JSON cannot hold
 * (Infinity from `1e400` or YAML's `.inf`, NaN from `.nan`), or undefined.
 * JSON.stringify writes each as `null`.
 */
export function nonFiniteAt(value: unknown): string | undefined {
  return pointerWhere(value, (node) => typeof node === 'number' && !Number.isFinite(node));
}

/** What a document's issue says of a number JSON cannot hold. */
export const NON_FINITE_MESSAGE = 'is a number JSON cannot hold (1e400 and .inf read as ' +
  'Infinity, .nan as NaN; each would be stored as null): write a finite number';

/**
 * Whether `value` nests objects and arrays deeper than `limit` levels (the
 * value itself is level 1, as checkDocumentLimits counts). Iterative, and
 * it keeps no paths: `{}`, what most runs start with, costs nothing.
 */
export function nestedDeeperThan(value: unknown, limit = MAX_DOCUMENT_DEPTH): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (depth > limit) return true;
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      stack.push([child, depth + 1]);
    }
  }
  return false;
}

/** What a document's issue says of unstorable text. */
export const UNSTORABLE_MESSAGE = 'holds a NUL character or an unpaired UTF-16 surrogate ' +
  '(written by an escape such as \\0 or \\ud800), which cannot be stored: remove it';

/** Deep flow collections can exhaust the parser's stack: that is a depth refusal too. */
function isStackOverflow(err: unknown): boolean {
  return err instanceof Error && /call stack/i.test(err.message);
}

/**
 * The deepest `[`/`{` nesting of YAML flow collections, outside quotes and
 * comments: deep flow input is refused before the parser recurses into it.
 * Brackets inside plain scalars count too, which only errs on the safe side.
 */
function flowDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let quote = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = '';
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(text[i - 1]!))) {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '[' || c === '{') max = Math.max(max, ++depth);
    else if ((c === ']' || c === '}') && depth > 0) depth--;
  }
  return max;
}

export function parseYaml(text: string, file: string): unknown {
  const value = parseYamlText(text, file);
  checkDocumentLimits(value, file);
  // Every tag is written with a `!`: text without one holds only JSON values.
  if (text.includes('!')) assertJsonValues(value, file);
  return value;
}

/**
 * Refuses what the YAML 1.1 tags make of a value (`!!binary` a Buffer,
 * `!!set` a Set, `!!omap` a Map, `!!timestamp` a Date): JSON has no form
 * for them, so the registry would store `{}` or another value than the
 * signed file holds, and Cordum's own reader makes yet another of them.
 */
function assertJsonValues(value: unknown, file: string): void {
  const at = pointerWhere(value, (node) => node !== null && typeof node === 'object' &&
    !Array.isArray(node) && Object.getPrototypeOf(node) !== Object.prototype);
  if (at === undefined) return;
  const message = 'a YAML tag (!!binary, !!set, !!omap, !!timestamp) makes this value one ' +
    'JSON cannot hold: write it as a string, list or mapping';
  throw new PackError('yaml_syntax', `${file}: ${at || '/'}: ${message}`,
    { issues: [{ file, path: at, message }] });
}

function parseYamlText(text: string, file: string): unknown {
  if (flowDepth(text) > MAX_DOCUMENT_DEPTH) {
    throw new PackError('document_too_deep',
      `${file}: nested deeper than ${MAX_DOCUMENT_DEPTH} levels`,
      { issues: [{ file, path: '', message: `nesting past ${MAX_DOCUMENT_DEPTH} levels` }] });
  }
  try {
    // logLevel 'error': the yaml library would otherwise print warnings (unknown tags) itself.
    // merge: `<<: *base` merge keys, which Cordum's own reader (yaml.v3) applies.
    // uniqueKeys off: the library compares each key with every other of its map (minutes for
    // a workflow of 30,000 steps); duplicateKey does it in one pass.
    const lines = new LineCounter();
    const doc = parseDocument(text, { uniqueKeys: false, prettyErrors: true, logLevel: 'error',
      merge: true, lineCounter: lines });
    if (doc.errors.length > 0) throw doc.errors[0];
    const bad = keyProblem(doc);
    if (bad) {
      const at = lines.linePos(bad.offset);
      const err = new YAMLParseError([bad.offset, bad.offset + 1], bad.code,
        `${bad.message} at line ${at.line}, column ${at.col}`);
      err.linePos = [at];
      throw err;
    }
    return doc.toJS({ maxAliasCount: MAX_YAML_ALIASES });
  } catch (err) {
    if (isStackOverflow(err)) {
      throw new PackError('document_too_deep', `${file}: nested too deeply to parse`,
        { issues: [{ file, path: '', message: 'nested too deeply' }], cause: err });
    }
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

interface KeyProblem {
  offset: number;
  code: ErrorCode;
  message: string;
}

/**
 * The first key written twice in one mapping (merge keys aside), or that is
 * a list or mapping, with where it starts. The parsed document holds a list
 * or mapping key as its text (`? [a]` as "[ a ]"), so two of them, or one
 * and that text quoted, would become one key: the second silently wins.
 */
function keyProblem(doc: Document): KeyProblem | undefined {
  let found: KeyProblem | undefined;
  visit(doc, {
    Map(_, map) {
      const seen = new Set<string>();
      for (const pair of map.items) {
        const written = pair.key as { range?: [number, number, number] } | null;
        const offset = written?.range?.[0] ?? 0;
        // An alias key (`*k : 2`) is the key its anchor wrote.
        const key = pair.key === null ? null
          : isAlias(pair.key) ? pair.key.resolve(doc) : pair.key;
        if (key !== null && !isScalar(key)) {
          found = { offset, code: 'NON_STRING_KEY', message: 'A list or mapping is not a ' +
            'mapping key here (the document would hold it as its text): write the key as a ' +
            'string' };
          return visit.BREAK;
        }
        // Merge keys (`<<`, read as a symbol each) may repeat.
        if (typeof key?.value === 'symbol' ||
          (key?.value === '<<' && !key.type?.includes('QUOTE'))) {
          continue;
        }
        // A scalar key as the document's object will hold it: 1 and "1", 1.0 and 1, or null
        // and "" become one key there, the second silently taking the first's place.
        const name = key === null || key.value === null ? '' : String(key.value);
        if (seen.has(name)) {
          found = { offset, code: 'DUPLICATE_KEY', message: 'Map keys must be unique' };
          return visit.BREAK;
        }
        seen.add(name);
      }
      return undefined;
    },
  });
  return found;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A file's bytes as text, refused (`document_not_utf8`) unless they are
 * UTF-8: decoding would turn each bad byte into U+FFFD, so two different
 * files would read the same, and what the registry stores would differ from
 * what every reader of the pack sees.
 */
export function utf8Text(bytes: Uint8Array, file: string): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    const lossy = Buffer.from(bytes).toString('utf8');
    const line = lossy.slice(0, Math.max(0, lossy.indexOf('\uFFFD'))).split('\n').length;
    const message = `is not UTF-8 text (a byte that is not UTF-8 on line ${line})`;
    throw new PackError('document_not_utf8', `${file}: ${message}`,
      { issues: [{ file, path: '', message }] });
  }
}

const ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * JSON.parse quotes the text around where it stopped (`Unexpected token 'x', "{\n x" is
 * not valid JSON`): its line breaks and other control characters are written escaped, so
 * the error stays the one line the CLI prints.
 */
function oneLine(message: string): string {
  return message.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g,
    (c) => ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function parseJson(text: string, file: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const message = oneLine(err instanceof Error ? err.message : String(err));
    throw new PackError('json_syntax', `${file}: invalid JSON: ${message}`, {
      issues: [{ file, path: '', message: `invalid JSON: ${message}` }],
      cause: err,
    });
  }
  checkDocumentLimits(value, file);
  return value;
}
