/**
 * What a key's revocation means for the versions it signed: a publish
 * signed by a revoked key is refused (so nothing is published after it),
 * and versions signed before the revocation keep verifying but are
 * flagged, in the version view and at install (packs/install.ts).
 */
import type { Queryable } from '../../storage/database.js';
import { RegistryError } from '../errors.js';
import { isoTime } from '../store/rows.js';

export async function keyRevokedAt(db: Queryable, keyId: string): Promise<string | undefined> {
  const { rows } = await db.query<{ revoked_at: unknown }>(
    'SELECT revoked_at FROM registry_key_revocations WHERE key_id = $1',
    [keyId],
  );
  return rows[0] ? isoTime(rows[0].revoked_at) : undefined;
}

/** Refuses a publish signed by a revoked key. */
export async function assertKeyLive(db: Queryable, keyId: string): Promise<void> {
  const revokedAt = await keyRevokedAt(db, keyId);
  if (revokedAt === undefined) return;
  throw new RegistryError('signature_invalid', `the tarball is signed by key ${keyId}, revoked ` +
    `at ${revokedAt}; sign with a current key of the publisher`,
  { details: { key_id: keyId, revoked_at: revokedAt } });
}

/** The fields a version view carries about its signer's key. */
export async function signerState(db: Queryable, keyId: string)
  : Promise<{ key_revoked_at: string | null }> {
  return { key_revoked_at: (await keyRevokedAt(db, keyId)) ?? null };
}
