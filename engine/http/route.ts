/**
 * The shape of the kernel's HTTP routes on plain `node:http`: the decide
 * path stays as lean as a bare server (no framework per request), and any
 * server (the engine's, a test's, the benchmark's) can mount them.
 */
import { unknownFieldText } from '../../packs/policy/request.js';
import { isUtf8 } from 'node:buffer';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  nonFiniteInJson, UNSTORABLE_MESSAGE, unstorableInJson, unstorableTextAt,
} from '../../packs/documents.js';

export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  requestId: string;
}

export interface EngineRoute {
  method: 'GET' | 'POST';
  path: string;
  /** Needs the admin token (`Authorization: Bearer ...`). */
  admin?: boolean;
  handle(ctx: RouteContext): Promise<void> | void;
}

/** The `:name` pieces of a request path by a route's pattern; undefined when it does not match. */
export function paramsOf(pattern: string, pathname: string): Record<string, string> | undefined {
  const want = pattern.split('/');
  const got = pathname.split('/');
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, part] of want.entries()) {
    if (part.startsWith(':')) params[part.slice(1)] = decodePart(got[i]!);
    else if (part !== got[i]) return undefined;
  }
  return params;
}

/**
 * A yes-or-no query parameter: `1` or `true`; `0`, `false` or absent is no.
 * Anything else is refused, not read as no (`?explain=yes` must not go unexplained).
 */
export function booleanParam(url: URL, name: string): boolean {
  const value = url.searchParams.get(name);
  if (value === null || value === '0' || value === 'false') return false;
  if (value === '1' || value === 'true') return true;
  throw new HttpProblem(400, 'request_invalid', `?${name} must be 1 or 0 (true or false), ` +
    `not "${value.slice(0, 64)}"`);
}

/** A path parameter, decoded; bad escapes and unstorable text are the caller's 400. */
function decodePart(part: string): string {
  let value: string;
  try {
    value = decodeURIComponent(part);
  } catch {
    throw new HttpProblem(400, 'request_invalid',
      `the path segment "${part}" is not valid percent-encoded UTF-8`);
  }
  if (unstorableTextAt(value) !== undefined) {
    throw new HttpProblem(400, 'request_invalid',
      `the path segment "${part}" ${UNSTORABLE_MESSAGE}`);
  }
  return value;
}

export class HttpProblem extends Error {
  override readonly name = 'HttpProblem';
  /** `members`: more of the problem, such as the `issues` of data that broke a schema. */
  constructor(readonly status: number, readonly code: string, message: string,
    readonly members: Record<string, unknown> = {}) {
    super(message);
  }
}

/**
 * Reads a JSON body up to `limit` bytes and calls back once: with the value,
 * or with the problem (events and a callback, no promise: this is a hot path).
 */
export function onJson(
  req: IncomingMessage,
  limit: number,
  done: (err: HttpProblem | Error | undefined, value?: unknown) => void,
): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let settled = false;
  const finish = (err: HttpProblem | Error | undefined, value?: unknown) => {
    if (settled) return;
    settled = true;
    done(err, value);
  };
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > limit) {
      finish(new HttpProblem(413, 'payload_too_large', `body over ${limit} bytes`));
      // The rest is read and dropped, so the 413 reaches a client still sending (closing at
      // once reset the connection before it); one that goes on for long is cut off.
      req.removeAllListeners('data');
      req.resume();
      // Only a body still arriving: once it has ended, the socket may serve the next request.
      const cut = setTimeout(() => {
        if (!req.complete) req.destroy();
      }, 5000);
      cut.unref();
      req.once('end', () => clearTimeout(cut));
    } else chunks.push(chunk);
  });
  req.on('error', (err) => finish(err));
  req.on('end', () => {
    let value: unknown;
    let text: string;
    const bytes = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
    // Bytes that are not UTF-8 would be read as U+FFFD and stored so, without a word.
    if (!isUtf8(bytes)) {
      return finish(new HttpProblem(400, 'request_invalid', 'the body is not valid UTF-8'));
    }
    try {
      text = bytes.toString('utf8');
      value = JSON.parse(text) as unknown;
    } catch {
      return finish(new HttpProblem(400, 'request_invalid', 'the body is not JSON'));
    }
    // The database refuses a NUL or a lone surrogate, so a body holding one would fail
    // later, where nobody could be told why.
    const at = unstorableInJson(text, value);
    if (at !== undefined) {
      return finish(new HttpProblem(400, 'request_invalid',
        `the body${at ? ` at ${at}` : ''} ${UNSTORABLE_MESSAGE}`));
    }
    // 1e400 parses as Infinity, which would be stored as null without a word.
    const huge = nonFiniteInJson(text, value);
    if (huge !== undefined) {
      return finish(new HttpProblem(400, 'request_invalid', `the body${huge ? ` at ${huge}` : ''}` +
        ' holds a number too large to store (past about 1.8e308): send it as a string'));
    }
    finish(undefined, value);
  });
}

/** Reads a JSON body up to `limit` bytes. */
export function readJson(req: IncomingMessage, limit = 1 << 20): Promise<unknown> {
  return new Promise((resolve, reject) => {
    onJson(req, limit, (err, value) => (err ? reject(err) : resolve(value)));
  });
}

/** Where the dispatcher leaves a request's id, for the answer to echo. */
const REQUEST_ID = Symbol('cordum.requestId');
/** What a route adds to the request's log line (the run it made, say). */
const LOG_FIELDS = Symbol('cordum.logFields');
type Tagged = ServerResponse & { [REQUEST_ID]?: string; [LOG_FIELDS]?: Record<string, unknown> };

/**
 * Reads a JSON object body of the `fields` named: anything else, or a
 * field it does not name, is a 400 `request_invalid` (a misspelt field
 * would otherwise be taken as absent).
 */
export async function readFields(req: IncomingMessage, fields: readonly string[],
  limit?: number): Promise<Record<string, unknown>> {
  const value = await readJson(req, limit);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new HttpProblem(400, 'request_invalid', 'the body must be a JSON object');
  }
  for (const key of Object.keys(value)) {
    if (fields.includes(key)) continue;
    throw new HttpProblem(400, 'request_invalid', `body.${key}: ${unknownFieldText(key, fields)}`);
  }
  return value as Record<string, unknown>;
}

/** Adds `fields` to the `request` log line written when this answer finishes. */
export function noteForLog(res: ServerResponse, fields: Record<string, unknown>): void {
  const tagged = res as Tagged;
  tagged[LOG_FIELDS] = { ...tagged[LOG_FIELDS], ...fields };
}

/** What routes added for the request's log line, if anything. */
export function loggedFields(res: ServerResponse): Record<string, unknown> | undefined {
  return (res as Tagged)[LOG_FIELDS];
}

/**
 * Names the id that every answer written through `answer` (so `sendJson` and
 * `sendProblem`) echoes as `x-request-id`. It rides on the response rather
 * than `setHeader`, whose header then costs `writeHead` a merge of every field
 * on each request of the hot paths.
 */
export function tagRequestId(res: ServerResponse, id: string): void {
  (res as Tagged)[REQUEST_ID] = id;
}

/** Writes a whole answer: status, content type, the request's id, the body and its length. */
export function answer(res: ServerResponse, status: number, type: string, text: string,
  extra?: Record<string, string>): void {
  const headers: Record<string, string | number> = { 'content-type': type,
    'content-length': Buffer.byteLength(text) };
  const id = (res as Tagged)[REQUEST_ID];
  if (id !== undefined) headers['x-request-id'] = id;
  if (extra) Object.assign(headers, extra);
  res.writeHead(status, headers);
  res.end(text);
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  answer(res, status, 'application/json', JSON.stringify(body));
}

/** A problem+json answer with a stable code, and any members of its own after them. */
export function sendProblem(res: ServerResponse, status: number, code: string, detail: string,
  members: Record<string, unknown> = {}) {
  answer(res, status, 'application/problem+json', JSON.stringify({
    type: `urn:cordum:problem:${code}`, title: code, status, detail, code, ...members }));
}
