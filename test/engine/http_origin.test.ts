/**
 * The engine's HTTP servers answer no browser made to call them by another
 * site: a foreign Origin (a page elsewhere posting a run or an approval
 * without a preflight) and, on loopback, a Host that is not a loopback name
 * (DNS rebinding) are refused before any route runs. Servers, the CLI and
 * curl send neither, and a proxy's own name can be allowed.
 */
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { sendJson, type EngineRoute } from '../../engine/http/route.js';
import { startRouteServer, type RunningRouteServer } from '../../engine/kernel/http_server.js';

let calls = 0;
const ROUTES: EngineRoute[] = [
  { method: 'POST', path: '/v1/runs', handle: ({ res }) => {
    calls++;
    sendJson(res, 202, { ok: true });
  } },
];

/** A raw request, so Host and Origin are exactly what the test says. */
function send(url: string, headers: Record<string, string>) {
  const { port } = new URL(url);
  return new Promise<{ status: number; body: { code?: string; detail?: string } }>((done, fail) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/v1/runs',
      headers: { 'content-type': 'text/plain', ...headers } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => done({ status: res.statusCode!, body: JSON.parse(text) }));
    });
    req.on('error', fail);
    req.end('{"workflow_id":"x"}');
  });
}

describe('requests another site makes a browser send', () => {
  let server: RunningRouteServer | undefined;
  afterEach(async () => {
    await server?.close();
    delete process.env.CORDUM_ENGINE_ALLOWED_HOSTS;
  });

  it('refuses a foreign Origin and a Host that is not loopback, before the route', async () => {
    server = await startRouteServer(ROUTES);
    const { port } = new URL(server.url);
    calls = 0;
    const foreign = await send(server.url, { origin: 'http://evil.example' });
    expect([foreign.status, foreign.body.code]).toEqual([403, 'origin_refused']);
    const sandboxed = await send(server.url, { origin: 'null' });
    expect([sandboxed.status, sandboxed.body.code]).toEqual([403, 'origin_refused']);
    const rebound = await send(server.url, { host: `rebind.attacker.example:${port}` });
    expect([rebound.status, rebound.body.code]).toEqual([403, 'host_refused']);
    // A rebinding page is its own origin: Origin and Host agree, and Host still refuses it.
    const both = await send(server.url, { host: `rebind.attacker.example:${port}`,
      origin: `http://rebind.attacker.example:${port}` });
    expect(both.body.code).toBe('host_refused');
    expect(calls).toBe(0);
  });

  it('answers clients that send no Origin, its own origin, and loopback names', async () => {
    server = await startRouteServer(ROUTES);
    const { port } = new URL(server.url);
    calls = 0;
    const asked: Record<string, string>[] = [{}, { host: `localhost:${port}` },
      { host: `[::1]:${port}` }, { origin: `http://127.0.0.1:${port}` }];
    for (const headers of asked) {
      expect((await send(server.url, headers)).status).toBe(202);
    }
    expect(calls).toBe(4);
  });

  it('answers a proxy name listed in CORDUM_ENGINE_ALLOWED_HOSTS', async () => {
    process.env.CORDUM_ENGINE_ALLOWED_HOSTS = 'engine.internal, other.example:8080';
    server = await startRouteServer(ROUTES);
    expect((await send(server.url, { host: 'Engine.Internal' })).status).toBe(202);
    expect((await send(server.url, { host: 'other.example:8080' })).status).toBe(202);
    expect((await send(server.url, { host: 'other.example' })).body.code).toBe('host_refused');
  });
});
