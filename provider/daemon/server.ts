/**
 * The warm provider daemon: a loopback TCP server that starts a fresh,
 * independent provider instance for each launcher that presents the secret
 * of the daemon file, and stops it when that launcher's connection closes.
 * Everything that goes wrong with one connection stays with it: it is
 * answered with one refusal line and closed, and the daemon serves on.
 */
import net from 'node:net';
import { resolve } from 'node:path';
import { startedByTerraform } from '../plugin/handshake.js';
import type { Logger } from '../plugin/log.js';
import { launcherBuilds } from './build.js';
import { DaemonError } from './errors.js';
import { startInstance, type HandlersFor } from './instance.js';
import { readRequest, type DaemonRequest, type InstanceRequest } from './request.js';

export interface DaemonOptions {
  secret: string;
  /** The build this daemon serves (buildOf its own provider.cjs). */
  build: string;
  handlersFor: HandlersFor;
  /** The daemon's own log (never an instance's connection). */
  log: Logger;
  /** With no instance for this long, `onIdle` is called. */
  idleMs: number;
  onIdle: () => void;
  /** A launcher-side `cordum provider daemon --stop`. */
  onStopRequest: () => void;
  port?: number;
  /** How long a launcher may take to send its request. */
  requestTimeoutMs?: number;
}

export interface RunningDaemon {
  port: number;
  /** Instances being served now. */
  instances(): number;
  close(): Promise<void>;
}

export const REFUSAL_PREFIX = 'cordum-provider-daemon: refused';

/** Answers one refusal line and closes; the daemon logs why. */
function refuse(socket: net.Socket, err: unknown, log: Logger): void {
  const e = err instanceof DaemonError ? err : new DaemonError('instance_failed', String(err));
  log.log('warn', 'request refused', { code: e.code, error: e.message });
  if (!socket.destroyed) socket.end(`${REFUSAL_PREFIX} [${e.code}]: ${e.message}\n`);
}

export function startDaemon(options: DaemonOptions): Promise<RunningDaemon> {
  const builds = launcherBuilds();
  const live = new Set<{ stop(): void }>();
  const sockets = new Set<net.Socket>();
  let idle: NodeJS.Timeout | undefined;
  const armIdle = () => {
    clearTimeout(idle);
    if (live.size === 0) idle = setTimeout(options.onIdle, options.idleMs);
  };

  const serve = async (socket: net.Socket, request: InstanceRequest) => {
    if (!startedByTerraform(request.env)) {
      throw new DaemonError('not_terraform', 'The launcher was not started by Terraform.');
    }
    // Terraform may run the launcher by a path relative to its folder.
    if (builds(resolve(request.cwd, request.launcherDir)) !== options.build) {
      throw new DaemonError('build_mismatch', `${request.launcherDir} is another build.`);
    }
    const instance = await startInstance(socket, request, options.handlersFor);
    live.add(instance.plugin);
    clearTimeout(idle);
    options.log.log('debug', 'instance started', { cwd: request.cwd, live: live.size });
    await instance.stopped;
    live.delete(instance.plugin);
    options.log.log('debug', 'instance stopped', { live: live.size });
    armIdle();
  };

  const answer = (socket: net.Socket, request: DaemonRequest) => {
    if (request.kind === 'stop') {
      socket.end('stopping\n');
      options.onStopRequest();
      return Promise.resolve();
    }
    return serve(socket, request);
  };

  const server = net.createServer((socket) => {
    socket.setNoDelay(true);
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    readRequest(socket, options.secret, options.requestTimeoutMs ?? 5000)
      .then((request) => answer(socket, request))
      .catch((err: unknown) => refuse(socket, err, options.log));
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      const address = server.address() as net.AddressInfo;
      armIdle();
      resolve({
        port: address.port,
        instances: () => live.size,
        close: () =>
          new Promise<void>((done) => {
            clearTimeout(idle);
            for (const plugin of [...live]) plugin.stop();
            server.close(() => done());
            // Launchers got their end of stream; one that hangs on is cut off.
            for (const socket of sockets) socket.destroySoon();
          }),
      });
    });
  });
}
