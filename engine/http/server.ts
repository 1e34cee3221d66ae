/**
 * The HTTP server of `cordum engine serve`, on plain `node:http`, on
 * loopback unless told otherwise. It mounts the routes of every module in
 * `routes.ts` (`:name` segments match one path segment; `dispatch.ts`
 * dispatches them) and answers problem+json for errors. A poller resumes runs that are due: pending
 * ones, timers that are due, and runs whose process died (lease expired).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JsonLog } from '../observability/log.js';
import { routeHandler } from './dispatch.js';
import type { EngineRoute } from './route.js';
import { ROUTE_MODULES, type RouteParts } from './routes.js';

export interface EngineServerOptions extends RouteParts {
  port?: number;
  host?: string;
  /** How often to look for due runs (ms); 0 turns the poller off. */
  pollMs?: number;
  /** Extra routes (tests, or modules that are not in the list). */
  routes?: EngineRoute[];
  /** Where a line a request goes, and failures (`engine serve`: JSON on stderr). */
  log?: JsonLog;
}

export interface EngineServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startEngineServer(options: EngineServerOptions): Promise<EngineServer> {
  const routes = [...ROUTE_MODULES.flatMap((m) => m(options)), ...(options.routes ?? [])];
  const log = options.log;
  const server: Server = createServer(routeHandler(routes,
    log ? (level, msg, fields) => log[level](msg, fields) : undefined, log));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
  });
  const poller = startPoller(options);
  const { port } = server.address() as AddressInfo;
  return {
    url: listenUrl(options.host ?? '127.0.0.1', port),
    port,
    async close() {
      if (poller) clearInterval(poller.timer);
      await poller?.idle();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The URL of the address listened on: an IPv6 one goes in brackets (`http://[::1]:8787`). */
function listenUrl(host: string, port: number): string {
  return `http://${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${port}`;
}

/**
 * One sweep at a time; a sweep starts the due runs and does not wait for
 * them (a long run must not hold back a run that falls due meanwhile). A
 * sweep's failure waits for the next tick.
 */
function startPoller(options: EngineServerOptions) {
  const every = options.pollMs ?? 1000;
  if (every <= 0) return undefined;
  let sweep: Promise<unknown> = Promise.resolve();
  let busy = false;
  const timer = setInterval(() => {
    if (busy || options.canResume?.() === false) return;
    busy = true;
    const queue = options.queue;
    // Runs still waiting in the queue are its to hand out, at its concurrency.
    sweep = options.engine
      .resumeDue(100, { wait: false, queued: queue !== undefined,
        ...(queue ? { held: (ids: string[]) => queue.waiting(ids) } : {}) })
      .catch(() => undefined)
      .finally(() => (busy = false));
  }, every);
  return { timer, idle: () => sweep.then(() => options.engine.idle()) };
}
