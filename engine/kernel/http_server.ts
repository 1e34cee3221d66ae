/**
 * A plain `node:http` server for a list of routes, dispatched as the
 * engine's own server dispatches them (`../http/dispatch.ts`): this one
 * serves the kernel alone (tests, the benchmark, a policy-only process).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { routeHandler, type RouteLog } from '../http/dispatch.js';
import type { EngineRoute } from '../http/route.js';

export interface RouteServerOptions {
  port?: number;
  host?: string;
  log?: RouteLog;
}

export interface RunningRouteServer {
  server: Server;
  url: string;
  close(): Promise<void>;
}

export async function startRouteServer(routes: EngineRoute[], options: RouteServerOptions = {}):
Promise<RunningRouteServer> {
  const server = createServer(routeHandler(routes, options.log));
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
