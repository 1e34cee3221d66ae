/**
 * The registry's npm read protocol (`/npm/`): packuments under the
 * `@cordum-packs` scope in both URL forms, tarballs whose sha512 and sha1
 * match `dist`, kept stable once made, yanked versions deprecated; and the
 * real npm CLI reading them (`npm view`, `npm pack`). Both back ends.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../packs/digest.js';
import { readNpmPackage } from '../../packs/npm/read.js';
import type { KeyPair } from '../../packs/signing/keys.js';
import { backends } from '../helpers/databases.js';
import { ADMIN_TOKEN, raw, registeredKey, startTestRegistry, type TestRegistry }
  from '../registry/helpers.js';
import { signedPack } from './fixtures.js';
import { runNpm } from './helpers.js';

interface Doc {
  name: string;
  'dist-tags': Record<string, string>;
  versions: Record<string, { dist: { tarball: string; integrity: string; shasum: string };
    cordum: { sha256: string; key_id: string }; deprecated?: string }>;
  time: Record<string, string>;
}

describe.each(backends())('npm read protocol ($name)', (backend) => {
  let reg: TestRegistry;
  let key: KeyPair;
  const shas: Record<string, string> = {};

  beforeAll(async () => {
    reg = await startTestRegistry(backend);
    key = await registeredKey(reg);
    for (const version of ['0.1.0', '0.2.0']) {
      const pack = await signedPack('hello-pack', key, version);
      await reg.admin.publish(pack.tgz, pack.bundle);
      shas[version] = sha256Hex(pack.tgz);
    }
  });
  afterAll(async () => reg?.close());

  const packument = async (path: string) => {
    const res = await raw(reg, path);
    expect(res.status).toBe(200);
    return (await res.json()) as Doc;
  };

  it('answers the packument at the escaped and the plain scoped name', async () => {
    const escaped = await packument('/npm/@cordum-packs%2fhello-pack');
    const plain = await packument('/npm/@cordum-packs/hello-pack');
    expect(plain).toEqual(escaped);
    expect(escaped.name).toBe('@cordum-packs/hello-pack');
    expect(escaped['dist-tags']).toEqual({ latest: '0.2.0' });
    expect(Object.keys(escaped.versions).sort()).toEqual(['0.1.0', '0.2.0']);
    const v = escaped.versions['0.1.0']!;
    expect(v.cordum).toMatchObject({ sha256: shas['0.1.0'], key_id: key.keyId });
    expect(v.dist.tarball).toBe(`${reg.url}/npm/@cordum-packs/hello-pack/-/hello-pack-0.1.0.tgz`);
    expect(escaped.time['0.1.0']).toBe('2025-01-02T03:04:05.000Z');
  });

  it('serves tarballs that match dist.integrity and dist.shasum, the same every time',
    async () => {
      const doc = await packument('/npm/@cordum-packs/hello-pack');
      const v = doc.versions['0.2.0']!;
      const res = await raw(reg, new URL(v.dist.tarball).pathname);
      expect(res.status).toBe(200);
      const bytes = Buffer.from(await res.arrayBuffer());
      expect(v.dist.integrity).toBe(
        `sha512-${createHash('sha512').update(bytes).digest('base64')}`);
      expect(v.dist.shasum).toBe(createHash('sha1').update(bytes).digest('hex'));
      const contents = await readNpmPackage(bytes, 'hello-pack');
      expect(sha256Hex(contents.packTgz)).toBe(shas['0.2.0']);

      const again = await packument('/npm/@cordum-packs%2fhello-pack');
      expect(again.versions['0.2.0']!.dist).toEqual(v.dist);
      const { rows } = await reg.services.db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM registry_npm_tarballs');
      expect(Number(rows[0]!.n)).toBe(2);
    });

  it('needs a token to read, and serves only its scope', async () => {
    expect((await raw(reg, '/npm/@cordum-packs%2fhello-pack', {}, null)).status).toBe(401);
    const other = await raw(reg, '/npm/left-pad');
    expect(other.status).toBe(404);
    expect(((await other.json()) as { code: string }).code).toBe('pack_not_found');
    expect((await raw(reg, '/npm/@cordum-packs/nope')).status).toBe(404);
    const file = await raw(reg, '/npm/@cordum-packs/hello-pack/-/hello-pack-9.9.9.tgz');
    expect(((await file.json()) as { code: string }).code).toBe('version_not_found');
  });

  const otherScope = /^@other\/name: this registry serves only @cordum-packs\/\*$/;
  const badId = /^@cordum-packs\/SEMV: "SEMV" is not a valid pack id/;
  const refusedNames: [string, string, RegExp][] = [
    ['/npm/@other%2fname', 'pack_not_found', otherScope],
    ['/npm/@other/name', 'pack_not_found', otherScope],
    ['/npm/@cordum-packs%2fSEMV', 'pack_not_found', badId],
    ['/npm/@cordum-packs/SEMV', 'pack_not_found', badId],
    ['/npm/-/whoami', 'not_found', /^no route for GET \/npm\/-\/whoami$/],
  ];
  it.each(refusedNames)('answers %s with 404 %s', async (path, code, detail) => {
    const res = await raw(reg, path);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(await res.json()).toMatchObject({ code, detail: expect.stringMatching(detail) });
  });

  it('needs a token before it refuses another scope', async () => {
    expect((await raw(reg, '/npm/@other/name', {}, null)).status).toBe(401);
  });

  it('is read by the real npm CLI: npm view and npm pack', async () => {
    const work = mkdtempSync(join(tmpdir(), 'cordum-npm-cli-'));
    const registry = `${reg.url}/npm/`;
    const view = await runNpm(work, registry, ADMIN_TOKEN,
      ['view', '@cordum-packs/hello-pack', '--json']);
    expect(view.code, view.stderr).toBe(0);
    const shown = JSON.parse(view.stdout) as { name: string; version: string;
      versions: string[]; cordum: { sha256: string } };
    expect(shown).toMatchObject({ name: '@cordum-packs/hello-pack', version: '0.2.0',
      versions: ['0.1.0', '0.2.0'], cordum: { sha256: shas['0.2.0'] } });

    const packed = await runNpm(work, registry, ADMIN_TOKEN,
      ['pack', '@cordum-packs/hello-pack@0.1.0', '--json']);
    expect(packed.code, packed.stderr).toBe(0);
    const [entry] = JSON.parse(packed.stdout) as { filename: string; integrity: string }[];
    const doc = await packument('/npm/@cordum-packs/hello-pack');
    expect(entry!.integrity).toBe(doc.versions['0.1.0']!.dist.integrity);
    const contents = await readNpmPackage(readFileSync(join(work, entry!.filename)), 'packed');
    expect(sha256Hex(contents.packTgz)).toBe(shas['0.1.0']);

    const anonymous = await runNpm(work, registry, undefined, ['view', '@cordum-packs/hello-pack']);
    expect(anonymous.code).not.toBe(0);
    expect(anonymous.stderr).toMatch(/E401/);
  });

  it('marks a yanked version deprecated and moves latest off it', async () => {
    const res = await raw(reg, '/v1/packs/hello-pack/versions/0.2.0/yank', { method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ yanked: true, reason: 'broken echo' }) });
    expect(res.status).toBe(200);
    const doc = await packument('/npm/@cordum-packs/hello-pack');
    expect(doc['dist-tags'].latest).toBe('0.1.0');
    expect(doc.versions['0.2.0']!.deprecated).toBe('yanked from the Cordum registry: broken echo');
    expect(doc.versions['0.1.0']!.deprecated).toBeUndefined();
  });
});
