import { createServer } from 'node:net';

/**
 * `--port` of the commands that listen (`registry serve`, `engine serve`):
 * digits only, from 0 (a free port) to 65535. Number() alone would take
 * `""` as 0, and `0x50`, `80.0` or `1e3` as other ports than written.
 */
export function portOf(text: string, flag = '--port'): number {
  if (!/^[0-9]{1,9}$/.test(text)) {
    throw Object.assign(new Error(`${flag} must be a whole number, not "${text}"`),
      { code: 'usage' });
  }
  const port = Number(text);
  if (port > 65_535) {
    throw Object.assign(new Error(`${flag} must be from 0 to 65535, not ${port}`),
      { code: 'usage' });
  }
  return port;
}

/**
 * Fails with the listen error (EADDRINUSE: `port_in_use`, EADDRNOTAVAIL:
 * `address_unavailable`, a host that does not resolve) when `host:port`
 * cannot be listened on, by binding it for a moment: a server that opens its
 * database before it listens (seconds for a new PGlite) says so before that,
 * not after. Port 0 (any free port) is never taken, but its host is checked.
 */
export async function assertPortFree(port: number, host: string): Promise<void> {
  const probe = createServer();
  await new Promise<void>((done, fail) => {
    probe.once('error', fail);
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => done()));
  });
}

/**
 * `--host` of the commands that listen: it must name an address. Node listens on every
 * interface for an empty one, so `--host "$UNSET"` would open the server to the network.
 */
export function hostOf(text: string, flag = '--host'): string {
  if (text.trim() === '') {
    throw Object.assign(new Error(`${flag} must name the address to listen on, such as ` +
      `127.0.0.1 (the default) or 0.0.0.0 for every interface, not "${text}"`),
    { code: 'usage' });
  }
  return text;
}
