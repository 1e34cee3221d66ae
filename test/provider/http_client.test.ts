/**
 * The registry client against a real loopback server answering as told:
 * every status becomes the ProviderError code and hint a Terraform user
 * sees, reads that find nothing answer null, uploads are well-formed
 * multipart, a read that met a passing 503 is tried once more, and a create
 * whose connection dropped is never sent again.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryApi } from '../../provider/clients/registry.js';
import { ProviderError } from '../../provider/errors.js';

type Reply = (req: IncomingMessage, body: Buffer, res: ServerResponse) => void;
let reply: Reply = (_req, _body, res) => res.end();
let hits = 0;
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    hits += 1;
    reply(req, Buffer.concat(chunks), res);
  });
});
let api: RegistryApi;

const problem =
  (status: number, code: string, detail: string): Reply =>
  (_q, _b, res) => {
    res.writeHead(status, { 'content-type': 'application/problem+json' });
    res.end(JSON.stringify({ code, title: 't', status, detail }));
  };

beforeAll(async () => {
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  api = new RegistryApi({
    baseUrl: `http://127.0.0.1:${port}`,
    token: 'secret',
    timeoutMs: 2000,
    userAgent: 'test',
  });
});

afterAll(() => {
  server.close();
});

describe('registry errors as ProviderErrors', () => {
  const cases = [
    { status: 400, code: 'semver_invalid', want: 'registry_invalid_request', hint: '' },
    { status: 401, code: 'unauthorized', want: 'registry_unauthorized', hint: 'CORDUM_TOKEN' },
    { status: 403, code: 'forbidden', want: 'registry_forbidden', hint: 'scopes' },
    { status: 409, code: 'version_exists', want: 'registry_conflict', hint: 'terraform import' },
    { status: 422, code: 'validation_failed', want: 'registry_invalid_request', hint: '' },
    { status: 500, code: 'internal', want: 'registry_server_error', hint: 'try again' },
  ] as const;
  it.each(cases)('$status $code → $want', async ({ status, code, want, hint }) => {
    reply = problem(status, code, 'what went wrong');
    const err = await api.catalog().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    const e = err as ProviderError;
    expect(e.code).toBe(want);
    expect(e.remoteCode).toBe(code);
    expect(e.status).toBe(status);
    expect(e.message).toContain(`(${status} [${code}]): what went wrong`);
    expect(e.hint).toContain(hint);
  });
});

describe('requests', () => {
  it('answers null for a read that finds nothing', async () => {
    reply = (req, body, res) => {
      if (req.url !== '/v1/health') return problem(404, 'key_not_found', 'no such key')(req,
        body, res);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'ok', database: 'pglite' }));
    };
    expect(await api.key('abc')).toBeNull();
  });

  // A base URL that is not the registry's answers 404 to everything: taken as "gone", refresh
  // dropped every object from state and destroy reported live objects deleted.
  it.each([
    ['a path the registry does not serve', problem(404, 'not_found', 'no route for GET /x')],
    ['another server', ((_q, _b, res) => res.writeHead(404).end('<h1>Not Found</h1>')) as Reply],
  ])('refuses a 404 as "gone" from %s', async (_what, answer) => {
    reply = answer;
    const fresh = new RegistryApi({ baseUrl: `${api.baseUrl}/x`, timeoutMs: 2000,
      userAgent: 'test' });
    for (const call of [() => fresh.token('tok_1'), () => fresh.revokeToken('tok_1')]) {
      const err = (await call().catch((e: unknown) => e)) as ProviderError;
      expect(err).toBeInstanceOf(ProviderError);
      expect(err.code).toBe('config_invalid');
      expect(err.message).toContain('/x answered 404 to ');
      expect(err.message).toContain('its health check GET /x/v1/health answered 404');
      expect(err.hint).toContain('registry_url (or CORDUM_REGISTRY)');
    }
  });

  it('sends the token and uploads both parts as multipart/form-data', async () => {
    let seen: { auth?: string; type?: string; body?: string } = {};
    reply = (req, body, res) => {
      seen = {
        auth: req.headers.authorization,
        type: req.headers['content-type'],
        body: body.toString(),
      };
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: 'p', version: '1.0.0' }));
    };
    const out = await api.publish(Buffer.from('TGZ'), Buffer.from('{"b":1}'), 'p-1.0.0.tgz');
    expect(out).toMatchObject({ id: 'p', version: '1.0.0' });
    expect(seen.auth).toBe('Bearer secret');
    const boundary = /boundary=(\S+)/.exec(seen.type ?? '')?.[1];
    expect(boundary).toBeTruthy();
    expect(seen.body).toContain(
      'name="tarball"; filename="p-1.0.0.tgz"\r\nContent-Type: application/gzip\r\n\r\nTGZ\r\n',
    );
    expect(seen.body).toContain('name="bundle"; filename="p-1.0.0.tgz.sigstore.json"');
    expect(seen.body?.endsWith(`--${boundary}--\r\n`)).toBe(true);
  });

  it('tries a read once more after a 503, but not a write', async () => {
    let calls = 0;
    reply = (_req, _body, res) => {
      calls += 1;
      if (calls === 1) return problem(503, 'internal', 'starting')(_req, _body, res);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ updated_at: 'now', packs: [] }));
    };
    expect((await api.catalog()).packs).toEqual([]);
    expect(calls).toBe(2);

    calls = 0;
    reply = (req, body, res) => {
      calls += 1;
      problem(503, 'internal', 'starting')(req, body, res);
    };
    await expect(api.setYanked('p', '1.0.0', true)).rejects.toThrow('(503 [internal])');
    expect(calls).toBe(1);
  });

  it('never sends a create twice when the connection drops after the request went out',
    async () => {
    let creates = 0;
    reply = (req, _body, res) => {
      if (req.method === 'POST') creates += 1;
      // The registry made the token, then the connection reset before the answer.
      res.socket?.destroy();
    };
    const err = (await api
      .createToken({ name: 'ci', scopes: ['read'], expires_at: null })
      .catch((e: unknown) => e)) as ProviderError;
    expect(err).toBeInstanceOf(ProviderError);
    expect(err.code).toBe('registry_unreachable');
    expect(err.hint).toContain('may have made the object');
    expect(creates).toBe(1);

    // A replacing write is sent again: doing it twice is doing it once.
    let puts = 0;
    reply = (_req, _body, res) => {
      puts += 1;
      if (puts === 1) return void res.socket?.destroy();
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ yanked: true }));
    };
    expect(await api.setYanked('p', '1.0.0', true)).toEqual({ yanked: true });
    expect(puts).toBe(2);

    // Dropped again on the retry: the change may have been made, and it says so.
    puts = 0;
    reply = (_req, _body, res) => {
      puts += 1;
      res.socket?.destroy();
    };
    const lost = (await api.setYanked('p', '1.0.0', true).catch((e: unknown) => e)) as
      ProviderError;
    expect(puts).toBe(2);
    expect(lost.message).toMatch(/^Lost the connection to the registry at \S+ during PUT /);
    expect(lost.message).toContain('during PUT /v1/packs/p/versions/1.0.0/yank: ');
    expect(lost.hint).toContain('may have made the change: the next plan shows what it holds');
  });

  // Terraform refreshes ten objects at once: a registry with a low --rate-limit-token refused
  // some with 429, and the plan failed on the first.
  it('waits as a 429 asks and sends the request again, a create too', async () => {
    const seen: string[] = [];
    reply = (req, _body, res) => {
      seen.push(req.method ?? '');
      if (seen.length <= 2) {
        res.writeHead(429, { 'content-type': 'application/problem+json', 'retry-after': '1' });
        return void res.end(JSON.stringify({ code: 'rate_limited', status: 429,
          detail: 'too many requests from this token; retry in 1 s' }));
      }
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: 'tok_1', name: 'ci', scopes: ['read'] }));
    };
    const started = Date.now();
    const made = await api.createToken({ name: 'ci', scopes: ['read'], expires_at: null });
    expect(made).toMatchObject({ id: 'tok_1' });
    expect(seen).toEqual(['POST', 'POST', 'POST']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
  });

  it('gives up on a registry that keeps answering 429, saying what to do', async () => {
    let calls = 0;
    reply = (_req, _body, res) => {
      calls += 1;
      res.writeHead(429, { 'content-type': 'application/problem+json', 'retry-after': '0' });
      res.end(JSON.stringify({ code: 'rate_limited', status: 429, detail: 'slow down' }));
    };
    const err = (await api.key('k').catch((e: unknown) => e)) as ProviderError;
    expect(calls).toBe(6);
    expect(err.code).toBe('registry_rate_limited');
    expect(err.message).toContain('(429 [rate_limited]): slow down');
    expect(err.hint).toContain('lower -parallelism');
  }, 15_000);

  // A 301 said "The registry refused GET /v1/... (301): ." and nothing of where it pointed.
  it.each([
    ['', 'https://registry.example/v1/keys/k', '"https://registry.example"'],
    ['/cordum', 'https://registry.example/cordum/v1/keys/k', '"https://registry.example/cordum"'],
    ['', '/elsewhere', "the registry's own address"],
  ])('names where a redirect leads, base path %j', async (basePath, location, use) => {
    let calls = 0;
    reply = (_req, _body, res) => {
      calls += 1;
      res.writeHead(301, { location }).end();
    };
    const moved = new RegistryApi({ baseUrl: `${api.baseUrl}${basePath}`, timeoutMs: 2000,
      userAgent: 'test' });
    const err = (await moved.key('k').catch((e: unknown) => e)) as ProviderError;
    expect(calls).toBe(1);
    expect(err.code).toBe('config_invalid');
    expect(err.message).toContain(`answered GET ${basePath}/v1/keys/k with a redirect (301) to `);
    expect(err.message).toContain('does not follow redirects');
    expect(err.hint).toBe(`Set registry_url (or CORDUM_REGISTRY) to ${use}.`);
  });

  it('says a 200 that is not JSON comes from something else than a registry', async () => {
    reply = (_req, _body, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html>\n<html><head><title>Welcome</title></head><body>app</body></html>');
    };
    const err = (await api.catalog().catch((e: unknown) => e)) as ProviderError;
    expect(err).toBeInstanceOf(ProviderError);
    expect(err.code).toBe('config_invalid');
    expect(err.message).toBe(`${api.baseUrl} answered GET /v1/catalog.json (200) with something ` +
      'other than JSON ("<!doctype html> <html><head><title>Welcome</title></head><bo..."), so ' +
      'it is not a Cordum registry.');
    expect(err.hint).toContain('registry_url (or CORDUM_REGISTRY)');
  });

  it('says the status of an error answer with an empty body', async () => {
    reply = (_req, _body, res) => void res.writeHead(502).end();
    const err = (await api.setYanked('p', '1.0.0', true).catch((e: unknown) => e)) as
      ProviderError;
    expect(err.message).toMatch(/\(502\): status 502\.$/);
  });

  it('names the deadline when the registry is too slow', async () => {
    const before = hits;
    reply = () => undefined;
    const slow = new RegistryApi({ baseUrl: api.baseUrl, timeoutMs: 200, userAgent: 'test' });
    const err = (await slow.key('k').catch((e: unknown) => e)) as ProviderError;
    expect(err.code).toBe('registry_timeout');
    expect(err.message).toContain('within 0.2 s');
    expect(err.hint).toBe('Try again, or raise `timeout_seconds` in the provider block.');
    expect(hits).toBeGreaterThan(before);
  });

  // The registry got the create and made the token, only too slowly: "try again" made another.
  it.each([
    ['a create', (a: RegistryApi) => a.createToken({ name: 'ci', scopes: ['read'],
      expires_at: null }), 'made the object: look for it before applying again'],
    ['a create-only write', (a: RegistryApi) => a.putDeployment('prod', { tenant: 'default',
      description: '', packs: [] }, true),
    'made the object: if the next apply says it exists already'],
    ['a replacing write', (a: RegistryApi) => a.setYanked('p', '1.0.0', true),
      'made the change: the next plan shows what it holds'],
  ])('says %s that timed out may have been made', async (_what, call, says) => {
    let received = 0;
    reply = () => void (received += 1);
    const slow = new RegistryApi({ baseUrl: api.baseUrl, timeoutMs: 200, userAgent: 'test' });
    const err = (await call(slow).catch((e: unknown) => e)) as ProviderError;
    expect(err.code).toBe('registry_timeout');
    expect(err.hint).toContain(`may have reached it before the deadline, so the registry may ` +
      `have ${says}`);
    expect(err.hint).not.toContain('Try again');
    expect(received).toBe(1);
  });
});
