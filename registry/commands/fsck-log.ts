/** The transparency-log half of `registry fsck`. */
import { createVerify } from 'node:crypto';
import { leafHash } from '../../packs/tlog/merkle.js';
import { treeHeadText } from '../../packs/tlog/tree-head.js';
import { treeRoot } from '../tlog/heads.js';
import type { RegistryServices } from '../wiring.js';
import type { FsckReport } from './fsck.js';

async function checkEntries(s: RegistryServices, report: FsckReport) {
  const { rows } = await s.db.query<{ idx: number; body: string; leaf_hash: string }>(
    'SELECT idx, body, leaf_hash FROM registry_tlog_entries ORDER BY idx');
  rows.forEach((r, i) => {
    if (Number(r.idx) !== i) {
      report.problems.push({ code: 'log_gap', target: `log entry ${i}`,
        message: `the log jumps from entry ${i - 1} to ${String(r.idx)}` });
    } else if (leafHash(r.body).toString('hex') !== r.leaf_hash) {
      report.problems.push({ code: 'log_corrupt', target: `log entry ${i}`,
        message: 'the entry no longer hashes to its leaf hash' });
    }
  });
  const size = await s.db.query<{ size: number }>('SELECT size FROM registry_tlog_head');
  if (Number(size.rows[0]?.size) !== rows.length) {
    report.problems.push({ code: 'log_corrupt', target: 'log head',
      message: `the head says ${String(size.rows[0]?.size)} entries, ${rows.length} are stored` });
  }
}

async function checkPublishes(s: RegistryServices, report: FsckReport) {
  const { rows } = await s.db.query<{ pack_id: string; version: string }>(
    `SELECT v.pack_id, v.version FROM registry_versions v
      WHERE NOT EXISTS (SELECT 1 FROM registry_tlog_entries e WHERE e.kind = 'publish'
        AND e.pack_id = v.pack_id AND e.version = v.version AND e.sha256 = v.sha256)`);
  for (const r of rows) {
    report.problems.push({ code: 'log_entry_missing', target: `${r.pack_id}@${r.version}`,
      message: 'the version has no publish entry in the transparency log' });
  }
  // The other way: a version is never deleted, so a logged publish with no row was lost.
  const lost = await s.db.query<{ pack_id: string; version: string }>(
    `SELECT e.pack_id, e.version FROM registry_tlog_entries e WHERE e.kind = 'publish'
      AND NOT EXISTS (SELECT 1 FROM registry_versions v WHERE v.pack_id = e.pack_id
        AND v.version = e.version AND v.sha256 = e.sha256)`);
  for (const r of lost.rows) {
    report.problems.push({ code: 'version_missing', target: `${r.pack_id}@${r.version}`,
      message: 'the transparency log records its publish, but the version is not stored' });
  }
}

async function checkHeads(s: RegistryServices, report: FsckReport) {
  const { rows } = await s.db.query<{ tree_size: number; key_id: string; origin: string;
    root_hash: string; signed_at: string; signature: string }>(
    `SELECT tree_size, key_id, origin, root_hash, signed_at, signature
       FROM registry_tlog_tree_heads`);
  for (const h of rows) {
    const target = `tree head ${String(h.tree_size)}`;
    const root = await treeRoot(s.db, Number(h.tree_size)).catch(() => undefined);
    if (root !== h.root_hash) {
      report.problems.push({ code: 'log_corrupt', target,
        message: `signed root ${h.root_hash} is not the tree's root ${root ?? '(no nodes)'}` });
      continue;
    }
    if (h.key_id !== s.logSigner.keyId) continue;
    const text = treeHeadText({ origin: h.origin, tree_size: Number(h.tree_size),
      root_hash: h.root_hash, timestamp: h.signed_at });
    const ok = createVerify('sha256').update(text)
      .verify(s.logSigner.publicPem, Buffer.from(h.signature, 'base64'));
    if (!ok) {
      report.problems.push({ code: 'log_signature_invalid', target,
        message: 'the signature does not verify with the log key' });
    }
  }
}

export async function checkLog(s: RegistryServices, report: FsckReport): Promise<void> {
  await checkEntries(s, report);
  await checkPublishes(s, report);
  await checkHeads(s, report);
}
