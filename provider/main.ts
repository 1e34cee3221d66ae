/**
 * The provider process Terraform starts (bundled to dist/provider.js).
 * Started by hand it explains itself and exits 1; started by Terraform it
 * serves until told to shut down. stdout carries the handshake line only.
 */
import { startedByTerraform, NOT_A_COMMAND } from './plugin/handshake.js';
import { createLogger, levelFromEnv } from './plugin/log.js';
import { servePlugin } from './plugin/serve.js';
import { createProviderHandlers } from './framework/server.js';
import { cordumProvider } from './cordum.js';
import { describeError } from './describe_error.js';

if (!startedByTerraform(process.env)) {
  process.stderr.write(NOT_A_COMMAND);
  process.exit(1);
}

// Terraform forwards Ctrl-C to its plugins and then calls StopProvider.
process.on('SIGINT', () => {});

const logger = createLogger(levelFromEnv(process.env));
const handlers = createProviderHandlers(cordumProvider(process.env, logger), logger, describeError);

try {
  const plugin = await servePlugin({
    handlers,
    logger,
    env: process.env,
    writeHandshake: (line) => process.stdout.write(line),
    onStopped: () => {
      logger.log('debug', 'exiting');
      process.exit(0);
    },
  });
  // If Terraform dies without a Shutdown, do not linger as an orphan.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) plugin.stop();
  }, 1000).unref();
  process.on('SIGTERM', () => plugin.stop());
} catch (err) {
  logger.log('error', 'cannot start the provider', { error: String(err) });
  process.stderr.write(`cordum provider: cannot listen: ${String(err)}\n`);
  process.exit(1);
}
