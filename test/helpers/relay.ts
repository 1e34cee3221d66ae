/**
 * A TCP relay on loopback to a test's PostgreSQL, for outages made for real:
 * `cut` closes every connection and stops listening (a server gone),
 * `restore` listens again on the same port, `freeze` holds every byte while
 * closing nothing (a frozen server, a dropped route) and `thaw` lets them go.
 */
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';

export interface Relay {
  port: number;
  cut(): Promise<void>;
  restore(): Promise<void>;
  freeze(): void;
  thaw(): void;
}

export async function relayTo(url: URL): Promise<Relay> {
  let frozen = false;
  const sockets = new Set<Socket>();
  const held: (() => void)[] = [];
  const server: Server = createServer((inbound) => {
    const outbound = connect(Number(url.port), url.hostname);
    for (const s of [inbound, outbound]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => sockets.delete(s));
    }
    // A connection made while frozen is accepted and relayed only once thawed.
    const relay = () => inbound.pipe(outbound).pipe(inbound);
    if (frozen) held.push(relay);
    else relay();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    cut: () => new Promise<void>((r) => {
      for (const s of sockets) s.destroy();
      server.close(() => r());
    }),
    restore: () => new Promise<void>((r) => server.listen(port, '127.0.0.1', r)),
    freeze() {
      frozen = true;
      for (const s of sockets) s.pause();
    },
    thaw() {
      frozen = false;
      for (const s of sockets) s.resume();
      for (const relay of held.splice(0)) relay();
    },
  };
}
