/**
 * The audit log: every write and every denied request is recorded with its
 * actor, action, target, result and request id, and exported as JSON
 * lines, CSV and CEF to admins only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/databases.js';
import { formatAudit } from '../../registry/audit/formats.js';
import type { AuditRecord } from '../../registry/audit/store.js';
import { createToken } from '../../registry/store/tokens.js';
import {
  publishForm, raw, registeredKey, signedFixture, startTestRegistry, type TestRegistry,
} from './helpers.js';

describe.each(backends())('the audit log ($name)', (backend) => {
  let reg: TestRegistry;
  let reader: { id: string; secret: string };
  let keyId: string;

  beforeAll(async () => {
    reg = await startTestRegistry(backend);
    reader = await createToken(reg.services.db, { publisher: 'bob', scopes: ['read'] },
      reg.clock.now());
    const key = await registeredKey(reg);
    keyId = key.keyId;
    const pack = await signedFixture('hello-pack', key);
    const form = () => publishForm({ tarball: pack.tgz, bundle: pack.bundle });
    const publish = (token: string | null, id: string) => raw(reg, '/v1/packs',
      { method: 'POST', body: form(), headers: { 'x-request-id': id } }, token);
    expect((await publish(undefined as unknown as string, 'req-publish')).status).toBe(201);
    expect((await publish(undefined as unknown as string, 'req-again')).status).toBe(409);
    expect((await publish(null, 'req-anonymous')).status).toBe(401);
    expect((await publish(reader.secret, 'req-reader')).status).toBe(403);
    expect((await raw(reg, '/v1/packs', { headers: { 'x-request-id': 'req-read' } })).status)
      .toBe(200);
  });
  afterAll(async () => {
    await reg?.close();
  });

  async function records(): Promise<AuditRecord[]> {
    const res = await raw(reg, '/v1/audit?format=jsonl');
    expect(res.headers.get('content-type')).toBe('application/x-ndjson');
    return (await res.text()).trim().split('\n').map((l) => JSON.parse(l) as AuditRecord);
  }

  it('records writes and denials with actor, action, target, result and request id', async () => {
    const all = await records();
    const admin = all.find((r) => r.request_id === 'req-publish')!.actor;
    expect(admin).toMatch(/^tok_/);
    const byId = (id: string) => all.find((r) => r.request_id === id);
    expect(all.map((r) => r.action)).toEqual(['key.add', 'pack.publish', 'pack.publish',
      'pack.publish', 'pack.publish']);
    // The key a key.add registered is in the body, not the path: the record names it.
    expect(all[0]).toMatchObject({ action: 'key.add', target: keyId, result: 'ok' });
    expect(byId('req-publish')).toMatchObject({ actor: admin, publisher: 'default',
      action: 'pack.publish', target: 'hello-pack@0.1.0', result: 'ok', status: 201, code: null,
      method: 'POST', path: '/v1/packs', address: '127.0.0.1', at: '2025-01-02T03:04:05.000Z' });
    expect(byId('req-again')).toMatchObject({ result: 'failed', status: 409,
      code: 'version_exists', target: '/v1/packs' });
    expect(byId('req-anonymous')).toMatchObject({ actor: 'anonymous', publisher: null,
      result: 'denied', status: 401, code: 'unauthorized', target: '/v1/packs' });
    expect(byId('req-reader')).toMatchObject({ actor: reader.id, publisher: 'bob',
      result: 'denied', status: 403, code: 'forbidden' });
    expect(byId('req-read')).toBeUndefined();
  });

  it('exports CSV and CEF, and only to admins', async () => {
    const csv = await (await raw(reg, '/v1/audit?format=csv')).text();
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe('at,request_id,actor,publisher,action,target,result,status,code,' +
      'address,method,path');
    expect(lines).toHaveLength(6);
    expect(lines[1]).toMatch(new RegExp('^2025-01-02T03:04:05.000Z,[\\w-]+,tok_\\w+,default,' +
      `key\\.add,${keyId},ok,201,,127\\.0\\.0\\.1,`));
    const cef = (await (await raw(reg, '/v1/audit?format=cef')).text()).trim().split('\n');
    expect(cef).toHaveLength(5);
    expect(cef[1]).toMatch(
      /^CEF:0\|Cordum\|Registry\|0\.1\.0\|pack\.publish\|pack\.publish ok\|3\|/);
    expect(cef[1]).toContain('cs1Label=target cs1=hello-pack@0.1.0');

    const denied = await raw(reg, '/v1/audit', { headers: { 'x-request-id': 'req-audit' } },
      reader.secret);
    expect(denied.status).toBe(403);
    expect((await records()).find((r) => r.request_id === 'req-audit')).toMatchObject({
      action: 'GET /v1/audit', result: 'denied' });
    expect((await raw(reg, '/v1/audit?format=xml')).status).toBe(400);
  });

  it.each([
    ['since=2030-01-01T00:00:00Z&until=2020-01-01T00:00:00Z',
      '`until` 2020-01-01T00:00:00.000Z is before `since` 2030-01-01T00:00:00.000Z'],
    ['limit=1e3', '`limit` must be an integer from 1 to 100000'],
    ['limit=0x10', '`limit` must be an integer from 1 to 100000'],
    ['limit=%205', '`limit` must be an integer from 1 to 100000'],
  ])('refuses %s rather than answer nothing or read it loosely', async (query, detail) => {
    const res = await raw(reg, `/v1/audit?${query}`);
    expect([res.status, ((await res.json()) as { detail: string }).detail])
      .toEqual([400, detail]);
  });
});

describe('audit formats', () => {
  const record: AuditRecord = { at: '2025-01-01T00:00:00.000Z', request_id: 'r1',
    actor: 'tok_1', publisher: 'p', action: 'x|y', target: 'a=b\\c\nd,"e"', result: 'denied',
    status: 403, code: 'forbidden', address: '::1', method: 'PUT', path: '=cmd()' };

  it('escapes what each format needs', () => {
    expect(formatAudit([record], 'csv').split('\r\n')[1]).toBe(
      '2025-01-01T00:00:00.000Z,r1,tok_1,p,x|y,"a=b\\c\nd,""e""",denied,403,forbidden,::1,PUT,' +
      "'=cmd()");
    expect(formatAudit([record], 'cef')).toBe('CEF:0|Cordum|Registry|0.1.0|x\\|y|x\\|y denied|7|' +
      'rt=1735689600000 act=x|y outcome=denied suser=tok_1 suid=p src=::1 requestMethod=PUT ' +
      'request=\\=cmd() cs1Label=target cs1=a\\=b\\\\c\\nd,"e" cs2Label=requestId cs2=r1 ' +
      'cn1Label=status cn1=403 cs3Label=code cs3=forbidden\n');
    expect(JSON.parse(formatAudit([record], 'jsonl'))).toEqual(record);
  });
});
