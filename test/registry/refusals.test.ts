/** Every refused publish answers its code and leaves no row, blob or temp file behind. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { backends } from '../helpers/databases.js';
import { MINIMAL_MANIFEST, tgzOf } from '../packs/helpers/tar.js';
import { generateKeyPair, type KeyPair } from '../../packs/signing/keys.js';
import { signTarball } from '../../packs/signing/sign.js';
import { checkPublish } from '../../registry/publish/checks.js';
import { commitPublish } from '../../registry/publish/commit.js';
import {
  blobFiles, publishForm, raw, readProblem, registeredKey, signedFixture, startTestRegistry,
  versionRows,
  type TestRegistry,
} from './helpers.js';

describe.each(backends())('refused publishes ($name)', (backend) => {
  let reg: TestRegistry;
  let key: KeyPair;
  let baseline: { rows: unknown[]; blobs: string[] };

  beforeAll(async () => {
    reg = await startTestRegistry(backend, { uploadLimits: { tarballBytes: 16 * 1024,
      bundleBytes: 8 * 1024 } });
    key = await registeredKey(reg);
    const first = await signedFixture('hello-pack', key);
    await reg.admin.publish(first.tgz, first.bundle);
  });
  afterAll(async () => {
    await reg?.close();
  });
  beforeEach(async () => {
    baseline = { rows: await versionRows(reg), blobs: blobFiles(reg) };
  });

  async function expectNothingStored() {
    expect(await versionRows(reg)).toEqual(baseline.rows);
    expect(blobFiles(reg)).toEqual(baseline.blobs);
    expect(await reg.blobs.tempFiles()).toEqual([]);
  }

  it('refuses bytes changed after signing with digest_mismatch', async () => {
    const signed = await signedFixture('github', key);
    const changed = await signedFixture('github', key, {
      edit: (y) => y.replace(/title: GitHub/, 'title: GitHub (changed)'),
    });
    await expect(reg.admin.publish(changed.tgz, signed.bundle)).rejects.toMatchObject({
      code: 'digest_mismatch', status: 422,
    });
    await expectNothingStored();
  });

  it('refuses a tarball signed by an unregistered key', async () => {
    const stranger = generateKeyPair();
    const pack = await signedFixture('github', stranger);
    const err = await reg.admin.publish(pack.tgz, pack.bundle).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'signature_unknown_key', status: 403 });
    expect((err as Error).message).toContain(stranger.keyId);
    await expectNothingStored();
  });

  it('refuses a signature that does not verify', async () => {
    const pack = await signedFixture('github', key);
    const bundle = structuredClone(pack.bundle) as { messageSignature: { signature: string } };
    const sig = Buffer.from(bundle.messageSignature.signature, 'base64');
    sig[sig.length - 1] ^= 0x01;
    bundle.messageSignature.signature = sig.toString('base64');
    await expect(reg.admin.publish(pack.tgz, bundle)).rejects.toMatchObject({
      code: 'signature_invalid', status: 422,
    });
    await expectNothingStored();
  });

  it('refuses an invalid pack with validation_failed and every issue', async () => {
    const manifest = MINIMAL_MANIFEST + [
      'topics:',
      '  - name: job.someone-else.echo',
      'resources:',
      '  workflows:',
      '    - id: tiny.echo',
      '      path: workflows/missing.yaml',
      '',
    ].join('\n');
    const tgz = tgzOf([{ name: 'pack.yaml', body: manifest }]);
    const err = await reg.admin.publish(tgz, signTarball(tgz, key.privatePem))
      .catch((e: unknown) => e) as { code: string; status: number; issues: { path: string }[] };
    expect(err).toMatchObject({ code: 'validation_failed', status: 422 });
    expect(err.issues.length).toBeGreaterThanOrEqual(2);
    expect(err.issues.map((i) => i.path)).toEqual(expect.arrayContaining([
      '/topics/0/name', '/resources/workflows/0/path',
    ]));
    await expectNothingStored();
  });

  it('refuses text PostgreSQL cannot store, in the manifest or the bundle, naming where',
    async () => {
      const nul = MINIMAL_MANIFEST.replace('  version: 1.0.0\n',
        '  version: 1.0.0\n  title: "Tiny\\0Pack"\n');
      expect(nul).not.toBe(MINIMAL_MANIFEST);
      const tgz = tgzOf([{ name: 'pack.yaml', body: nul }]);
      const err = await reg.admin.publish(tgz, signTarball(tgz, key.privatePem))
        .catch((e: unknown) => e) as { code: string; status: number; issues: unknown[] };
      expect(err).toMatchObject({ code: 'validation_failed', status: 422 });
      expect(err.issues).toEqual([expect.objectContaining({ file: 'pack.yaml',
        path: '/metadata/title', rule: 'text' })]);
      const pack = await signedFixture('github', key);
      const bundle = { ...(pack.bundle as object), note: 'a\u0000b' };
      const res = await raw(reg, '/v1/packs', { method: 'POST',
        body: publishForm({ tarball: pack.tgz, bundle }) });
      expect(res.status).toBe(422);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(await readProblem(res)).toMatchObject({ code: 'validation_failed',
        issues: [expect.objectContaining({ file: 'bundle', path: '/note' })] });
      await expectNothingStored();
    });

  it('answers 400 to a NUL (%00) in a path, not a database error', async () => {
    for (const path of ['/v1/packs/%00', '/v1/packs/hello-pack/versions/0.1.0%00/tarball',
      '/v1/keys/%00', '/v1/tokens/%00', '/v1/packs/x%00/dist-tags']) {
      const res = await raw(reg, path);
      expect(res.status, path).toBe(400);
      expect(await readProblem(res), path).toMatchObject({ code: 'request_invalid' });
    }
  });

  it('answers 400 to a NUL in a JSON body or a time PostgreSQL cannot hold, not a 500',
    async () => {
    const post = (path: string, text: string) => raw(reg, path, { method: 'POST', body: text,
      headers: { 'content-type': 'application/json' } });
    const nul = await post('/v1/tokens', '{"name":"ci\\u0000","scopes":["read"]}');
    expect(nul.status).toBe(400);
    expect(await readProblem(nul)).toMatchObject({ code: 'request_invalid',
      detail: expect.stringContaining('the request body at /name holds a NUL') });
    for (const when of ['+275760-09-13T00:00:00.000Z', '+010000-01-01T00:00:00Z']) {
      const far = await post('/v1/tokens', JSON.stringify({ name: 'far', scopes: ['read'],
        expires_at: when }));
      expect(far.status, when).toBe(400);
      expect(await readProblem(far)).toMatchObject({ code: 'request_invalid',
        detail: expect.stringContaining('`expires_at` must be an RFC 3339 time') });
      const audit = await raw(reg, `/v1/audit?since=${encodeURIComponent(when)}`);
      expect(audit.status, when).toBe(400);
    }
    const long = await post('/v1/tokens', JSON.stringify({ name: 'n'.repeat(201),
      scopes: ['read'] }));
    expect(long.status).toBe(400);
    expect(await readProblem(long)).toMatchObject({ code: 'request_invalid',
      detail: '`name` must be a non-empty string of at most 200 characters' });
    const fine = await post('/v1/tokens', JSON.stringify({ name: 'fine', scopes: ['read'],
      expires_at: '2999-01-01T00:00:00Z' }));
    expect(fine.status).toBe(201);
  });

  it('refuses an unsafe tarball before validating it', async () => {
    const tgz = tgzOf([{ name: 'pack.yaml', body: MINIMAL_MANIFEST },
      { name: '../escape.txt', body: 'x' }]);
    await expect(reg.admin.publish(tgz, signTarball(tgz, key.privatePem))).rejects
      .toMatchObject({ code: 'bundle_path_traversal', status: 422 });
    await expectNothingStored();
  });

  it('refuses parts past their size limits with 413', async () => {
    const pack = await signedFixture('github', key);
    const big = Buffer.alloc(20 * 1024, 1);
    await expect(reg.admin.publish(big, pack.bundle)).rejects.toMatchObject({
      code: 'payload_too_large', status: 413,
    });
    await expect(reg.admin.publish(pack.tgz, 'x'.repeat(9 * 1024))).rejects.toMatchObject({
      code: 'payload_too_large', status: 413,
    });
    // A declared length far past the limit is refused before the body is read.
    const huge = Buffer.alloc(512 * 1024, 2);
    const res = await raw(reg, '/v1/packs', { method: 'POST',
      body: publishForm({ tarball: huge, bundle: pack.bundle }) });
    expect(res.status).toBe(413);
    expect((await readProblem(res)).code).toBe('payload_too_large');
    await expectNothingStored();
  });

  it('refuses a form without both parts', async () => {
    const pack = await signedFixture('github', key);
    const res = await raw(reg, '/v1/packs', { method: 'POST',
      body: publishForm({ tarball: pack.tgz }) });
    expect(res.status).toBe(400);
    expect((await readProblem(res)).code).toBe('part_missing');
    const json = await raw(reg, '/v1/packs', { method: 'POST', body: '{}',
      headers: { 'content-type': 'application/json' } });
    expect(json.status).toBe(415);
    expect((await readProblem(json)).code).toBe('unsupported_media_type');
    await expectNothingStored();
  });

  it('reads JSON bodies as UTF-8 only: another charset is 415, bytes not UTF-8 are 400',
    async () => {
    const post = (type: string, body: Buffer) => raw(reg, '/v1/tokens', { method: 'POST', body,
      headers: { 'content-type': type } });
    const text = JSON.stringify({ name: 'ci', scopes: ['read'] });
    const utf16 = await post('application/json; charset=utf-16le', Buffer.from(text, 'utf16le'));
    expect(utf16.status).toBe(415);
    expect(await readProblem(utf16)).toMatchObject({ code: 'unsupported_media_type',
      detail: expect.stringContaining('charset utf-16le: JSON bodies are read as UTF-8 only') });
    const latin1 = await post('application/json',
      Buffer.from('{"name":"caf\xe9","scopes":["read"]}', 'latin1'));
    expect(latin1.status).toBe(400);
    expect(await readProblem(latin1)).toMatchObject({ code: 'request_invalid',
      detail: 'the request body is not valid UTF-8' });
    for (const type of ['application/json; charset=UTF-8', 'application/json;charset="utf8"']) {
      const fine = await post(type, Buffer.from(text));
      expect(fine.status, type).toBe(201);
    }
  });

  it('lets one of two racing publishes of id@version win and keeps its bytes', async () => {
    const a = await signedFixture('demo-guardrails', key);
    const b = await signedFixture('demo-guardrails', key, {
      edit: (y) => y.replace('title: Guardrails Demo', 'title: Racing'),
    });
    const results = await Promise.allSettled([
      reg.admin.publish(a.tgz, a.bundle), reg.admin.publish(b.tgz, b.bundle),
    ]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r) => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect((lost[0] as PromiseRejectedResult).reason).toMatchObject({ code: 'version_exists' });

    const winner = results[0]!.status === 'fulfilled' ? a : b;
    const rows = (await versionRows(reg)).filter((r) => r.pack_id === 'demo-guardrails');
    expect(rows).toHaveLength(1);
    expect(await reg.admin.downloadTarball('demo-guardrails', rows[0]!.version))
      .toEqual(winner.tgz);
    expect(blobFiles(reg)).toEqual([...baseline.blobs, rows[0]!.sha256].sort());
    expect(await reg.blobs.tempFiles()).toEqual([]);
  });

  it('answers 409 when the row loses a race after the checks, removing only its own blob',
    async () => {
      const deps = { ...reg.services, baseUrl: reg.url };
      const admin = { tokenId: 'test', publisher: 'default', scopes: ['admin' as const] };
      const a = await signedFixture('hello-pack', key, { version: '0.9.0' });
      const b = await signedFixture('hello-pack', key, { version: '0.9.0',
        edit: (y) => y.replace('title: Hello Pack', 'title: Late') });
      // Both pass every check before either is stored: the race the UNIQUE constraint settles.
      const checkedA = await checkPublish(deps, { tarball: a.tgz, bundle: json(a) }, admin);
      const checkedB = await checkPublish(deps, { tarball: b.tgz, bundle: json(b) }, admin);

      await commitPublish(deps, checkedA);
      await expect(commitPublish(deps, checkedB)).rejects.toMatchObject({
        code: 'version_exists',
      });

      const row = (await versionRows(reg)).find((r) => r.version === '0.9.0');
      expect(row?.sha256).toBe(checkedA.sha256);
      expect(blobFiles(reg)).toEqual([...baseline.blobs, checkedA.sha256].sort());
      expect(await reg.blobs.has(checkedB.sha256)).toBe(false);
      expect(await reg.admin.downloadTarball('hello-pack', '0.9.0')).toEqual(a.tgz);
    });
});

function json(pack: { bundle: object }): Buffer {
  return Buffer.from(JSON.stringify(pack.bundle));
}
