/**
 * Runs the registry app on a loopback or given address. The public base URL
 * defaults to the address actually bound, so `--port 0` works.
 */
import {
  createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse,
} from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { createRegistryApp } from './app.js';
import { problem, type Problem } from './problem.js';
import type { RegistryServices } from './wiring.js';

export interface RunningRegistry {
  url: string;
  server: Server;
  /** Stops accepting, lets requests in flight finish (at most `graceMs`), closes storage. */
  close(graceMs?: number): Promise<void>;
}

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

export function urlOf(address: AddressInfo, scheme = 'http'): string {
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `${scheme}://${host}:${address.port}`;
}

/** How long a client may take: to send its headers, a whole request, between requests. */
export interface ServerTimeouts {
  headersMs: number;
  requestMs: number;
  keepAliveMs: number;
}

// A whole request, including a refused upload being drained, must end in 5 minutes.
export const DEFAULT_TIMEOUTS: ServerTimeouts = {
  headersMs: 20_000,
  requestMs: 300_000,
  keepAliveMs: 5_000,
};

export interface ServerOptions {
  port: number;
  host: string;
  publicUrl?: string;
  /** PEM certificate (chain) and key: serve HTTPS only. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  timeouts?: Partial<ServerTimeouts>;
}

function makeServer(options: ServerOptions): Server {
  const t = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  // Node checks the two timeouts on this interval (30 s by default): keep it finer.
  const settings = { requestTimeout: t.requestMs, headersTimeout: t.headersMs,
    keepAliveTimeout: t.keepAliveMs,
    connectionsCheckingInterval: Math.min(30_000, Math.max(250, t.headersMs / 4)) };
  return options.tls
    ? createTlsServer({ ...settings, cert: options.tls.cert, key: options.tls.key,
      minVersion: 'TLSv1.2' })
    : createServer(settings);
}

/**
 * Answers what Node refuses before the app sees a request (a client too slow
 * with its headers or body, bytes that are not HTTP, a body cut short by a
 * half-close) as problem+json with a stable code, as the app answers the
 * rest: Node's own answer is a bare status line. A socket that can no longer
 * take a whole answer (closed, or a response already begun) is dropped.
 */
function answerClientErrors(server: Server, timeouts: ServerTimeouts): void {
  // Node attaches each response to its socket internally; track ours to see if it began.
  const inFlight = new WeakMap<Duplex, ServerResponse>();
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    inFlight.set(req.socket, res);
    res.once('finish', () => {
      if (inFlight.get(req.socket) === res) inFlight.delete(req.socket);
    });
  });

  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    const begun = inFlight.get(socket)?.headersSent ?? false;
    if (!socket.writable || begun || err.code === 'ECONNRESET') {
      socket.destroy();
      return;
    }
    const answer = rawAnswer(clientProblem(err, timeouts));
    // Destroy once written: the client may never close its side.
    socket.end(answer, () => socket.destroy());
  });
}

function clientProblem(err: NodeJS.ErrnoException, t: ServerTimeouts): Problem {
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return problem('request_timeout', `the request did not arrive in time: headers within ` +
      `${t.headersMs} ms, the whole request within ${t.requestMs} ms`);
  }
  if (err.code === 'HPE_INVALID_EOF_STATE') {
    return problem('request_invalid', 'the client closed the connection before the whole ' +
      'request arrived');
  }
  if (err.code === 'HPE_HEADER_OVERFLOW') {
    return problem('request_invalid', 'the request headers are larger than the server takes');
  }
  return problem('request_invalid', `the request is not valid HTTP/1.1 (${err.code ?? 'error'})`);
}

/** A whole HTTP/1.1 answer, written to the socket: there is no response object here. */
function rawAnswer(body: Problem): string {
  const json = JSON.stringify(body);
  return [
    `HTTP/1.1 ${body.status} ${STATUS_CODES[body.status] ?? body.title}`,
    'Content-Type: application/problem+json',
    `Content-Length: ${Buffer.byteLength(json)}`,
    'X-Content-Type-Options: nosniff',
    'Cache-Control: no-store',
    'Connection: close',
    '',
    json,
  ].join('\r\n');
}

export async function startRegistryServer(
  services: RegistryServices,
  options: ServerOptions,
): Promise<RunningRegistry> {
  const server = makeServer(options);
  answerClientErrors(server, { ...DEFAULT_TIMEOUTS, ...options.timeouts });
  const address = await listen(server, options.port, options.host);
  const url = urlOf(address, options.tls ? 'https' : 'http');
  // The handler is attached in the same tick as `listening`: no request waits without one.
  const app = createRegistryApp({ ...services, baseUrl: options.publicUrl ?? url });
  server.on('request', app.callback());

  return {
    url,
    server,
    async close(graceMs = 10_000) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const timer = setTimeout(() => server.closeAllConnections(), graceMs);
      await closed;
      clearTimeout(timer);
      await services.close();
    },
  };
}
