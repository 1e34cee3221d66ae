/**
 * Structured JSON log lines with fixed keys (`time`, `level`, `msg`, then
 * `request_id`, `run_id`, `step_id` when known). Values under keys that
 * look secret are redacted. The sink is passed in: stderr for the CLI, an
 * array in tests; this module never picks one by itself.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface JsonLog {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  /** A logger whose lines all carry `fields` (a run, a step, a request). */
  child(fields: Record<string, unknown>): JsonLog;
  /** Whether lines of `level` are written (so a hot path can skip making them). */
  enabled(level: LogLevel): boolean;
}

const SECRET = /token|secret|password|authorization|api[_-]?key|cookie/i;

function redact(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) out[k] = SECRET.test(k) ? '[redacted]' : inner(v);
  return out;
}

/**
 * Plain objects and lists below a field (a notify step's `payload`, say) are
 * redacted by key as well; anything else (a Date) is written as JSON writes it.
 */
function inner(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(inner);
  if (value === null || typeof value !== 'object') return value;
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return value;
  return redact(value as Record<string, unknown>);
}

export function jsonLog(
  sink: (line: string) => void,
  options: { clock?: () => Date; base?: Record<string, unknown>; level?: LogLevel } = {},
): JsonLog {
  const order: LogLevel[] = ['debug', 'info', 'warn', 'error'];
  const min = order.indexOf(options.level ?? 'info');
  const clock = options.clock ?? (() => new Date());
  const base = options.base ?? {};
  const write = (level: LogLevel) => (msg: string, fields: Record<string, unknown> = {}) => {
    if (order.indexOf(level) < min) return;
    sink(JSON.stringify({ time: clock().toISOString(), level, msg,
      ...redact({ ...base, ...fields }) }));
  };
  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    child: (fields) => jsonLog(sink, { ...options, base: { ...base, ...fields } }),
    enabled: (level) => order.indexOf(level) >= min,
  };
}
