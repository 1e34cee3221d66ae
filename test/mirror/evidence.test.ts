/**
 * The source log's proofs a mirror stores at the destination, on real
 * in-process registries: a version present without one (left by an older
 * mirror) gets it on the next run and only once; a chain of mirrors
 * carries every log's proof along (of versions and of their keys'
 * registrations), each verifying against its own log key;
 * a registry never stores its own log as upstream; and a version present
 * under the same number but other bytes gets no proof. Both backends.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../packs/digest.js';
import { mirrorRegistry } from '../../packs/mirror/mirror.js';
import type { KeyPair } from '../../packs/signing/keys.js';
import { publishExpected, verifyHeldUpstream } from '../../packs/tlog/upstream.js';
import { backends } from '../helpers/databases.js';
import {
  ADMIN_TOKEN, registeredKey, signedFixture, startTestRegistry, type SignedPack, type TestRegistry,
} from '../registry/helpers.js';

describe.each(backends())('mirror log evidence ($name)', (backend) => {
  let a: TestRegistry;
  let b: TestRegistry;
  let c: TestRegistry;
  let d: TestRegistry;
  let key: KeyPair;
  let pack: SignedPack;

  beforeAll(async () => {
    [a, b, c, d] = await Promise.all([0, 1, 2, 3].map(() => startTestRegistry(backend)));
    key = await registeredKey(a);
    pack = await signedFixture('hello-pack', key);
    await a.admin.publish(pack.tgz, pack.bundle);
    // B holds the version already, copied by a mirror that kept no log proofs.
    await b.admin.addKey(key.publicPem);
    await b.admin.publish(pack.tgz, pack.bundle);
    // D holds another build under the same number.
    await d.admin.addKey(key.publicPem);
    const other = await signedFixture('hello-pack', key,
      { edit: (y) => y.replace(/^(\s+title:\s*).*$/m, '$1Another build') });
    await d.admin.publish(other.tgz, other.bundle);
  });
  afterAll(async () => {
    await Promise.all([a, b, c, d].map((r) => r?.close()));
  });

  const mirror = (from: TestRegistry, to: TestRegistry) =>
    mirrorRegistry({ from: from.admin, to: to.admin });
  const keyIds = async (reg: TestRegistry) =>
    (await reg.admin.upstreamLog('hello-pack', '0.1.0')).upstream.map((e) => e.log_key.key_id)
      .sort();
  const expected = () => publishExpected({ id: 'hello-pack', version: '0.1.0',
    sha256: sha256Hex(pack.tgz), keyId: key.keyId });

  it('stores the proof for a version present without one, once', async () => {
    const aIndex = (await a.admin.logEntries({ sha256: sha256Hex(pack.tgz) })).entries[0]!.index;
    const first = await mirror(a, b);
    expect(first.copied).toEqual([]);
    expect(first.present).toBe(1);
    expect(first.evidence_stored).toEqual([{ id: 'hello-pack', version: '0.1.0',
      source_log: aIndex }]);
    expect(first.key_evidence_stored).toEqual([{ key_id: key.keyId, source_log: 0 }]);
    expect(await keyIds(b)).toEqual([(await a.admin.logKey()).key_id]);

    const again = await mirror(a, b);
    expect(again.evidence_stored).toEqual([]);
    expect(again.key_evidence_stored).toEqual([]);
    expect(again.present).toBe(1);
  });

  it('carries every upstream log along a chain of mirrors', async () => {
    const [aKey, bKey] = [await a.admin.logKey(), await b.admin.logKey()];
    const run = await mirror(b, c);
    expect(run.copied.map((x) => x.version)).toEqual(['0.1.0']);
    expect(run.evidence_stored).toEqual([{ id: 'hello-pack', version: '0.1.0',
      source_log: run.copied[0]!.source_log }]);
    expect(await keyIds(c)).toEqual([aKey.key_id, bKey.key_id].sort());

    const { upstream } = await c.admin.upstreamLog('hello-pack', '0.1.0');
    const keyProofs = (await c.admin.keyUpstreamLog(key.keyId)).upstream;
    const registration = { kind: 'key_add', key_id: key.keyId, publisher: 'default' };
    for (const logKey of [aKey, bKey]) {
      const held = verifyHeldUpstream(upstream, expected(), logKey.public_key);
      expect(held.tree_head.origin).toBe(logKey.origin);
      expect(verifyHeldUpstream(keyProofs, registration, logKey.public_key).source)
        .toBe(logKey === aKey ? a.url : b.url);
    }
  });

  it('never stores a registry\'s own log as its upstream', async () => {
    const back = await mirror(b, a);
    expect(back.copied).toEqual([]);
    expect(back.evidence_stored.map((x) => x.version)).toEqual(['0.1.0']);
    expect(await keyIds(a)).toEqual([(await b.admin.logKey()).key_id]);
  });

  it('stores no proof for other bytes under the same version', async () => {
    const run = await mirror(a, d);
    expect(run.copied).toEqual([]);
    expect(run.present).toBe(1);
    expect(run.evidence_stored).toEqual([]);
    expect(await keyIds(d)).toEqual([]);
  });

  it('leaves a pack private at the source out, rather than make it public', async () => {
    const [src, dst] = await Promise.all([startTestRegistry(backend), startTestRegistry(backend)]);
    try {
      const k = await registeredKey(src);
      const demo = await signedFixture('demo-guardrails', k);
      await src.admin.publish(demo.tgz, demo.bundle);
      const hidden = await fetch(`${src.url}/v1/packs/demo-guardrails/visibility`, {
        method: 'PUT', body: JSON.stringify({ private: true }),
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` } });
      expect(hidden.status).toBe(200);
      expect((await src.admin.getPack('demo-guardrails')).private).toBe(true);
      const result = await mirrorRegistry({ from: src.admin, to: dst.admin });
      expect(result.skipped_private).toEqual(['demo-guardrails']);
      expect(result.copied).toEqual([]);
      await expect(dst.admin.getPack('demo-guardrails')).rejects.toMatchObject({ status: 404 });
    } finally {
      await Promise.all([src.close(), dst.close()]);
    }
  });
});

