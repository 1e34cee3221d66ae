/**
 * A real Verdaccio 6.8 in this process on 127.0.0.1, with a temporary
 * storage folder and htpasswd users, optionally with one uplink (our
 * registry's `/npm/`) for `@cordum-packs/*`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runServer } from 'verdaccio';

export interface RunningVerdaccio {
  /** Base URL with a trailing slash, as npm wants it. */
  url: string;
  storage: string;
  /** Adds an htpasswd user and answers its token. */
  addUser(name: string, password: string): Promise<string>;
  close(): Promise<void>;
}

export async function startVerdaccio(uplink?: { url: string; token: string })
  : Promise<RunningVerdaccio> {
  const dir = mkdtempSync(join(tmpdir(), 'cordum-verdaccio-'));
  const scoped = uplink
    ? { access: '$all', publish: '$authenticated', proxy: 'cordum' }
    : { access: '$authenticated', publish: '$authenticated' };
  const config = {
    self_path: join(dir, 'config.yaml'),
    storage: join(dir, 'storage'),
    auth: { htpasswd: { file: join(dir, 'htpasswd'), max_users: 10 } },
    uplinks: uplink
      ? { cordum: { url: uplink.url, auth: { type: 'bearer', token: uplink.token },
        timeout: '10s', cache: true } }
      : {},
    packages: { '@cordum-packs/*': scoped, '**': { access: '$all', publish: '$authenticated' } },
    log: { type: 'stdout', format: 'json', level: process.env.VERDACCIO_LOG ?? 'error' },
    web: { enable: false },
  };
  const server = (await runServer(config as unknown as Parameters<typeof runServer>[0])) as Server;
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return {
    url,
    storage: join(dir, 'storage'),
    async addUser(name, password) {
      const res = await fetch(`${url}-/user/org.couchdb.user:${name}`, {
        method: 'PUT', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name, password }),
      });
      const body = (await res.json()) as { token?: string };
      if (res.status !== 201 || !body.token) throw new Error(`adduser ${name}: ${res.status}`);
      return body.token;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A temporary npm userconfig pointing at `registry` with a token for it. */
export function npmUserConfig(registry: string, token?: string): string {
  const host = registry.replace(/^https?:/, '');
  const lines = [`registry=${registry}`, 'audit=false', 'fund=false', 'update-notifier=false'];
  if (token) lines.push(`${host}:_authToken=${token}`);
  return `${lines.join('\n')}\n`;
}
