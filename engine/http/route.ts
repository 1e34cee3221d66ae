/**
 * The shape of the kernel's HTTP routes on plain `node:http`: the decide
 * path stays as lean as a bare server (no framework per request), and any
 * server (the engine's, a test's, the benchmark's) can mount them.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

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

export class HttpProblem extends Error {
  override readonly name = 'HttpProblem';
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

/** Reads a JSON body up to `limit` bytes (events, not an async iterator: this is a hot path). */
export function readJson(req: IncomingMessage, limit = 1 << 20): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new HttpProblem(413, 'request_too_large', `body over ${limit} bytes`));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('error', reject);
    req.on('end', () => {
      try {
        const text = chunks.length === 1 ? chunks[0]!.toString('utf8')
          : Buffer.concat(chunks).toString('utf8');
        resolve(JSON.parse(text) as unknown);
      } catch {
        reject(new HttpProblem(400, 'request_invalid', 'the body is not JSON'));
      }
    });
  });
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json',
    'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** A problem+json answer with a stable code. */
export function sendProblem(res: ServerResponse, status: number, code: string, detail: string) {
  const text = JSON.stringify({ type: `urn:cordum:problem:${code}`, title: code, status,
    detail, code });
  res.writeHead(status, { 'content-type': 'application/problem+json',
    'content-length': Buffer.byteLength(text) });
  res.end(text);
}
