/**
 * `cordum provider daemon`: the command body. Starts the warm provider
 * daemon in the foreground, writes the daemon file once it listens and
 * removes it on exit (idle timeout, --stop, SIGTERM or Ctrl-C). Its own
 * logs are JSON lines on stderr; stdout gets the one line saying it is up.
 */
import { runCommand } from '../../cli/output.js';
import { createLogger, type LogLevel } from '../plugin/log.js';
import { buildOf } from '../daemon/build.js';
import { DaemonError } from '../daemon/errors.js';
import {
  daemonFilePath,
  newSecret,
  processAlive,
  readDaemonFile,
  removeDaemonFile,
  writeDaemonFile,
} from '../daemon/file.js';
import { startDaemon } from '../daemon/server.js';
import { stopDaemon } from '../daemon/stop.js';
import { bundledProvider } from './install.js';

export interface DaemonFlags {
  idleTimeout?: string;
  json?: boolean;
  stop?: boolean;
  logLevel?: string;
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** The longest timer Node keeps: past it a timer fires after 1 ms, with a warning. */
const LONGEST_MS = 2 ** 31 - 1;

/**
 * `10m`, `30s`, `1h`, `500ms`; a bare number is seconds. A daemon waits at
 * least 1 ms and at most 596 hours: 0 (which elsewhere in the CLI turns a
 * limit off) and anything past Node's longest timer made it exit at once.
 */
export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!m) {
    throw Object.assign(new Error(`--idle-timeout: "${text}" is not a duration like 10m`), {
      code: 'usage',
    });
  }
  const ms = Math.round(Number(m[1]) * (UNITS[m[2] ?? 's'] as number));
  if (ms < 1 || ms > LONGEST_MS) {
    throw Object.assign(new Error(`--idle-timeout: "${text}" is out of range: give from 1ms ` +
      'to 596h (the daemon exits after that long with no instance)'), { code: 'usage' });
  }
  return ms;
}

const LEVELS: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error'];

function parseLevel(text: string): LogLevel {
  if (!LEVELS.includes(text as LogLevel)) {
    throw Object.assign(new Error(`--log-level: "${text}" is not one of ${LEVELS.join(', ')}`), {
      code: 'usage',
    });
  }
  return text as LogLevel;
}

/** Loads what every instance uses now, so that no instance waits for it. */
async function warmHandlers() {
  const { providerHandlers } = await import('../handlers.js');
  await Promise.all([
    import('../resources/pack_file.js'),
    import('../../packs/documents.js'),
    import('../../packs/schemas.js'),
    import('../../packs/canonical.js'),
    import('../../packs/digest.js'),
  ]);
  return providerHandlers;
}

async function serve(flags: DaemonFlags, idleMs: number) {
  const path = daemonFilePath(process.env);
  // A file that is not a daemon file is replaced like a stale one.
  const running = (() => {
    try {
      return readDaemonFile(path);
    } catch {
      return null;
    }
  })();
  if (running && running.pid !== process.pid && processAlive(running.pid)) {
    throw new DaemonError('daemon_running', `A provider daemon already runs (pid ${running.pid}).`);
  }
  const log = createLogger(parseLevel(flags.logLevel ?? 'info'));
  const secret = newSecret();
  const handlersFor = await warmHandlers();

  let exiting = false;
  const exit = (reason: string) => {
    if (exiting) return;
    exiting = true;
    log.log('info', 'provider daemon exiting', { reason });
    removeDaemonFile(path, process.pid);
    void daemon.close().finally(() => process.exit(0));
    // Instances were told to stop; do not wait on a launcher that hangs on.
    setTimeout(() => process.exit(0), 2000).unref();
  };
  const daemon = await startDaemon({
    secret,
    build: buildOf(bundledProvider()),
    handlersFor,
    log,
    idleMs,
    onIdle: () => exit('idle'),
    onStopRequest: () => exit('stop requested'),
  });
  writeDaemonFile(path, { port: daemon.port, secret, pid: process.pid });
  process.on('exit', () => removeDaemonFile(path, process.pid));
  process.on('SIGTERM', () => exit('SIGTERM'));
  process.on('SIGINT', () => exit('SIGINT'));
  // An error one instance did not catch is logged; the other instances serve on.
  process.on('uncaughtException', (err) => log.log('error', 'uncaught', { error: String(err) }));
  process.on('unhandledRejection', (err) => log.log('error', 'unhandled', { error: String(err) }));
  log.log('info', 'provider daemon listening', { port: daemon.port, file: path });
  return { port: daemon.port, pid: process.pid, file: path, idle_timeout_ms: idleMs };
}

export async function runDaemon(flags: DaemonFlags): Promise<void> {
  // The flags first, with --stop too: a bad value is the usage error, whatever runs.
  const checked = () => {
    parseLevel(flags.logLevel ?? 'info');
    return parseDuration(flags.idleTimeout ?? '10m');
  };
  if (flags.stop) {
    await runCommand(
      flags,
      () => {
        checked();
        if (flags.idleTimeout !== undefined) {
          throw new DaemonError('usage', '--idle-timeout sets how long a starting daemon ' +
            'waits; --stop stops the running one: drop one of the two');
        }
        return stopDaemon(daemonFilePath(process.env));
      },
      (r) => `stopped the provider daemon (pid ${r.pid})`,
    );
    return;
  }
  await runCommand(
    flags,
    () => serve(flags, checked()),
    (r) =>
      `cordum provider daemon: listening on 127.0.0.1:${r.port} (pid ${r.pid}); ` +
      `daemon file ${r.file}; exits after ${r.idle_timeout_ms / 1000} s with no instance`,
  );
}
