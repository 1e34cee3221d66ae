/**
 * Runs the registry app on a loopback or given address. The public base URL
 * defaults to the address actually bound, so `--port 0` works.
 */
import { createServer, type Server } from 'node:http';
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

export function urlOf(address: AddressInfo): string {
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

export async function startRegistryServer(
  services: RegistryServices,
  options: { port: number; host: string; publicUrl?: string },
): Promise<RunningRegistry> {
  // A whole request, including a refused upload being drained, must end in 5 minutes.
  const server = createServer({ requestTimeout: 300_000 });
  const address = await listen(server, options.port, options.host);
  const url = urlOf(address);
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
