/**
 * Structured logs: one JSON object a line with fixed keys (`time`, `level`,
 * `msg`, then fields such as `request_id`, `pack_id`, `version`,
 * `duration_ms`). Callers pass fields explicitly; field names that may hold
 * a secret are redacted, and no request body is ever logged.
 */
import type { Clock } from './clock.js';

export type LogFields = Record<string, unknown>;

export interface Logger {
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

const SECRET_KEYS = /token|authorization|secret|password|private/i;

function redact(fields: LogFields): LogFields {
  const out: LogFields = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    out[key] = SECRET_KEYS.test(key) ? '[redacted]' : value;
  }
  return out;
}

/** A logger writing JSON lines to `write` (stderr in the server). */
export function jsonLogger(write: (line: string) => void, clock: Clock): Logger {
  const emit = (level: string, msg: string, fields: LogFields = {}) => {
    const line = { time: clock.now().toISOString(), level, msg, ...redact(fields) };
    write(`${JSON.stringify(line)}\n`);
  };
  return {
    info: (msg, fields) => emit('info', msg, fields),
    warn: (msg, fields) => emit('warn', msg, fields),
    error: (msg, fields) => emit('error', msg, fields),
  };
}

/** A logger that drops everything (in-process tests). */
export const silentLogger: Logger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
