/**
 * A plain `node:http` server for a list of routes: request ids,
 * problem+json for errors (admin routes check the token themselves), and a structured log line per
 * failed request. The engine's own server mounts the same routes; this one
 * serves the kernel alone (tests, the benchmark, a policy-only process).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpProblem, sendProblem, type EngineRoute, type RouteContext } from '../http/route.js';

export interface RouteServerOptions {
  port?: number;
  host?: string;
  log?: (level: 'warn' | 'error', msg: string, fields: Record<string, unknown>) => void;
}

export function routeHandler(routes: EngineRoute[], options: RouteServerOptions = {}) {
  const table = new Map(routes.map((r) => [`${r.method} ${r.path}`, r]));
  return (req: IncomingMessage, res: ServerResponse) => {
    const raw = req.url ?? '/';
    const query = raw.indexOf('?');
    const pathname = query < 0 ? raw : raw.slice(0, query);
    const route = table.get(`${req.method} ${pathname}`);
    const requestId = (req.headers['x-request-id'] as string | undefined) ?? randomUUID();
    if (!route) return sendProblem(res, 404, 'not_found', `no route ${req.method} ${pathname}`);
    let done: Promise<void> | void;
    try {
      done = route.handle(new LazyContext(req, res, requestId, raw));
    } catch (err) {
      done = Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    // A handler that answers synchronously (or by callback) costs no promise here.
    done?.catch((err: unknown) => {
      if (err instanceof HttpProblem) return sendProblem(res, err.status, err.code, err.message);
      options.log?.('error', 'request failed', { request_id: requestId, path: pathname,
        error: err instanceof Error ? err.message : String(err) });
      if (!res.headersSent) sendProblem(res, 500, 'internal', 'the engine failed this request');
    });
  };
}

/** A route's context with `url` parsed on first use: the decide path never needs it. */
class LazyContext implements RouteContext {
  private parsed: URL | undefined;

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly requestId: string,
    private readonly raw: string,
  ) {}

  get url(): URL {
    return (this.parsed ??= new URL(this.raw, 'http://engine'));
  }
}

export interface RunningRouteServer {
  server: Server;
  url: string;
  close(): Promise<void>;
}

export async function startRouteServer(routes: EngineRoute[], options: RouteServerOptions = {}):
Promise<RunningRouteServer> {
  const server = createServer(routeHandler(routes, options));
  await new Promise<void>((resolve) => server.listen(options.port ?? 0,
    options.host ?? '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
