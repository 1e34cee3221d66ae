/**
 * Hardening of the HTTP surface: security headers, CORS off by default,
 * per-address and per-token rate limits with Retry-After, ETags and 304,
 * immutable tarballs, header timeouts, TLS, and publish refusals for
 * documents past their limits, invalid UTF-8 names and a tarball that is
 * not what the request said.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgliteBackend } from '../helpers/databases.js';
import { MINIMAL_MANIFEST, tgzOf } from '../packs/helpers/tar.js';
import { parseJson, parseYaml } from '../../packs/documents.js';
import type { KeyPair } from '../../packs/signing/keys.js';
import { signTarball } from '../../packs/signing/sign.js';
import { createToken } from '../../registry/store/tokens.js';
import {
  ADMIN_TOKEN, blobFiles, publishForm, raw, readProblem, registeredKey, signedFixture,
  startTestRegistry, versionRows, type TestRegistry,
} from './helpers.js';
import { NO_LIMITS, startCustomRegistry } from './trust-helpers.js';

describe('security headers, CORS, ETags and limits', () => {
  let reg: TestRegistry;
  let key: KeyPair;

  beforeAll(async () => {
    reg = await startCustomRegistry(pgliteBackend, { hardening: NO_LIMITS,
      server: { timeouts: { headersMs: 1000 } } });
    key = await registeredKey(reg);
  });
  afterAll(async () => {
    await reg?.close();
  });

  it('sends security headers on data and on problems', async () => {
    for (const path of ['/v1/packs', '/v1/packs/nope']) {
      const res = await raw(reg, path);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('content-security-policy')).toBe(
        "default-src 'none'; frame-ancestors 'none'; base-uri 'none'");
      expect(res.headers.get('strict-transport-security')).toBeNull();
    }
  });

  it('keeps CORS off unless origins are listed', async () => {
    const res = await raw(reg, '/v1/packs', { headers: { origin: 'https://evil.example' } });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const pre = await raw(reg, '/v1/packs', { method: 'OPTIONS', headers: {
      origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
    expect(pre.headers.get('access-control-allow-methods')).toBeNull();
  });

  it('lets shared caches keep a tarball only when anyone may read it', async () => {
    const open = await startTestRegistry(pgliteBackend, { anonymousRead: true });
    try {
      const pack = await signedFixture('hello-pack', await registeredKey(open));
      await open.admin.publish(pack.tgz, pack.bundle);
      const control = async () => [
        (await raw(open, '/v1/packs/hello-pack/versions/0.1.0/tarball', {}, null))
          .headers.get('cache-control'),
        (await raw(open, '/npm/@cordum-packs/hello-pack/-/hello-pack-0.1.0.tgz'))
          .headers.get('cache-control'),
      ];
      expect(await control()).toEqual(Array(2).fill('public, max-age=31536000, immutable'));
      const hidden = await raw(open, '/v1/packs/hello-pack/visibility', { method: 'PUT',
        headers: { 'content-type': 'application/json' }, body: '{"private":true}' });
      expect(hidden.status).toBeLessThan(300);
      const privately = await raw(open, '/v1/packs/hello-pack/versions/0.1.0/tarball');
      expect(privately.headers.get('cache-control')).toBe('private, max-age=31536000, immutable');
    } finally {
      await open.close();
    }
  });

  it('tags metadata with an ETag and answers 304 to If-None-Match', async () => {
    const first = await raw(reg, '/v1/keys');
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[\w-]{32}"$/);
    expect(first.headers.get('cache-control')).toBe('no-cache');
    // fetch adds `Cache-Control: no-cache` to conditional requests: the origin answers 304 all
    // the same (a cache's rule is not the server's).
    const conditional = (tag: string) => ({ headers: { 'if-none-match': tag } });
    const again = await raw(reg, '/v1/keys', conditional(etag));
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    const listed = await raw(reg, '/v1/keys', { headers: { 'if-none-match': `"x", W/${etag}`,
      'cache-control': 'no-cache' } });
    expect(listed.status).toBe(304);
    expect((await raw(reg, '/v1/keys', conditional('"other"'))).status).toBe(200);
    await registeredKey(reg);
    const changed = await raw(reg, '/v1/keys', conditional(etag));
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
  });

  it('serves tarballs as immutable, tagged by digest', async () => {
    const pack = await signedFixture('hello-pack', key);
    const published = await reg.admin.publish(pack.tgz, pack.bundle);
    const path = '/v1/packs/hello-pack/versions/0.1.0/tarball';
    const res = await raw(reg, path);
    // Reads need a token here, so no shared cache may keep the answer for others.
    expect(res.headers.get('cache-control')).toBe('private, max-age=31536000, immutable');
    expect(res.headers.get('etag')).toBe(`"sha256:${published.sha256}"`);
    expect(Buffer.from(await res.arrayBuffer())).toEqual(pack.tgz);
    const cached = await raw(reg, path, { headers: { 'if-none-match': res.headers.get('etag')!,
      'cache-control': 'max-age=0' } });
    expect(cached.status).toBe(304);
  });

  it('refuses a tarball whose id or version is not the one the request names', async () => {
    const pack = await signedFixture('slack', key);
    for (const [field, value] of [['id', 'github'], ['version', '9.9.9']] as const) {
      const res = await raw(reg, '/v1/packs', { method: 'POST', body: publishForm({
        tarball: pack.tgz, bundle: pack.bundle, extra: [[field, value]] }) });
      expect(res.status).toBe(422);
      expect(await readProblem(res)).toMatchObject({ code: 'tarball_mismatch' });
    }
    const ok = await raw(reg, '/v1/packs', { method: 'POST', body: publishForm({
      tarball: pack.tgz, bundle: pack.bundle, extra: [['id', pack.id],
        ['version', pack.version]] }) });
    expect(ok.status).toBe(201);
  });

  it.each(['tarball', 'bundle'])('refuses a form whose %s part is given twice, naming it',
    async (part) => {
      const pack = await signedFixture('slack', key);
      const form = publishForm({ tarball: pack.tgz, bundle: pack.bundle });
      const again = part === 'tarball' ? pack.tgz : JSON.stringify(pack.bundle);
      form.append(part, new Blob([again]), 'again');
      const res = await raw(reg, '/v1/packs', { method: 'POST', body: form });
      expect([res.status, (await readProblem(res)).detail]).toEqual([400,
        `unexpected or repeated file part "${part}"`]);
    });

  it('refuses non-UTF-8 names and documents past their limits, storing nothing', async () => {
    const before = { rows: await versionRows(reg), blobs: blobFiles(reg) };
    const deep = `${MINIMAL_MANIFEST}labels: ${'['.repeat(100)}${']'.repeat(100)}\n`;
    const cases: [Buffer, string][] = [
      [tgzOf([{ name: 'pack.yaml', body: MINIMAL_MANIFEST },
        { name: Buffer.from([0x77, 0xff, 0xfe, 0x2e, 0x79]), body: 'x' }]), 'bundle_path_invalid'],
      [tgzOf([{ name: 'pack.yaml', body: deep }]), 'validation_failed'],
    ];
    for (const [tgz, code] of cases) {
      const res = await raw(reg, '/v1/packs', { method: 'POST', body: publishForm({
        tarball: tgz, bundle: signTarball(tgz, key.privatePem) }) });
      expect(res.status, code).toBe(422);
      const problem = await readProblem(res);
      expect(problem.code).toBe(code);
      if (code === 'validation_failed') {
        expect(problem.issues?.[0]).toMatchObject({ file: 'pack.yaml',
          message: 'nesting past 64 levels' });
      }
    }
    expect(await versionRows(reg)).toEqual(before.rows);
    expect(blobFiles(reg)).toEqual(before.blobs);
  });

  it('limits nesting and key counts of YAML and JSON', () => {
    const nested = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
    expect(() => parseJson(nested(64), 'ok.json')).not.toThrow();
    expect(() => parseJson(nested(65), 'deep.json')).toThrow(
      expect.objectContaining({ code: 'document_too_deep' }));
    expect(() => parseYaml(nested(65), 'deep.yaml')).toThrow(
      expect.objectContaining({ code: 'document_too_deep' }));
    expect(() => parseYaml(nested(200_000), 'deeper.yaml')).toThrow(
      expect.objectContaining({ code: 'document_too_deep' }));
    const wide = `{${Array.from({ length: 100_001 }, (_, i) => `"k${i}":0`).join(',')}}`;
    expect(() => parseJson(wide, 'wide.json')).toThrow(
      expect.objectContaining({ code: 'document_too_many_keys' }));
  });

  it('answers 408 and closes when a client is too slow with its headers', async () => {
    const started = Date.now();
    const answer = await rawExchange(reg, ['GET /v1/packs HTTP/1.1\r\nHost: x\r\n']);
    expect(answer.head).toMatch(/^HTTP\/1\.1 408/);
    expect(Date.now() - started).toBeLessThan(5000);
    expectProblemAnswer(answer, 408, 'request_timeout');
    expect(answer.problem.detail).toMatch(/headers within 1000 ms/);
  });

  const PUBLISH_HEAD = 'POST /v1/packs HTTP/1.1\r\nHost: x\r\n' +
    `Authorization: Bearer ${ADMIN_TOKEN}\r\n` +
    'Content-Type: multipart/form-data; boundary=b\r\nContent-Length: 100\r\n\r\n';
  const refused: [string, string[], boolean, RegExp][] = [
    ['a half-sent body, then a half-close', [PUBLISH_HEAD, '--b\r\n'], true,
      /closed the connection before the whole request arrived/],
    ['a request line that is not HTTP', ['NOT HTTP AT ALL\r\n\r\n'], false,
      /not valid HTTP\/1\.1 \(HPE_/],
  ];
  it.each(refused)('answers %s with a 400 problem', async (_name, parts, halfClose, detail) => {
    const answer = await rawExchange(reg, parts, { halfClose });
    expectProblemAnswer(answer, 400, 'request_invalid');
    expect(answer.problem.detail).toMatch(detail);
  });

  it('answers a bad request after a finished one on the same connection', async () => {
    const answer = await rawExchange(reg, ['GET /v1/keys HTTP/1.1\r\nHost: x\r\n' +
      `Authorization: Bearer ${ADMIN_TOKEN}\r\n\r\n`, 'BAD\r\n\r\n'], { gapMs: 300 });
    expect(answer.head).toMatch(/^HTTP\/1\.1 200/);
    const second = answer.text.slice(answer.text.indexOf('HTTP/1.1 400'));
    expectProblemAnswer(splitAnswer(second), 400, 'request_invalid');
  });
});

describe('a client too slow with its body', () => {
  let reg: TestRegistry;

  beforeAll(async () => {
    reg = await startCustomRegistry(pgliteBackend, { hardening: NO_LIMITS,
      server: { timeouts: { headersMs: 1000, requestMs: 2000 } } });
  });
  afterAll(async () => {
    await reg?.close();
  });

  it('gets a 408 problem once the request timeout passes', async () => {
    const head = 'POST /v1/packs HTTP/1.1\r\nHost: x\r\n' +
      `Authorization: Bearer ${ADMIN_TOKEN}\r\n` +
      'Content-Type: multipart/form-data; boundary=b\r\nContent-Length: 100\r\n\r\n--b\r\n';
    const answer = await rawExchange(reg, [head]);
    expectProblemAnswer(answer, 408, 'request_timeout');
    expect(answer.problem.detail).toMatch(/the whole request within 2000 ms/);
  });
});

interface RawAnswer {
  text: string;
  head: string;
  headers: Map<string, string>;
  body: string;
  problem: { code?: string; status?: number; detail?: string };
}

/**
 * Sends `parts` on a raw socket (`gapMs` apart), half-closes if asked, and
 * reads until the server closes; bounded by a timeout.
 */
async function rawExchange(reg: TestRegistry, parts: string[],
  options: { halfClose?: boolean; gapMs?: number } = {}): Promise<RawAnswer> {
  const text = await new Promise<string>((done, fail) => {
    const socket = connect(Number(new URL(reg.url).port), '127.0.0.1');
    const timer = setTimeout(() => fail(new Error('no close within 10 s')), 10_000);
    let got = '';
    socket.on('data', (c) => (got += c));
    socket.on('close', () => {
      clearTimeout(timer);
      done(got);
    });
    socket.on('error', fail);
    void (async () => {
      for (const part of parts) {
        socket.write(part);
        if (options.gapMs) await new Promise((r) => setTimeout(r, options.gapMs));
      }
      if (options.halfClose) socket.end();
    })();
  });
  return splitAnswer(text);
}

function splitAnswer(text: string): RawAnswer {
  const end = text.indexOf('\r\n\r\n');
  const [head = '', ...lines] = text.slice(0, end).split('\r\n');
  const headers = new Map(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(),
    l.slice(l.indexOf(':') + 1).trim()]));
  const length = Number(headers.get('content-length') ?? 0);
  const body = text.slice(end + 4, end + 4 + length);
  const problem = headers.get('content-type')?.includes('json') ? JSON.parse(body) : {};
  return { text, head, headers, body, problem };
}

function expectProblemAnswer(answer: RawAnswer, status: number, code: string): void {
  expect(answer.head).toMatch(new RegExp(`^HTTP/1\\.1 ${status} `));
  expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(answer.headers.get('connection')).toBe('close');
  expect(Buffer.byteLength(answer.body)).toBe(Number(answer.headers.get('content-length')));
  expect(answer.problem).toMatchObject({ type: `urn:cordum:problem:${code}`, status, code });
}

describe('rate limits and CORS origins', () => {
  let reg: TestRegistry;

  beforeAll(async () => {
    // A refill of one request per 1000 s: only the burst counts during the test.
    reg = await startCustomRegistry(pgliteBackend, { hardening: {
      corsOrigins: ['https://app.example'],
      addressRate: { perSecond: 0.001, burst: 9 },
      tokenRate: { perSecond: 0.001, burst: 3 } } });
  });
  afterAll(async () => {
    await reg?.close();
  });

  it('allows the listed origin only', async () => {
    const res = await raw(reg, '/v1/health', { headers: { origin: 'https://app.example' } }, null);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(res.headers.get('vary')).toContain('Origin');
    const pre = await raw(reg, '/v1/packs', { method: 'OPTIONS', headers: {
      origin: 'https://app.example', 'access-control-request-method': 'POST' } }, null);
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-headers')).toContain('Authorization');
    const other = await raw(reg, '/v1/health', { headers: { origin: 'https://b.example' } }, null);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('limits each token, then each address, with 429 and Retry-After', async () => {
    const now = reg.clock.now();
    const other = await createToken(reg.services.db, { publisher: 'x', scopes: ['read'] }, now);
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await raw(reg, '/v1/packs')).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await raw(reg, '/v1/packs');
    expect(limited.headers.get('retry-after')).toBe('1000');
    expect(await readProblem(limited)).toMatchObject({ code: 'rate_limited', status: 429 });
    // Another token has its own bucket, until the address runs out (9 per address;
    // the CORS preflight above was not counted).
    const mine = [];
    for (let i = 0; i < 4; i++) mine.push((await raw(reg, '/v1/packs', {}, other.secret)).status);
    expect(mine).toEqual([200, 200, 429, 429]);
    const byAddress = await raw(reg, '/v1/health', {}, null);
    expect((await readProblem(byAddress)).detail).toMatch(/from this address/);
  });
});

describe('TLS', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cordum-tls-'));
  let reg: TestRegistry;

  beforeAll(async () => {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt',
      'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, 'key.pem'), '-out',
      join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1', '-addext',
      'subjectAltName=IP:127.0.0.1'], { stdio: 'pipe' });
    reg = await startCustomRegistry(pgliteBackend, { hardening: NO_LIMITS, server: {
      tls: { cert: readFileSync(join(dir, 'cert.pem')), key: readFileSync(join(dir, 'key.pem')) },
    } });
  });
  afterAll(async () => {
    await reg?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves HTTPS with HSTS when given a certificate', async () => {
    expect(reg.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const { status, hsts, body } = await new Promise<{ status: number; hsts: unknown;
      body: string }>((done, fail) => {
      const req = request(`${reg.url}/v1/health`, { ca: readFileSync(join(dir, 'cert.pem')) },
        (res) => {
          let text = '';
          res.on('data', (c) => (text += c));
          res.on('end', () => done({ status: res.statusCode ?? 0,
            hsts: res.headers['strict-transport-security'], body: text }));
        });
      req.on('error', fail);
      req.end();
    });
    expect(status).toBe(200);
    expect(hsts).toBe('max-age=31536000');
    expect(JSON.parse(body)).toEqual({ status: 'ok', database: 'pglite' });
  });
});
