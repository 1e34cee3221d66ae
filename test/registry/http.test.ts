import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/databases.js';
import { createToken } from '../../registry/store/tokens.js';
import { raw, readProblem, startTestRegistry, type TestRegistry } from './helpers.js';

const PROBLEM = 'application/problem+json';

describe.each(backends())('problems and auth ($name)', (backend) => {
  let reg: TestRegistry;

  beforeAll(async () => {
    reg = await startTestRegistry(backend);
  });
  afterAll(async () => {
    await reg?.close();
  });

  it('answers an unknown route with a 404 problem', async () => {
    const res = await raw(reg, '/v1/nothing-here');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain(PROBLEM);
    expect(await readProblem(res)).toEqual({
      type: 'urn:cordum:problem:not_found',
      title: 'Not Found',
      status: 404,
      code: 'not_found',
      detail: 'no route for GET /v1/nothing-here',
    });
  });

  it('answers an unknown pack with pack_not_found', async () => {
    const res = await raw(reg, '/v1/packs/no-such-pack');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain(PROBLEM);
    expect((await readProblem(res)).code).toBe('pack_not_found');
    await expect(reg.admin.getVersion('no-such-pack', '1.0.0')).rejects.toMatchObject({
      code: 'version_not_found', status: 404,
    });
  });

  it('answers a wrong method with a 405 problem and an Allow header', async () => {
    const res = await raw(reg, '/v1/packs', { method: 'DELETE' });
    expect(res.status).toBe(405);
    expect(res.headers.get('content-type')).toContain(PROBLEM);
    expect(res.headers.get('allow')).toBe('HEAD, GET, POST');
    expect(await readProblem(res)).toMatchObject({ code: 'method_not_allowed',
      detail: 'DELETE is not allowed on /v1/packs; allowed: HEAD, GET, POST' });
  });

  it('refuses reads and writes without a token with 401', async () => {
    for (const [path, method] of [['/v1/packs', 'GET'], ['/v1/catalog.json', 'GET'],
      ['/v1/keys', 'POST'], ['/v1/packs', 'POST']] as const) {
      const res = await raw(reg, path, { method }, null);
      expect(res.status, `${method} ${path}`).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="cordum"');
      expect((await readProblem(res)).code).toBe('unauthorized');
    }
    await expect(reg.client().listPacks()).rejects.toMatchObject({ code: 'unauthorized' });
  });

  it('refuses unknown, expired and revoked tokens with token_invalid', async () => {
    const now = reg.clock.now();
    const expired = await createToken(reg.services.db, { publisher: 'alice', scopes: ['read'],
      expiresAt: new Date(now.getTime() - 1000) }, now);
    const revoked = await createToken(reg.services.db, { publisher: 'alice', scopes: ['read'] },
      now);
    await reg.services.db.query('UPDATE registry_tokens SET revoked_at = $2 WHERE id = $1',
      [revoked.id, now]);
    for (const token of ['not-a-token', expired.secret, revoked.secret]) {
      await expect(reg.client(token).listPacks()).rejects.toMatchObject({
        code: 'token_invalid', status: 401,
      });
    }
  });

  it('lets a read-only token read but not publish or add keys', async () => {
    const now = reg.clock.now();
    const reader = await createToken(reg.services.db, { publisher: 'bob', scopes: ['read'] }, now);
    expect(await reg.client(reader.secret).listPacks()).toEqual({ packs: [] });
    await expect(reg.client(reader.secret).addKey('pem')).rejects.toMatchObject({
      code: 'forbidden', status: 403,
    });
    await expect(reg.client(reader.secret).publish(Buffer.from('x'), '{}')).rejects
      .toMatchObject({ code: 'forbidden', status: 403 });
  });

  it('gives every answer a request id', async () => {
    const res = await raw(reg, '/v1/packs', { headers: { 'x-request-id': 'abc-123' } });
    expect(res.headers.get('x-request-id')).toBe('abc-123');
    const line = reg.logs.map((l) => JSON.parse(l)).find((l) => l.request_id === 'abc-123');
    expect(line).toMatchObject({ level: 'info', msg: 'request', method: 'GET',
      path: '/v1/packs', status: 200 });
    expect(reg.logs.join('')).not.toContain('test-admin-token');
  });
});

describe('anonymous reads', () => {
  const backend = backends()[0]!;
  let reg: TestRegistry;

  beforeAll(async () => {
    reg = await startTestRegistry(backend, { anonymousRead: true });
  });
  afterAll(async () => {
    await reg?.close();
  });

  it('serves reads without a token but still needs one to write', async () => {
    expect(await reg.client().listPacks()).toEqual({ packs: [] });
    expect((await reg.client().catalog()).packs).toEqual([]);
    await expect(reg.client().addKey('pem')).rejects.toMatchObject({ code: 'unauthorized' });
    await expect(reg.client().publish(Buffer.from('x'), '{}')).rejects.toMatchObject({
      code: 'unauthorized', status: 401,
    });
  });
});
