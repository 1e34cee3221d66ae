/**
 * Tells a database that cannot be reached (stopped, restarting, refusing
 * connections) from a query that failed. Those failures answer 503
 * `service_unavailable` at once with `Retry-After`, and the connection pool
 * reconnects by itself once the server is back: no restart is needed.
 */

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND',
  'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

// SQLSTATE classes 08 (connection exception) and 57P (operator intervention), and 53300.
const SQLSTATE = /^(08\d{3}|57P0[1-4]|53300)$/;

const MESSAGES = new RegExp(['Connection terminated', 'connection error and is not queryable',
  'timeout exceeded when trying to connect',
  'the database system is (starting up|shutting down|in recovery mode)'].join('|'), 'i');

function codeOf(err: object): string | undefined {
  return 'code' in err && typeof err.code === 'string' ? err.code : undefined;
}

/** True for errors meaning "the database is not there right now". */
export function isDatabaseUnavailable(err: unknown, depth = 0): boolean {
  if (!err || typeof err !== 'object' || depth > 4) return false;
  const code = codeOf(err);
  if (code && (NETWORK_CODES.has(code) || SQLSTATE.test(code))) return true;
  if (err instanceof Error && MESSAGES.test(err.message)) return true;
  const inner = (e: unknown) => isDatabaseUnavailable(e, depth + 1);
  if (err instanceof AggregateError && err.errors.some(inner)) return true;
  return 'cause' in err && isDatabaseUnavailable(err.cause, depth + 1);
}
