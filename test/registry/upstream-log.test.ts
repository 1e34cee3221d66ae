/**
 * `PUT|GET /v1/packs/{id}/versions/{version}/log/upstream`: a mirrored
 * version's evidence from the source registry's log. Real evidence, made
 * by a second registry's log, is kept and answered back; every kind of
 * forgery (another entry, a bad audit path, a bad or foreign head
 * signature) is refused with its code and stores nothing. Both backends.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../packs/digest.js';
import { generateKeyPair, type KeyPair } from '../../packs/signing/keys.js';
import { checkInclusion } from '../../packs/tlog/check.js';
import { leafHash } from '../../packs/tlog/merkle.js';
import { treeHeadText } from '../../packs/tlog/tree-head.js';
import {
  publishExpected, verifyHeldUpstream, type UpstreamEvidence,
} from '../../packs/tlog/upstream.js';
import { createToken } from '../../registry/store/tokens.js';
import { signerFromPem } from '../../registry/tlog/signer.js';
import { backends } from '../helpers/databases.js';
import {
  raw, readProblem, registeredKey, signedFixture, startTestRegistry, type TestRegistry,
} from './helpers.js';

const PATH = '/v1/packs/hello-pack/versions/0.1.0/log/upstream';

describe.each(backends())('upstream log evidence ($name)', (backend) => {
  let source: TestRegistry;
  let dest: TestRegistry;
  let key: KeyPair;
  let sha: string;
  let evidence: UpstreamEvidence;
  let keyEntryBody: string;

  beforeAll(async () => {
    [source, dest] = await Promise.all([startTestRegistry(backend), startTestRegistry(backend)]);
    key = await registeredKey(source);
    await dest.admin.addKey(key.publicPem);
    const pack = await signedFixture('hello-pack', key);
    sha = sha256Hex(pack.tgz);
    for (const reg of [source, dest]) await reg.admin.publish(pack.tgz, pack.bundle);

    const logKey = await source.admin.logKey();
    const proved = await checkInclusion(source.admin, { sha256: sha,
      logKeyPem: logKey.public_key });
    evidence = { source: source.url,
      log_key: { key_id: logKey.key_id, public_key: logKey.public_key, origin: logKey.origin },
      entry: { index: proved.index, body: proved.body }, audit_path: proved.audit_path,
      tree_head: proved.head };
    keyEntryBody = (await source.admin.logEntries({ start: 0, end: 1 })).entries[0]!.body;
  });
  afterAll(async () => {
    await Promise.all([source?.close(), dest?.close()]);
  });

  const put = (body: unknown, token?: string) => raw(dest, PATH, { method: 'PUT',
    headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }, token);

  it('holds nothing for a version published here directly', async () => {
    expect(await dest.admin.upstreamLog('hello-pack', '0.1.0')).toEqual({ upstream: [] });
  });

  it('refuses forged evidence with a stable code and stores nothing', async () => {
    // The source's first entry registered the key: a real leaf, but not this publish.
    const keyPath = await source.admin.logInclusion(0, evidence.tree_head.tree_size);
    const other = signerFromPem(generateKeyPair().privatePem, evidence.log_key.origin);
    const otherHead = { ...evidence.tree_head, key_id: other.keyId,
      signature: other.sign(treeHeadText(evidence.tree_head)) };
    const cases: [string, UpstreamEvidence, string][] = [
      ['another entry of the log', { ...evidence, entry: { index: 0, body: keyEntryBody },
        audit_path: keyPath.audit_path }, 'upstream_entry_mismatch'],
      ['another version in the entry', { ...evidence, entry: { ...evidence.entry,
        body: evidence.entry.body.replace('"0.1.0"', '"0.1.1"') } }, 'upstream_entry_mismatch'],
      ['an entry that is not canonical JSON', { ...evidence, entry: { ...evidence.entry,
        body: ` ${evidence.entry.body}` } }, 'upstream_entry_mismatch'],
      ['a wrong index', { ...evidence, entry: { ...evidence.entry, index: 0 } },
        'upstream_proof_invalid'],
      ['a changed audit path', { ...evidence, audit_path: evidence.audit_path.map(
        (h) => `${h.slice(0, -1)}${h.endsWith('0') ? '1' : '0'}`) }, 'upstream_proof_invalid'],
      ['a root the head was not signed with', { ...evidence, tree_head: { ...evidence.tree_head,
        root_hash: '0'.repeat(64) } }, 'upstream_signature_invalid'],
      ['a head signed by another key', { ...evidence, tree_head: otherHead },
        'upstream_signature_invalid'],
      ['a log key that is not a key', { ...evidence, log_key: { ...evidence.log_key,
        public_key: 'not a key' } }, 'upstream_signature_invalid'],
      ['a log key that did not sign the head', { ...evidence, log_key: { ...evidence.log_key,
        key_id: other.keyId, public_key: other.publicPem } }, 'upstream_signature_invalid'],
    ];
    for (const [why, forged, code] of cases) {
      const res = await put(forged);
      expect(res.status, why).toBe(422);
      expect(res.headers.get('content-type'), why).toMatch(/^application\/problem\+json/);
      expect((await readProblem(res)).code, why).toBe(code);
    }
    expect((await dest.admin.upstreamLog('hello-pack', '0.1.0')).upstream).toEqual([]);
  });

  it('refuses malformed bodies, unknown versions and read-only tokens', async () => {
    const bad = await put({ ...evidence, audit_path: 'x' });
    expect(bad.status).toBe(400);
    expect((await readProblem(bad)).detail).toBe('`audit_path` must be an array of hex strings');
    const missing = await raw(dest, PATH.replace('0.1.0', '9.9.9'), { method: 'PUT',
      headers: { 'content-type': 'application/json' }, body: JSON.stringify(evidence) });
    expect((await readProblem(missing)).code).toBe('version_not_found');
    const reader = await createToken(dest.services.db, { publisher: 'default',
      scopes: ['read'] }, dest.clock.now());
    expect((await put(evidence, reader.secret)).status).toBe(403);
  });

  it('keeps a key\'s registration, found in the source log by key id, and nothing else',
    async () => {
      const { entries } = await source.admin.logEntries({ key_id: key.keyId });
      // Entries about the key: its registration, and the publish it signed.
      expect(entries.map((e) => [e.index, e.entry.kind])).toEqual([[0, 'key_add'],
        [1, 'publish']]);
      const proof = await source.admin.logInclusion(0, evidence.tree_head.tree_size);
      const keyEvidence = { ...evidence, entry: { index: 0, body: entries[0]!.body },
        audit_path: proof.audit_path };
      const keyPath = `/v1/keys/${key.keyId}/log/upstream`;
      const putKey = (body: unknown, path = keyPath) => raw(dest, path, { method: 'PUT',
        headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

      // The publish entry is real, but it is not this key's registration.
      const wrong = await putKey(evidence);
      expect((await readProblem(wrong)).code).toBe('upstream_entry_mismatch');
      const unknown = await putKey(keyEvidence, '/v1/keys/nope/log/upstream');
      expect((await readProblem(unknown)).code).toBe('key_not_found');
      expect((await putKey(keyEvidence)).status).toBe(201);
      const { upstream } = await dest.admin.keyUpstreamLog(key.keyId);
      expect(verifyHeldUpstream(upstream, { kind: 'key_add', key_id: key.keyId,
        publisher: 'default' }, evidence.log_key.public_key).entry).toEqual(keyEvidence.entry);
    });

  it('keeps real evidence once, answers it back, and it verifies offline', async () => {
    const first = await put(evidence);
    expect(first.status).toBe(201);
    const stored = await first.json();
    expect(stored).toEqual({ ...evidence, leaf_hash: leafHash(evidence.entry.body)
      .toString('hex'), recorded_at: dest.clock.now().toISOString() });
    const again = await put(evidence);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(stored);

    const { upstream } = await dest.admin.upstreamLog('hello-pack', '0.1.0');
    expect(upstream).toEqual([stored]);
    const expected = publishExpected({ id: 'hello-pack', version: '0.1.0', sha256: sha,
      keyId: key.keyId });
    expect(verifyHeldUpstream(upstream, expected, evidence.log_key.public_key).entry)
      .toEqual(evidence.entry);
    // Offline, against the destination's own log key: not the source's, so refused.
    const destKey = (await dest.admin.logKey()).public_key;
    expect(() => verifyHeldUpstream(upstream, expected, destKey))
      .toThrow(expect.objectContaining({ code: 'log_entry_missing' }));
  });
});
