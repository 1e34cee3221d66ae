/**
 * Runs the registry app on a loopback or given address. The public base URL
 * defaults to the address actually bound, so `--port 0` works.
 */
import { createServer, type Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createRegistryApp } from './app.js';
import type { RegistryServices } from './wiring.js';

export interface RunningRegistry {
  url: string;
  server: Server;
  /** Stops accepting, lets requests in flight finish (at most `graceMs`), closes storage. */
  close(graceMs?: number): Promise<void>;
}

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

export function urlOf(address: AddressInfo, scheme = 'http'): string {
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `${scheme}://${host}:${address.port}`;
}

/** How long a client may take: to send its headers, a whole request, between requests. */
export interface ServerTimeouts {
  headersMs: number;
  requestMs: number;
  keepAliveMs: number;
}

// A whole request, including a refused upload being drained, must end in 5 minutes.
export const DEFAULT_TIMEOUTS: ServerTimeouts = {
  headersMs: 20_000,
  requestMs: 300_000,
  keepAliveMs: 5_000,
};

export interface ServerOptions {
  port: number;
  host: string;
  publicUrl?: string;
  /** PEM certificate (chain) and key: serve HTTPS only. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  timeouts?: Partial<ServerTimeouts>;
}

function makeServer(options: ServerOptions): Server {
  const t = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  // Node checks the two timeouts on this interval (30 s by default): keep it finer.
  const settings = { requestTimeout: t.requestMs, headersTimeout: t.headersMs,
    keepAliveTimeout: t.keepAliveMs,
    connectionsCheckingInterval: Math.min(30_000, Math.max(250, t.headersMs / 4)) };
  return options.tls
    ? createTlsServer({ ...settings, cert: options.tls.cert, key: options.tls.key,
      minVersion: 'TLSv1.2' })
    : createServer(settings);
}

export async function startRegistryServer(
  services: RegistryServices,
  options: ServerOptions,
): Promise<RunningRegistry> {
  const server = makeServer(options);
  const address = await listen(server, options.port, options.host);
  const url = urlOf(address, options.tls ? 'https' : 'http');
  // The handler is attached in the same tick as `listening`: no request waits without one.
  const app = createRegistryApp({ ...services, baseUrl: options.publicUrl ?? url });
  server.on('request', app.callback());

  return {
    url,
    server,
    async close(graceMs = 10_000) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const timer = setTimeout(() => server.closeAllConnections(), graceMs);
      await closed;
      clearTimeout(timer);
      await services.close();
    },
  };
}
