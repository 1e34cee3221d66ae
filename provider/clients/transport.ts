/**
 * One HTTP exchange over node:http(s), with a deadline. The provider does
 * not use global fetch: loading it (undici and its WebAssembly parser) cost
 * every provider process tens of milliseconds to start its first request
 * and again to exit, and Terraform starts several per command.
 */
import http from 'node:http';
import https from 'node:https';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';

export interface Exchange {
  status: number;
  body: Buffer;
  /** The `Retry-After` header, when the answer had one. */
  retryAfter?: string;
  /** The `Location` header of a redirect, when the answer had one. */
  location?: string;
}

export class TimeoutError extends Error {
  override readonly name = 'TimeoutError';
}

/** The exchange was cut short because Terraform stopped the provider (Ctrl-C). */
export class StoppedError extends Error {
  override readonly name = 'StoppedError';
}

/** Kept-alive connections for one client (a provider process makes many calls). */
export interface Agents {
  http: http.Agent;
  https(): https.Agent;
}

/**
 * The launcher moves NODE_EXTRA_CA_CERTS to this variable: Node would parse
 * the file at every start-up, and most provider processes make no https call.
 */
export const EXTRA_CA_VARIABLE = 'CORDUM_EXTRA_CA_CERTS';

/**
 * Node's bundled roots plus the certificates of `file`, which is what
 * NODE_EXTRA_CA_CERTS gives; undefined (Node's default) without a file.
 * Like Node, an unreadable file leaves the bundled roots alone.
 */
export function trustedRoots(file: string | undefined): string[] | undefined {
  if (!file) return undefined;
  try {
    return [...rootCertificates, readFileSync(file, 'utf8')];
  } catch {
    return undefined;
  }
}

export function newAgents(extraCaFile?: string): Agents {
  let secure: https.Agent | undefined;
  return {
    http: new http.Agent({ keepAlive: true }),
    https() {
      if (!secure) {
        const ca = trustedRoots(extraCaFile);
        secure = new https.Agent({ keepAlive: true, ...(ca ? { ca } : {}) });
      }
      return secure;
    },
  };
}

export function send(
  agents: Agents,
  url: URL,
  method: string,
  headers: Record<string, string>,
  body: Buffer | undefined,
  timeoutMs: number,
  stop?: AbortSignal,
): Promise<Exchange> {
  const client = url.protocol === 'https:' ? https : http;
  const agent = url.protocol === 'https:' ? agents.https() : agents.http;
  return new Promise((resolve, reject) => {
    if (stop?.aborted) return reject(new StoppedError('stopped before it was sent'));
    const request = client.request(url, {
      method,
      agent,
      headers: body ? { ...headers, 'content-length': String(body.length) } : headers,
    });
    const cut = () => request.destroy(new StoppedError('stopped'));
    stop?.addEventListener('abort', cut, { once: true });
    request.on('close', () => stop?.removeEventListener('abort', cut));
    const timer = setTimeout(() => request.destroy(new TimeoutError('deadline passed')), timeoutMs);
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (c: Buffer) => chunks.push(c));
      response.on('end', () => {
        clearTimeout(timer);
        const { 'retry-after': retryAfter, location } = response.headers;
        resolve({
          status: response.statusCode ?? 0,
          body: Buffer.concat(chunks),
          ...(retryAfter === undefined ? {} : { retryAfter }),
          ...(location === undefined ? {} : { location }),
        });
      });
      response.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
    request.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    request.end(body);
  });
}

export interface FilePart {
  name: string;
  filename: string;
  contentType: string;
  data: Buffer;
}

/** A multipart/form-data body of file parts. */
export function multipart(parts: FilePart[]): { body: Buffer; contentType: string } {
  const boundary = `cordum-${randomBytes(12).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const head =
      `--${boundary}\r\n` +
      `Content-Disposition: form-data; name="${part.name}"; filename="${part.filename}"\r\n` +
      `Content-Type: ${part.contentType}\r\n\r\n`;
    chunks.push(Buffer.from(head), part.data, Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}
