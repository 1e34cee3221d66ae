/**
 * One provider instance on a launcher's connection: the same plugin server
 * a cold provider process runs, with the environment and folder the
 * launcher sent. The handshake line and the instance's log lines go down
 * the connection (the launcher relays them to its stdout and stderr); a
 * Shutdown ends the connection, and a closed connection (Terraform killed
 * the launcher) stops the instance.
 */
import type { Socket } from 'node:net';
import type { Handler } from '../framework/server.js';
import { createLogger, levelFromEnv, type Logger } from '../plugin/log.js';
import { servePlugin, type RunningPlugin } from '../plugin/serve.js';
import { DaemonError } from './errors.js';
import { processAlive } from './file.js';
import type { InstanceRequest } from './request.js';

/** Builds a fresh provider for one instance (handlers.ts's providerHandlers). */
export type HandlersFor = (
  env: NodeJS.ProcessEnv,
  logger: Logger,
  cwd: string,
) => Record<string, Handler>;

export interface Instance {
  plugin: RunningPlugin;
  /** Resolves once the instance has stopped, for whatever reason. */
  stopped: Promise<void>;
}

export async function startInstance(
  socket: Socket,
  request: InstanceRequest,
  handlersFor: HandlersFor,
): Promise<Instance> {
  const write = (line: string) => {
    if (!socket.destroyed && socket.writable) socket.write(line);
  };
  const logger = createLogger(levelFromEnv(request.env), write);
  let done: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => (done = resolve));

  let plugin: RunningPlugin;
  try {
    plugin = await servePlugin({
      handlers: handlersFor(request.env, logger, request.cwd),
      logger,
      env: request.env,
      writeHandshake: write,
      onStopped: () => {
        logger.log('debug', 'instance stopped');
        socket.end();
        done();
      },
    });
  } catch (err) {
    throw new DaemonError('instance_failed', `The instance cannot start: ${String(err)}`, {
      cause: err,
    });
  }
  // The launcher is gone (Shutdown answered, or Terraform killed it): stop serving.
  socket.once('close', () => plugin.stop());
  if (socket.destroyed) plugin.stop();
  // Terraform died without a Shutdown: do not linger (a cold provider checks its ppid).
  const watch = setInterval(() => {
    if (!processAlive(request.parentPid)) plugin.stop();
  }, 1000);
  void stopped.then(() => clearInterval(watch));
  return { plugin, stopped };
}
