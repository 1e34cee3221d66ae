/**
 * The yank, deprecation, dist-tag, visibility, token, deployment, policy
 * bundle, key, member and verification routes refuse a JSON field they do
 * not name, as policy simulations do: `400 request_invalid` naming it (and
 * the field meant), and nothing changes.
 * A misspelt `reasn` would otherwise yank with no reason, silently.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPair } from '../../packs/signing/keys.js';
import { backends } from '../helpers/databases.js';
import {
  raw, readProblem, registeredKey, signedFixture, startTestRegistry, type TestRegistry,
} from './helpers.js';

const V = '/v1/packs/hello-pack/versions/0.1.0';
const MEMBER_TOKENS = '/v1/publishers/default/members/carol/tokens';
const PACKS = [{ id: 'hello-pack', range: '^0.1.0' }];
/** A key registered before the cases, rotated to NEXT by the rotate case; ADDED is added. */
const OLD = generateKeyPair();
const NEXT = generateKeyPair();
const ADDED = generateKeyPair();

interface Case {
  name: string;
  method: string;
  path: string;
  /** A body the route takes. */
  good: object;
  /** The same body with one field it does not name. */
  bad: object;
  /** What the detail says. */
  detail: string;
  /** A read showing the refused body changed nothing. */
  after?: { path: string; check: (body: Record<string, unknown>) => void };
}

const CASES: Case[] = [
  { name: 'yank, misspelt reason', method: 'PUT', path: `${V}/yank`,
    good: { yanked: false }, bad: { yanked: true, reasn: 'CVE' },
    detail: 'body.reasn: unknown field; did you mean reason?',
    after: { path: `${V}/yank`, check: (b) => expect(b.yanked).toBe(false) } },
  { name: 'deprecation', method: 'PUT', path: `${V}/deprecation`,
    good: { message: null }, bad: { message: 'old', until: '2.0.0' },
    detail: 'body.until: unknown field; expected one of message',
    after: { path: `${V}/deprecation`, check: (b) => expect(b.deprecated).toBe(false) } },
  { name: 'dist-tag', method: 'PUT', path: '/v1/packs/hello-pack/dist-tags/stable',
    good: { version: '0.1.0' }, bad: { version: '0.1.0', versoin: '0.1.0' },
    detail: 'body.versoin: unknown field; did you mean version?' },
  { name: 'visibility', method: 'PUT', path: '/v1/packs/hello-pack/visibility',
    good: { private: false }, bad: { private: true, Private: true },
    detail: 'body.Private: unknown field; did you mean private?',
    after: { path: '/v1/packs/hello-pack', check: (b) => expect(b.private).toBeUndefined() } },
  { name: 'token', method: 'POST', path: '/v1/tokens',
    good: { name: 'ci', scopes: ['read'], expires_at: null, publisher: 'default' },
    bad: { name: 'ci', scopes: ['read'], scope: ['admin'] },
    detail: 'body.scope: unknown field; did you mean scopes?' },
  { name: 'member token', method: 'POST', path: MEMBER_TOKENS,
    good: { name: 'carol', scopes: ['read'] },
    bad: { name: 'carol', scopes: ['read'], expires: '2030-01-01T00:00:00Z' },
    detail: 'body.expires: unknown field; did you mean expires_at?' },
  { name: 'member token, field of POST /v1/tokens', method: 'POST', path: MEMBER_TOKENS,
    good: { name: 'carol', scopes: ['read'] },
    bad: { name: 'carol', scopes: ['read'], publisher: 'other' },
    detail: 'body.publisher: unknown field; expected one of name, scopes, expires_at' },
  { name: 'deployment', method: 'PUT', path: '/v1/deployments/fields',
    good: { packs: PACKS, description: 'new' }, bad: { packs: PACKS, descripton: 'new' },
    detail: 'body.descripton: unknown field; did you mean description?',
    after: { path: '/v1/deployments/fields',
      check: (b) => expect(b.description).toBe('first') } },
  { name: 'policy bundle', method: 'PUT', path: '/v1/deployments/fields/policy-bundles/b',
    good: { fragment: { rules: [] } }, bad: { fragment: { rules: [] }, fragments: [] },
    detail: 'body.fragments: unknown field; did you mean fragment?' },
  { name: 'key', method: 'POST', path: '/v1/keys',
    good: { public_key: ADDED.publicPem, publisher: 'default' },
    bad: { public_key: ADDED.publicPem, pubisher: 'default' },
    detail: 'body.pubisher: unknown field; did you mean publisher?' },
  { name: 'key rotation', method: 'POST', path: `/v1/keys/${OLD.keyId}/rotate`,
    good: { public_key: NEXT.publicPem }, bad: { public_key: NEXT.publicPem, reason: 'old' },
    detail: 'body.reason: unknown field; expected one of public_key' },
  { name: 'member', method: 'PUT', path: '/v1/publishers/default/members/dave',
    good: { role: 'reader' }, bad: { role: 'reader', rol: 'owner' },
    detail: 'body.rol: unknown field; did you mean role?' },
  { name: 'verification', method: 'PUT', path: '/v1/marketplace/publishers/default/verification',
    good: { note: 'checked' }, bad: { note: 'checked', notes: 'x' },
    detail: 'body.notes: unknown field; did you mean note?' },
];

describe.each(backends())('unknown JSON fields ($name)', (backend) => {
  let reg: TestRegistry;

  beforeAll(async () => {
    reg = await startTestRegistry(backend);
    const key = await registeredKey(reg);
    const pack = await signedFixture('hello-pack', key);
    await reg.admin.publish(pack.tgz, pack.bundle);
    const member = await send('PUT', '/v1/publishers/default/members/carol', { role: 'reader' });
    expect(member.status).toBe(200);
    await reg.admin.addKey(OLD.publicPem, 'default');
    const made = await send('PUT', '/v1/deployments/fields',
      { packs: PACKS, description: 'first' });
    expect(made.status).toBe(200);
  });
  afterAll(async () => {
    await reg?.close();
  });

  const send = (method: string, path: string, body: object) => raw(reg, path, {
    method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it.each(CASES)('$name: refused with request_invalid naming the field', async (c) => {
    const res = await send(c.method, c.path, c.bad);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const problem = await readProblem(res);
    expect(problem.code).toBe('request_invalid');
    expect(problem.detail).toBe(c.detail);
    if (c.after) {
      c.after.check((await (await raw(reg, c.after.path)).json()) as Record<string, unknown>);
    }
  });

  it.each(CASES)('$name: the fields the route names are still taken', async (c) => {
    const res = await send(c.method, c.path, c.good);
    expect(res.status).toBeLessThan(300);
  });

  it('a refused yank leaves no log entry', async () => {
    const kinds = async () => (await reg.admin.logEntries({ pack: 'hello-pack' })).entries
      .map((e) => e.entry.kind);
    const before = await kinds();
    expect((await send('PUT', `${V}/yank`, { yanked: true, reasn: 'CVE' })).status).toBe(400);
    expect(await kinds()).toEqual(before);
  });
});
