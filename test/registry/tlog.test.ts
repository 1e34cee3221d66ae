/**
 * The transparency log: RFC 6962 hashing and proofs against Certificate
 * Transparency's known roots and a naive reference written from the RFC's
 * definitions here, then the log as the registry keeps it over HTTP, and a
 * client that catches a rewritten history.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/databases.js';
import { sha256Hex } from '../../packs/digest.js';
import { checkInclusion } from '../../packs/tlog/check.js';
import {
  leafHash, verifyConsistency, verifyInclusion,
} from '../../packs/tlog/merkle.js';
import { verifyTreeHead, type SignedTreeHead } from '../../packs/tlog/tree-head.js';
import { appendLogEntry } from '../../registry/tlog/store.js';
import { consistencyPath, inclusionPath, subtreeRoot } from '../../registry/tlog/tree.js';
import type { LogEntry } from '../../registry/tlog/entries.js';
import {
  raw, registeredKey, signedFixture, startTestRegistry, type TestRegistry,
} from './helpers.js';

// ---- A naive reference, straight from RFC 6962 section 2.1 ----
const sha = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();
const k = (n: number) => 2 ** Math.ceil(Math.log2(n) - 1);
function mth(d: Buffer[]): Buffer {
  if (d.length === 0) return sha();
  if (d.length === 1) return sha(Buffer.from([0]), d[0]!);
  const s = k(d.length);
  return sha(Buffer.from([1]), mth(d.slice(0, s)), mth(d.slice(s)));
}
function path(m: number, d: Buffer[]): Buffer[] {
  if (d.length <= 1) return [];
  const s = k(d.length);
  return m < s ? [...path(m, d.slice(0, s)), mth(d.slice(s))]
    : [...path(m - s, d.slice(s)), mth(d.slice(0, s))];
}
function subproof(m: number, d: Buffer[], b: boolean): Buffer[] {
  if (m === d.length) return b ? [] : [mth(d)];
  const s = k(d.length);
  return m <= s ? [...subproof(m, d.slice(0, s), b), mth(d.slice(s))]
    : [...subproof(m - s, d.slice(s), false), mth(d.slice(0, s))];
}
const proof = (m: number, d: Buffer[]) => (m === 0 || m === d.length ? [] : subproof(m, d, true));

/** The perfect-subtree reader the registry stores, built naively from leaves. */
const nodesOf = (d: Buffer[]) => (level: number, index: number) =>
  mth(d.slice(index * 2 ** level, (index + 1) * 2 ** level));

const hex = (b: Buffer) => b.toString('hex');
const leaves = (n: number) => Array.from({ length: n }, (_, i) => Buffer.from(`leaf ${i}`));

// The leaves and roots of Certificate Transparency's merkle tree tests.
const CT_LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657',
  '606162636465666768696a6b6c6d6e6f'].map((h) => Buffer.from(h, 'hex'));
const CT_ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

describe('RFC 6962 hashing and proofs', () => {
  it.each(CT_ROOTS.map((root, i) => ({ size: i + 1, root })))(
    'gives the CT root of the first $size test leaves', ({ size, root }) => {
      const d = CT_LEAVES.slice(0, size);
      expect(hex(mth(d))).toBe(root);
      expect(hex(subtreeRoot(0, size, nodesOf(d)))).toBe(root);
    });

  it('hashes leaves and the empty tree as the RFC says', () => {
    expect(hex(leafHash(''))).toBe(CT_ROOTS[0]);
    expect(hex(subtreeRoot(0, 0, nodesOf([])))).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('computes and verifies every inclusion proof in trees of 1 to 40 leaves', () => {
    for (let n = 1; n <= 40; n++) {
      const d = leaves(n);
      const root = mth(d);
      for (let m = 0; m < n; m++) {
        const p = inclusionPath(m, 0, n, nodesOf(d));
        expect(p.map(hex), `PATH(${m}, D[${n}])`).toEqual(path(m, d).map(hex));
        expect(verifyInclusion(leafHash(d[m]!), m, n, p, root)).toBe(true);
        expect(verifyInclusion(leafHash(d[(m + 1) % n]!), m, n, p, root)).toBe(n === 1);
        if (p.length > 0) {
          const bad = p.map((h, i) => (i === 0 ? sha(h) : h));
          expect(verifyInclusion(leafHash(d[m]!), m, n, bad, root)).toBe(false);
          expect(verifyInclusion(leafHash(d[m]!), m, n, p.slice(1), root)).toBe(false);
        }
        expect(verifyInclusion(leafHash(d[m]!), n, n, p, root)).toBe(false);
      }
    }
  });

  it('computes and verifies every consistency proof between trees of up to 24 leaves', () => {
    for (let n = 1; n <= 24; n++) {
      const d = leaves(n);
      for (let m = 1; m <= n; m++) {
        const p = consistencyPath(m, n, nodesOf(d));
        expect(p.map(hex), `PROOF(${m}, D[${n}])`).toEqual(proof(m, d).map(hex));
        const first = mth(d.slice(0, m));
        expect(verifyConsistency(m, n, first, mth(d), p)).toBe(true);
        // A different first tree, as a log that rewrote its history would show.
        const rewritten = mth([Buffer.from('forged'), ...d.slice(1, m)]);
        expect(verifyConsistency(m, n, rewritten, mth(d), p)).toBe(false);
        if (p.length > 0) {
          expect(verifyConsistency(m, n, first, mth(d), [sha(p[0]!), ...p.slice(1)])).toBe(false);
        }
      }
    }
  });
});

describe.each(backends())('the registry transparency log ($name)', (backend) => {
  let reg: TestRegistry;
  const tarballs: Buffer[] = [];

  beforeAll(async () => {
    reg = await startTestRegistry(backend);
    const key = await registeredKey(reg);
    for (const version of ['0.1.0', '0.2.0', '0.3.0']) {
      const pack = await signedFixture('hello-pack', key, { version });
      await reg.admin.publish(pack.tgz, pack.bundle);
      tarballs.push(pack.tgz);
      reg.clock.advance(1000);
    }
    for (const yanked of [true, false]) {
      const res = await raw(reg, '/v1/packs/hello-pack/versions/0.2.0/yank', { method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ yanked, reason: 'broken' }) });
      expect(res.status).toBe(200);
    }
    // A refused re-publish appends nothing.
    const again = await signedFixture('hello-pack', key, { version: '0.1.0' });
    await expect(reg.admin.publish(again.tgz, again.bundle)).rejects.toMatchObject({
      code: 'version_exists' });
  });
  afterAll(async () => {
    await reg?.close();
  });

  it('records every change, in order, in the same transaction', async () => {
    const { entries } = await reg.admin.logEntries({});
    expect(entries.map((e) => [e.index, e.entry.kind, e.entry.version ?? null])).toEqual([
      [0, 'key_add', null], [1, 'publish', '0.1.0'], [2, 'publish', '0.2.0'],
      [3, 'publish', '0.3.0'], [4, 'yank', '0.2.0'], [5, 'unyank', '0.2.0'],
    ]);
    expect(entries[1]!.entry).toMatchObject({ v: 1, pack_id: 'hello-pack',
      sha256: sha256Hex(tarballs[0]!), publisher: 'default', at: '2025-01-02T03:04:05.000Z' });
    expect(entries[4]!.entry.reason).toBe('broken');
    for (const e of entries) expect(e.leaf_hash).toBe(hex(leafHash(e.body)));
  });

  it('signs a tree head whose root is the naive root of the entries', async () => {
    const key = await reg.admin.logKey();
    const head = await reg.admin.logTreeHead();
    verifyTreeHead(head, key.public_key);
    const { entries } = await reg.admin.logEntries({});
    expect(head).toMatchObject({ tree_size: 6, origin: key.origin, key_id: key.key_id,
      root_hash: hex(mth(entries.map((e) => Buffer.from(e.body)))),
      timestamp: '2025-01-02T03:04:08.000Z' });
    // Signed once and stored: every later answer is the same bytes.
    expect(await reg.admin.logTreeHead()).toEqual(head);
    const older = await reg.admin.logTreeHead(2);
    verifyTreeHead(older, key.public_key);
    expect(older.root_hash).toBe(hex(mth(entries.slice(0, 2).map((e) => Buffer.from(e.body)))));
    expect(() => verifyTreeHead({ ...head, tree_size: 5 }, key.public_key)).toThrow(
      expect.objectContaining({ code: 'log_signature_invalid' }));
  });

  it('answers the RFC 6962 proofs for every entry and every earlier size', async () => {
    const { entries } = await reg.admin.logEntries({});
    const d = entries.map((e) => Buffer.from(e.body));
    for (let n = 1; n <= d.length; n++) {
      for (let m = 0; m < n; m++) {
        const p = await reg.admin.logInclusion(m, n);
        expect(p.audit_path).toEqual(path(m, d.slice(0, n)).map(hex));
      }
      for (let m = 0; m <= n; m++) {
        expect((await reg.admin.logConsistency(m, n)).proof).toEqual(
          proof(m, d.slice(0, n)).map(hex));
      }
    }
    const res = await raw(reg, '/v1/log/proof/inclusion?index=6&tree_size=6');
    expect(res.status).toBe(400);
    expect((await raw(reg, '/v1/log/proof/consistency?first=1&second=99')).status).toBe(400);
  });

  it('lets a client check inclusion and catch a rewritten history', async () => {
    const sha256 = sha256Hex(tarballs[1]!);
    const first = await checkInclusion(reg.admin, { sha256 });
    expect(first.index).toBe(2);
    const seen: SignedTreeHead = first.head;
    const again = await checkInclusion(reg.admin, { sha256, previous: seen });
    expect(again.head.tree_size).toBe(6);
    await expect(checkInclusion(reg.admin, { sha256: 'ab'.repeat(32) })).rejects.toMatchObject({
      code: 'log_entry_missing' });

    // The operator rebuilds the log with entry 1 changed: a valid tree, a new history.
    const { entries } = await reg.admin.logEntries({});
    await reg.services.db.transaction(async (tx) => {
      for (const t of ['registry_tlog_entries', 'registry_tlog_nodes',
        'registry_tlog_tree_heads']) await tx.query(`DELETE FROM ${t}`);
      await tx.query('UPDATE registry_tlog_head SET size = 0');
      for (const e of entries) {
        const { v: _v, ...entry } = e.entry as unknown as LogEntry & { v: number };
        if (e.index === 1) entry.sha256 = 'cd'.repeat(32);
        await appendLogEntry(tx, entry);
      }
    });
    const forged = await reg.admin.logTreeHead();
    expect(forged.tree_size).toBe(6);
    expect(forged.root_hash).not.toBe(seen.root_hash);
    // A fresh client is fooled; one that kept the earlier head is not.
    await checkInclusion(reg.admin, { sha256 });
    await expect(checkInclusion(reg.admin, { sha256, previous: seen })).rejects.toMatchObject({
      code: 'log_inconsistent' });
    await expect(checkInclusion(reg.admin, { sha256,
      previous: { ...seen, tree_size: 7 } })).rejects.toMatchObject({ code: 'log_inconsistent' });
  });
});
