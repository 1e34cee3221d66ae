/**
 * Every error answer of the registry is `application/problem+json`
 * (RFC 9457) with a stable `code`: registry refusals, pack-format errors
 * from `packs/`, unknown routes and methods, and unexpected failures (which
 * are logged and answered without their message).
 */
import type Koa from 'koa';
import { isPackError, type Issue } from '../packs/errors.js';
import { isRegistryCode, isRegistryError, REGISTRY_CODES } from './errors.js';
import type { Logger } from './log.js';
import { isDatabaseUnavailable } from './hardening/unavailable.js';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  issues?: Issue[];
}

const PROBLEM_TYPE = 'application/problem+json';

// Pack-format codes that are not registry codes: sizes are 413, the rest 422.
const PACK_SIZE_CODES = new Set([
  'bundle_too_large',
  'bundle_too_many_files',
  'bundle_file_too_large',
  'bundle_uncompressed_too_large',
  'bundle_ratio_exceeded',
]);

export function problem(code: string, detail: string, issues: Issue[] = []): Problem {
  const known = isRegistryCode(code) ? REGISTRY_CODES[code] : undefined;
  const status = known?.status ?? (PACK_SIZE_CODES.has(code) ? 413 : 422);
  const title = known?.title ?? titleOf(code);
  const out: Problem = { type: `urn:cordum:problem:${code}`, title, status, detail, code };
  if (issues.length > 0) out.issues = issues;
  return out;
}

function titleOf(code: string): string {
  return code
    .split('_')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join(' ');
}

// Client errors Koa or a library throw as http-errors (`status`, `expose`).
const HTTP_ERROR_CODES: Record<number, string> = {
  400: 'request_invalid',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
};

function httpErrorCode(err: unknown): string | undefined {
  if (!err || typeof err !== 'object' || !('status' in err) || !('expose' in err)) return undefined;
  return err.expose === true && typeof err.status === 'number'
    ? (HTTP_ERROR_CODES[err.status] ?? 'request_invalid')
    : undefined;
}

/** The problem for anything thrown; `undefined` when it is unexpected. */
export function problemOf(err: unknown): Problem | undefined {
  if (isRegistryError(err)) return problem(err.code, err.message, err.issues);
  if (isPackError(err)) return problem(err.code, err.message, err.issues);
  const code = httpErrorCode(err);
  if (code) return problem(code, (err as Error).message);
  if (isDatabaseUnavailable(err)) {
    return problem('service_unavailable', 'the registry cannot reach its database; retry shortly');
  }
  return undefined;
}

// Statuses Koa or the router set without a body (unknown route, wrong method).
const BARE_STATUS: Record<number, { code: string; detail: (ctx: Koa.Context) => string }> = {
  404: { code: 'not_found', detail: (ctx) => `no route for ${ctx.method} ${ctx.path}` },
  405: {
    code: 'method_not_allowed',
    detail: (ctx) =>
      `${ctx.method} is not allowed on ${ctx.path}; allowed: ${ctx.response.get('Allow')}`,
  },
  501: { code: 'not_implemented', detail: (ctx) => `method ${ctx.method} is not implemented` },
};

function send(ctx: Koa.Context, body: Problem): void {
  ctx.status = body.status;
  ctx.body = body;
  ctx.type = PROBLEM_TYPE;
  if (body.status === 401) ctx.set('WWW-Authenticate', 'Bearer realm="cordum"');
  if (body.status === 503 && !ctx.response.get('Retry-After')) ctx.set('Retry-After', '1');
}

/** Outermost middleware: answers every failure as problem+json. */
export function problemMiddleware(log: Logger): Koa.Middleware {
  return async (ctx, next) => {
    try {
      await next();
      const bare = BARE_STATUS[ctx.status];
      if (bare && ctx.body === undefined) send(ctx, problem(bare.code, bare.detail(ctx)));
    } catch (err) {
      const known = problemOf(err);
      if (known) {
        send(ctx, known);
        return;
      }
      log.error('request failed', {
        request_id: ctx.state.requestId,
        error: err instanceof Error ? err.message : String(err),
        stack: err instanceof Error ? err.stack : undefined,
      });
      send(ctx, problem('internal', 'the registry failed to answer; see its log'));
    }
  };
}
