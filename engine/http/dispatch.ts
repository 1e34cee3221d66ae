/**
 * The one request dispatcher of the engine's HTTP servers (`engine serve`
 * and the kernel-only server): exact paths from a table, `:name` patterns
 * after them, the URL parsed only when a route reads it, the request id
 * echoed, and problem+json for whatever a route throws or rejects with.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isConnectionLoss } from '../../storage/database.js';
import type { JsonLog } from '../observability/log.js';
import {
  HttpProblem,
  loggedFields,
  paramsOf,
  sendProblem,
  tagRequestId,
  type EngineRoute,
  type RouteContext,
} from './route.js';

export type RouteLog = (
  level: 'warn' | 'error',
  msg: string,
  fields: Record<string, unknown>,
) => void;

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

/** Routes asked many times a second (decisions, probes): their request lines are debug. */
const QUIET = /^\/(v1\/policy\/decide|healthz|readyz|metrics)/;

/** One line a request, when it is answered: status and time taken. */
function logRequest(log: JsonLog, req: IncomingMessage, res: ServerResponse, requestId: string,
  pathname: string) {
  // Judged on the path as routed: `/healthz/../v1/runs` is not a probe.
  const routed = /\.|%|\/\//.test(pathname) ? new URL(pathname, 'http://l').pathname : pathname;
  const quiet = QUIET.test(routed);
  if (quiet && !log.enabled('debug')) return;
  const started = performance.now();
  res.once('finish', () => {
    const fields = { request_id: requestId, method: req.method, path: pathname,
      status: res.statusCode, duration_ms: Math.round(performance.now() - started),
      ...loggedFields(res) };
    if (res.statusCode >= 500) log.error('request', fields);
    else if (quiet) log.debug('request', fields);
    else log.info('request', fields);
  });
}

/** Names of this machine's loopback, as a Host header spells them. */
const LOOPBACK_HOST = /^(localhost|127(\.\d{1,3}){3}|\[::1\])(:\d{1,5})?$/i;
const LOOPBACK_ADDRESS = /^(127\.|::1$|::ffff:127\.)/;

/** Host names (`host` or `host:port`) CORDUM_ENGINE_ALLOWED_HOSTS adds, lower-cased. */
function allowedHosts(): Set<string> {
  const listed = process.env.CORDUM_ENGINE_ALLOWED_HOSTS ?? '';
  return new Set(listed.split(',').map((h) => h.trim().toLowerCase()).filter(Boolean));
}

/**
 * What only a browser made to call the engine by another site sends: an
 * Origin other than the engine's own (a page elsewhere can POST without a
 * preflight, e.g. start a run or approve a step), or, on a loopback
 * connection, a Host that is not a loopback name (a DNS-rebinding page,
 * which reads as its own origin). Other clients send neither. The answer
 * is the refusal, or undefined.
 */
function foreignRequest(req: IncomingMessage, allowed: ReadonlySet<string>) {
  const host = (req.headers.host ?? '').toLowerCase();
  const origin = req.headers.origin;
  if (origin !== undefined && originHost(origin) !== host) {
    return { code: 'origin_refused', message: `a request from ${origin} (another site in a ` +
      'browser) may not use this engine; call it from a server or the CLI' };
  }
  if (host && !LOOPBACK_HOST.test(host) && !allowed.has(host) &&
    LOOPBACK_ADDRESS.test(req.socket.localAddress ?? '')) {
    return { code: 'host_refused', message: `Host ${host} does not name this engine's ` +
      'loopback address; behind a proxy that sends its own name, list it in ' +
      'CORDUM_ENGINE_ALLOWED_HOSTS' };
  }
  return undefined;
}

function originHost(origin: string): string | undefined {
  try {
    return new URL(origin).host.toLowerCase();
  } catch {
    return undefined;
  }
}

const METHODS = ['GET', 'POST', 'PUT', 'DELETE'] as const;

/**
 * A caller's X-Request-Id that is kept, as the registry keeps one: it goes into every
 * log line of the request and its run, the answer's header and the queued job. Anything
 * else (empty, long, non-ASCII text Node reads as Latin-1, quotes, a header sent twice
 * and joined with ", ") is replaced by a drawn id.
 */
const REQUEST_ID = /^[\w.-]{1,64}$/;

/** The caller's request id when it is sane, else a new one. */
function requestIdOf(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

type FindRoute = (method: string | undefined, ctx: LazyContext, pathname: string) =>
  EngineRoute | undefined;

/** Finds a request's route: by method, then path, so no key string is built per request. */
function routeFinder(routes: EngineRoute[]): FindRoute {
  const exact = new Map<string, Map<string, EngineRoute>>();
  const patterned: EngineRoute[] = [];
  for (const r of routes) {
    if (r.path.includes(':')) {
      patterned.push(r);
      continue;
    }
    const paths = exact.get(r.method) ?? new Map<string, EngineRoute>();
    exact.set(r.method, paths);
    if (!paths.has(r.path)) paths.set(r.path, r);
  }
  return (method, ctx, pathname) => {
    const paths = exact.get(method ?? '');
    return paths?.get(pathname) ??
      // A path spelled unusually (dot segments) matches as its parsed form.
      paths?.get(ctx.url.pathname) ??
      patterned.find((r) => r.method === method && paramsOf(r.path, ctx.url.pathname));
  };
}

/** No route for the method: 405 with the methods that serve the path, as HTTP says, else 404. */
function sendNoRoute(res: ServerResponse, find: FindRoute, ctx: LazyContext,
  method: string | undefined, pathname: string): void {
  const served = METHODS.filter((m) => {
    try {
      return m !== method && find(m, ctx, pathname) !== undefined;
    } catch {
      return false;
    }
  });
  const others = served.includes('GET') ? [...served, 'HEAD'] : served;
  if (others.length > 0) {
    res.setHeader('allow', others.join(', '));
    return sendProblem(res, 405, 'method_not_allowed', `${pathname} takes ` +
      `${others.join(' or ')}, not ${ctx.req.method}`);
  }
  sendProblem(res, 404, 'not_found', `no route ${ctx.req.method} ${pathname}`);
}

/** A handler's failure as problem+json: its own problem, 503 for a lost database, else 500. */
function sendFailure(res: ServerResponse, err: unknown, log: RouteLog | undefined,
  requestId: string, pathname: string): void {
  if (res.headersSent) return void res.end();
  if (err instanceof HttpProblem) {
    return sendProblem(res, err.status, err.code, err.message, err.members);
  }
  const message = err instanceof Error ? err.message : String(err);
  if (isConnectionLoss(err)) {
    return sendProblem(res, 503, 'database_unavailable',
      `the engine cannot reach its database (${message}); try again shortly`);
  }
  log?.('error', 'request failed', { request_id: requestId, path: pathname, error: message });
  sendProblem(res, 500, 'internal', `the engine failed this request: ${message}`);
}

export function routeHandler(routes: EngineRoute[], log?: RouteLog, requests?: JsonLog) {
  const allowed = allowedHosts();
  const find = routeFinder(routes);

  return (req: IncomingMessage, res: ServerResponse) => {
    const raw = req.url ?? '/';
    const query = raw.indexOf('?');
    const pathname = query < 0 ? raw : raw.slice(0, query);
    const requestId = requestIdOf(req);
    tagRequestId(res, requestId);
    if (requests) logRequest(requests, req, res, requestId, pathname);
    const foreign = foreignRequest(req, allowed);
    if (foreign) return sendProblem(res, 403, foreign.code, foreign.message);
    const ctx = new LazyContext(req, res, requestId, raw);
    let route: EngineRoute | undefined;
    // HEAD is GET without the body (Node sends none for HEAD): health checkers use it.
    const method = req.method === 'HEAD' ? 'GET' : req.method;
    try {
      route = find(method, ctx, pathname);
    } catch (err) {
      // A path parameter that does not decode: the request's fault, never the process's.
      if (err instanceof HttpProblem) {
        return sendProblem(res, err.status, err.code, err.message, err.members);
      }
      throw err;
    }
    if (!route) return sendNoRoute(res, find, ctx, method, pathname);
    let done: Promise<void> | void;
    try {
      done = route.handle(ctx);
    } catch (err) {
      done = Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    // A handler that answers synchronously (or by callback) costs no promise here.
    done?.catch((err: unknown) => sendFailure(res, err, log, requestId, pathname));
  };
}
