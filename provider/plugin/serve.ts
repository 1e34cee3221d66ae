/**
 * Serves a provider the way go-plugin expects: gRPC on a fresh Unix socket,
 * mutual TLS when Terraform asks for it (PLUGIN_CLIENT_CERT), the handshake
 * line on stdout, Ctrl-C ignored (Terraform sends StopProvider instead), and
 * a prompt exit once the controller's Shutdown has been answered.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { Http2Session } from 'node:http2';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Handler } from '../framework/server.js';
import { descriptor } from '../proto/descriptor.js';
import { makeServerCertificate } from './certificate.js';
import { createGrpcServer, loadMethods, type UnaryHandler } from './grpc_server.js';
import { handshakeLine } from './handshake.js';
import type { Logger } from './log.js';

export interface ServeOptions {
  handlers: Record<string, Handler>;
  logger: Logger;
  env: NodeJS.ProcessEnv;
  /** Where the handshake line goes (stdout). */
  writeHandshake: (line: string) => void;
  /** Called once the server has stopped; the process should then exit. */
  onStopped: () => void;
}

export interface RunningPlugin {
  address: string;
  stop(): void;
}

const SHUTDOWN = '/plugin.GRPCController/Shutdown';

let methods: ReturnType<typeof loadMethods> | undefined;
/**
 * Every RPC's message types, built once per process (about 2 ms): after the
 * handshake line, while Terraform connects, or by the first call.
 */
function methodTable() {
  return (methods ??= loadMethods(descriptor));
}

export function servePlugin(options: ServeOptions): Promise<RunningPlugin> {
  const socketDir = mkdtempSync(join(tmpdir(), 'cordum-provider-'));
  const address = join(socketDir, 'plugin.sock');

  const handlers = new Map<string, UnaryHandler>();
  for (const [name, handler] of Object.entries(options.handlers)) {
    handlers.set(`/tfplugin6.Provider/${name}`, (req) => handler(req as never) as Promise<never>);
  }
  handlers.set(SHUTDOWN, async () => {
    options.logger.log('debug', 'shutdown requested');
    return {};
  });

  const clientCa = options.env.PLUGIN_CLIENT_CERT;
  const own = clientCa ? makeServerCertificate() : undefined;
  const sessions = new Set<Http2Session>();
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    // Terraform is done with us; a provider slow to exit is killed after a grace period.
    for (const session of sessions) session.destroy();
    server.close();
    rmSync(socketDir, { recursive: true, force: true });
    options.onStopped();
  };

  const server = createGrpcServer({
    methods: methodTable,
    handlers,
    ...(own && clientCa ? { tls: { key: own.keyPem, cert: own.certPem, clientCa } } : {}),
    onAnswered: (path) => {
      if (path === SHUTDOWN) stop();
    },
  });
  server.on('session', (session: Http2Session) => {
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
  });

  return new Promise((resolve, reject) => {
    server.once('error', (err) => {
      rmSync(socketDir, { recursive: true, force: true });
      reject(err);
    });
    server.listen(address, () => {
      options.writeHandshake(handshakeLine('unix', address, own?.der));
      options.logger.log('debug', 'plugin listening', { address, tls: own !== undefined });
      setImmediate(methodTable);
      resolve({ address, stop });
    });
  });
}
