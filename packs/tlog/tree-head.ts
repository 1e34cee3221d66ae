/**
 * Signed tree heads of the registry's transparency log: what a log commits
 * to (its size and root) as one text, signed with the log's ECDSA P-256
 * key. Server and clients build the same text, so a client never trusts a
 * signature over bytes it did not make itself.
 */
import { createVerify } from 'node:crypto';
import { PackError } from '../errors.js';
import { keyIdOf, loadPublicKey } from '../signing/keys.js';

/** `GET /v1/log/tree-head`. Hashes are lower-case hex. */
export interface SignedTreeHead {
  origin: string;
  tree_size: number;
  root_hash: string;
  /** When the newest entry it covers was appended (RFC 3339). */
  timestamp: string;
  key_id: string;
  /** Base64 DER ECDSA signature over `treeHeadText`. */
  signature: string;
}

/** `GET /v1/log/key`. */
export interface LogKey {
  key_id: string;
  public_key: string;
  origin: string;
  algorithm: 'ecdsa-p256-sha256';
}

export const TREE_HEAD_FORMAT = 'cordum-log-tree-head/v1';

/** The signed text: format, origin, size, root and time, one a line. */
export function treeHeadText(h: Pick<SignedTreeHead, 'origin' | 'tree_size' | 'root_hash' |
  'timestamp'>): string {
  return `${TREE_HEAD_FORMAT}\n${h.origin}\n${h.tree_size}\n${h.root_hash}\n${h.timestamp}\n`;
}

/** Throws `log_signature_invalid` unless `head` is signed by `publicPem`. */
export function verifyTreeHead(head: SignedTreeHead, publicPem: string): void {
  const keyId = keyIdOf(publicPem);
  if (head.key_id !== keyId) {
    throw new PackError('log_signature_invalid',
      `tree head of size ${head.tree_size} is signed by key ${head.key_id}, not the log key ` +
      keyId, { details: { expected: keyId, actual: head.key_id } });
  }
  const ok = createVerify('sha256')
    .update(treeHeadText(head))
    .verify(loadPublicKey(publicPem, 'log key'), Buffer.from(head.signature, 'base64'));
  if (!ok) {
    throw new PackError('log_signature_invalid',
      `the signature of the tree head of size ${head.tree_size} does not verify with key ${keyId}`);
  }
}
