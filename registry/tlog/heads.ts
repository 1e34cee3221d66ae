/**
 * Signed tree heads. The head of each size is signed once per log key and
 * stored, and dated by its newest entry, so every process serving the
 * database answers the very same head, and a restored registry too.
 */
import { EMPTY_ROOT } from '../../packs/tlog/merkle.js';
import { treeHeadText, type SignedTreeHead } from '../../packs/tlog/tree-head.js';
import type { Queryable } from '../../storage/database.js';
import { RegistryError } from '../errors.js';
import type { LogSigner } from './signer.js';
import { entryTime, logSize, readNodes } from './store.js';
import { subtreeRoot, withNodes } from './tree.js';

/** The root hash (hex) of the first `size` entries. */
export async function treeRoot(db: Queryable, size: number): Promise<string> {
  if (size === 0) return EMPTY_ROOT.toString('hex');
  const root = await withNodes((node) => subtreeRoot(0, size, node), (c) => readNodes(db, c));
  return root.toString('hex');
}

interface HeadRow {
  tree_size: number;
  key_id: string;
  origin: string;
  root_hash: string;
  signed_at: string;
  signature: string;
}

async function storedHead(db: Queryable, size: number, keyId: string) {
  const { rows } = await db.query<HeadRow>(
    `SELECT tree_size, key_id, origin, root_hash, signed_at, signature
       FROM registry_tlog_tree_heads WHERE tree_size = $1 AND key_id = $2`, [size, keyId]);
  const r = rows[0];
  if (!r) return undefined;
  const head: SignedTreeHead = { origin: r.origin, tree_size: Number(r.tree_size),
    root_hash: r.root_hash, timestamp: r.signed_at, key_id: r.key_id, signature: r.signature };
  return head;
}

/** Stores a head unless one of that size and key is stored already. */
export async function storeHead(db: Queryable, head: SignedTreeHead): Promise<void> {
  await db.query(
    `INSERT INTO registry_tlog_tree_heads
       (tree_size, key_id, origin, root_hash, signed_at, signature)
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (tree_size, key_id) DO NOTHING`,
    [head.tree_size, head.key_id, head.origin, head.root_hash, head.timestamp, head.signature]);
}

/** The signed head of the log at `size` entries (default: all of them). */
export async function signedTreeHead(db: Queryable, signer: LogSigner, size?: number):
Promise<SignedTreeHead> {
  const current = await logSize(db);
  const at = size ?? current;
  if (!Number.isSafeInteger(at) || at < 0 || at > current) {
    throw new RegistryError('request_invalid',
      `tree_size must be an integer from 0 to ${current}, the log's size`);
  }
  const stored = await storedHead(db, at, signer.keyId);
  if (stored) return stored;

  const unsigned = {
    origin: signer.origin,
    tree_size: at,
    root_hash: await treeRoot(db, at),
    timestamp: at === 0 ? new Date(0).toISOString() : ((await entryTime(db, at - 1)) ?? ''),
  };
  const signature = signer.sign(treeHeadText(unsigned));
  const head = { ...unsigned, key_id: signer.keyId, signature };
  await storeHead(db, head);
  // Another process may have stored its own signature of the same head first.
  return (await storedHead(db, at, signer.keyId)) ?? head;
}
