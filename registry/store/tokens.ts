/**
 * API tokens. Only the SHA-256 of a token is stored; the secret itself is
 * shown once, when it is made.
 */
import { randomBytes } from 'node:crypto';
import type { Queryable } from '../../storage/database.js';
import { sha256Hex } from '../../packs/digest.js';
import type { Role } from '../tenancy/roles.js';
import { assertPublisher } from './publishers.js';
import { optionalTime } from './rows.js';

/** What a token may do; `admin` may do everything, for any publisher. */
export type Scope = 'read' | 'publish' | 'keys' | 'admin';

export const SCOPES: readonly Scope[] = ['read', 'publish', 'keys', 'admin'];

export const DEFAULT_PUBLISHER = 'default';

/** The caller a valid token stands for. */
export interface Actor {
  tokenId: string;
  publisher: string;
  scopes: Scope[];
  /** The member the token stands for (registry/tenancy); absent for a service token. */
  subject?: string;
  /** The subject's role in each publisher it belongs to. */
  memberships?: Record<string, Role>;
}

export interface TokenRecord extends Actor {
  expiresAt?: Date;
  revokedAt?: Date;
}

export function hashToken(secret: string): string {
  return sha256Hex(secret);
}

export function hasScope(actor: Actor, scope: Scope): boolean {
  return actor.scopes.includes('admin') || actor.scopes.includes(scope);
}

export interface NewToken {
  publisher: string;
  scopes: Scope[];
  label?: string;
  expiresAt?: Date;
  /** The member it stands for; its roles then come from that member's memberships. */
  subject?: string;
  /** The secret to store; a random one is made when absent. */
  secret?: string;
}

/** A stored token as the token routes show it (never its hash). */
export interface StoredToken {
  id: string;
  label: string | null;
  publisher: string;
  scopes: unknown;
  created_at: unknown;
  expires_at: unknown;
}

/**
 * Stores a token (and its publisher when new). With a given `secret` that
 * is already stored, nothing changes: the bootstrap token is made this way
 * on every start. One statement does it all (publisher, token, the stored
 * row back): on PGlite each statement costs about a millisecond, and
 * Terraform creates tokens by the dozen.
 */
export async function createToken(
  db: Queryable,
  token: NewToken,
  now: Date,
): Promise<{ id: string; secret: string; created: boolean; row?: StoredToken }> {
  const secret = token.secret ?? `cordum_${randomBytes(32).toString('base64url')}`;
  const id = `tok_${randomBytes(8).toString('hex')}`;
  assertPublisher(token.publisher);
  // The foreign key is checked at the end of the statement, so it sees the publisher's row.
  const result = await db.query<StoredToken>(
    `WITH publisher AS (
       INSERT INTO registry_publishers (id, created_at) VALUES ($3, $6)
       ON CONFLICT (id) DO NOTHING
     )
     INSERT INTO registry_tokens
       (id, token_hash, publisher, scopes, label, created_at, expires_at, subject)
     VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, $8)
     ON CONFLICT (token_hash) DO NOTHING
     RETURNING id, label, publisher, scopes, created_at, expires_at`,
    [
      id,
      hashToken(secret),
      token.publisher,
      JSON.stringify(token.scopes),
      token.label ?? null,
      now,
      token.expiresAt ?? null,
      token.subject ?? null,
    ],
  );
  const row = result.rows[0];
  if (row) return { id, secret, created: true, row };
  // Already stored: the id is the stored token's, not the one this call drew.
  const stored = await db.query<{ id: string }>(
    'SELECT id FROM registry_tokens WHERE token_hash = $1', [hashToken(secret)]);
  return { id: stored.rows[0]?.id ?? id, secret, created: false };
}

interface TokenRow {
  id: string;
  publisher: string;
  scopes: unknown;
  expires_at: unknown;
  revoked_at: unknown;
  subject: string | null;
}

export async function findToken(db: Queryable, secret: string): Promise<TokenRecord | undefined> {
  const { rows } = await db.query<TokenRow>(
    `SELECT id, publisher, scopes, expires_at, revoked_at, subject
       FROM registry_tokens WHERE token_hash = $1`,
    [hashToken(secret)],
  );
  const row = rows[0];
  if (!row) return undefined;
  const scopes = Array.isArray(row.scopes)
    ? row.scopes.filter((s): s is Scope => SCOPES.includes(s as Scope))
    : [];
  const record: TokenRecord = { tokenId: row.id, publisher: row.publisher, scopes };
  const expiresAt = optionalTime(row.expires_at);
  const revokedAt = optionalTime(row.revoked_at);
  if (row.subject !== null) record.subject = row.subject;
  if (expiresAt) record.expiresAt = expiresAt;
  if (revokedAt) record.revokedAt = revokedAt;
  return record;
}

export async function revokeToken(db: Queryable, id: string, now: Date): Promise<boolean> {
  const result = await db.query(
    'UPDATE registry_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL',
    [id, now],
  );
  return result.rowCount === 1;
}
