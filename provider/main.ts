/**
 * The provider process Terraform starts (bundled to dist/provider.cjs).
 * Started by hand it explains itself and exits 1; started by Terraform it
 * serves until told to shut down. stdout carries the handshake line only.
 *
 * Terraform starts several of these per command and waits for each one's
 * handshake line, so this file loads only the plugin plumbing; the
 * provider itself (handlers.ts: schemas, resources, the registry client)
 * starts loading once the line is out and is awaited by the first RPC.
 */
import { startedByTerraform, NOT_A_COMMAND } from './plugin/handshake.js';
import { createLogger, levelFromEnv, type Logger } from './plugin/log.js';
import { servePlugin, type RunningPlugin } from './plugin/serve.js';
import type { Handler } from './framework/server.js';
import { RPC_NAMES } from './framework/rpc_names.js';

/** One handler per RPC, each waiting for the provider to load on first use. */
function lazyHandlers(logger: Logger): { handlers: Record<string, Handler>; load(): void } {
  let loaded: Promise<Record<string, Handler>> | undefined;
  const load = () =>
    (loaded ??= import('./handlers.js').then((m) => m.providerHandlers(process.env, logger)));
  const handlers: Record<string, Handler> = {};
  for (const name of RPC_NAMES) {
    handlers[name] = async (request: never) => {
      const handler = (await load())[name];
      if (!handler) throw new Error(`no handler for ${name}`);
      return handler(request);
    };
  }
  // A failed load is reported by each RPC that awaits it; the prefetch only starts it.
  return { handlers, load: () => void load().catch(() => undefined) };
}

function main(): void {
  if (!startedByTerraform(process.env)) {
    process.stderr.write(NOT_A_COMMAND);
    process.exit(1);
  }
  // Terraform forwards Ctrl-C to its plugins and then calls StopProvider.
  process.on('SIGINT', () => {});

  const logger = createLogger(levelFromEnv(process.env));
  const provider = lazyHandlers(logger);
  // Listening before the handshake line: Terraform may stop us the moment it
  // has read it, and a default SIGTERM would leave the socket's folder behind.
  let running: RunningPlugin | undefined;
  let terminated = false;
  process.on('SIGTERM', () => {
    terminated = true;
    running?.stop();
  });
  servePlugin({
    handlers: provider.handlers,
    logger,
    env: process.env,
    writeHandshake: (line) => process.stdout.write(line),
    onStopped: () => {
      logger.log('debug', 'exiting');
      process.exit(0);
    },
  }).then(
    (plugin) => {
      running = plugin;
      if (terminated) return plugin.stop();
      // The first RPC follows within milliseconds: start loading now.
      setImmediate(provider.load);
      // If Terraform dies without a Shutdown, do not linger as an orphan.
      const parent = process.ppid;
      setInterval(() => {
        if (process.ppid !== parent) plugin.stop();
      }, 1000).unref();
    },
    (err: unknown) => {
      logger.log('error', 'cannot start the provider', { error: String(err) });
      process.stderr.write(`cordum provider: cannot listen: ${String(err)}\n`);
      process.exit(1);
    },
  );
}

main();
