/**
 * Logs for Terraform users: JSON lines on stderr in the shape go-plugin
 * understands (`@level`, `@message`, `@module`, `@timestamp`), so they show
 * up in Terraform's own log at the right level. The level comes from
 * TF_LOG_PROVIDER_CORDUM, TF_LOG_PROVIDER or TF_LOG, like every provider;
 * unset or OFF means silent. Nothing is ever written to stdout.
 */
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

const ORDER: Record<LogLevel, number> = { trace: 1, debug: 2, info: 3, warn: 4, error: 5 };
const SECRET_KEYS = /token|secret|password|authorization|private/i;

export interface Logger {
  log(level: LogLevel, message: string, fields?: Record<string, unknown>): void;
  enabled(level: LogLevel): boolean;
}

/** The threshold that Terraform's variables ask for, or undefined when off. */
export function levelFromEnv(env: NodeJS.ProcessEnv): LogLevel | undefined {
  const raw = (env.TF_LOG_PROVIDER_CORDUM ?? env.TF_LOG_PROVIDER ?? env.TF_LOG ?? '')
    .trim()
    .toLowerCase();
  if (raw === 'json') return 'trace';
  if (raw === 'warning') return 'warn';
  return raw in ORDER ? (raw as LogLevel) : undefined;
}

/** Replaces the values of secret-looking keys, at any depth. */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] = SECRET_KEYS.test(key) ? '[redacted]' : redact(v, depth + 1);
  }
  return out;
}

/**
 * A time as go-plugin reads `@timestamp`: exactly six fraction digits
 * (hclog's layout). A line it cannot read is logged whole at DEBUG, so an
 * INFO or WARN line of ours would be missing from TF_LOG=info.
 */
export function hclogTime(at: Date): string {
  return at.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

export function createLogger(
  threshold: LogLevel | undefined,
  write: (line: string) => void = (line) => process.stderr.write(line),
): Logger {
  const min = threshold === undefined ? Infinity : ORDER[threshold];
  return {
    enabled: (level) => ORDER[level] >= min,
    log(level, message, fields = {}) {
      if (ORDER[level] < min) return;
      const entry = {
        '@level': level,
        '@message': message,
        '@module': 'provider.cordum',
        '@timestamp': hclogTime(new Date()),
        ...(redact(fields) as Record<string, unknown>),
      };
      write(`${JSON.stringify(entry)}\n`);
    },
  };
}
