/** Packs (an id owned by a publisher) and their published versions. */
import type { Queryable } from '../../storage/database.js';
import type { PackManifest } from '../../packs/manifest.js';
import { isoTime } from './rows.js';

export interface VersionRecord {
  packId: string;
  publisher: string;
  version: string;
  sha256: string;
  keyId: string;
  size: number;
  publishedAt: string;
  manifest: PackManifest;
}

interface VersionRow {
  pack_id: string;
  publisher: string;
  version: string;
  sha256: string;
  key_id: string;
  size: number;
  published_at: unknown;
  manifest: PackManifest;
}

const VERSION_COLUMNS = `v.pack_id, p.publisher, v.version, v.sha256, v.key_id, v.size,
  v.published_at, v.manifest`;

function toRecord(row: VersionRow): VersionRecord {
  return {
    packId: row.pack_id,
    publisher: row.publisher,
    version: row.version,
    sha256: row.sha256,
    keyId: row.key_id,
    size: Number(row.size),
    publishedAt: isoTime(row.published_at),
    manifest: row.manifest,
  };
}

export async function findPackOwner(db: Queryable, id: string): Promise<string | undefined> {
  const { rows } = await db.query<{ publisher: string }>(
    'SELECT publisher FROM registry_packs WHERE id = $1',
    [id],
  );
  return rows[0]?.publisher;
}

/** Every version of every pack, or of pack `id` (catalog, listings). */
export async function listVersions(db: Queryable, id?: string): Promise<VersionRecord[]> {
  const { rows } = await db.query<VersionRow>(
    `SELECT ${VERSION_COLUMNS} FROM registry_versions v
       JOIN registry_packs p ON p.id = v.pack_id
      WHERE $1::text IS NULL OR v.pack_id = $1
      ORDER BY v.pack_id, v.published_at`,
    [id ?? null],
  );
  return rows.map(toRecord);
}

export async function findVersion(
  db: Queryable,
  id: string,
  version: string,
): Promise<VersionRecord | undefined> {
  const { rows } = await db.query<VersionRow>(
    `SELECT ${VERSION_COLUMNS} FROM registry_versions v
       JOIN registry_packs p ON p.id = v.pack_id
      WHERE v.pack_id = $1 AND v.version = $2`,
    [id, version],
  );
  return rows[0] ? toRecord(rows[0]) : undefined;
}

export async function findBundle(
  db: Queryable,
  id: string,
  version: string,
): Promise<unknown | undefined> {
  const { rows } = await db.query<{ bundle: unknown }>(
    'SELECT bundle FROM registry_versions WHERE pack_id = $1 AND version = $2',
    [id, version],
  );
  return rows[0]?.bundle;
}

/**
 * Claims pack `id` for `publisher` when nobody owns it, then answers the
 * owner. The row is locked until the transaction ends, so two first
 * publishes of one id cannot both claim it.
 */
export async function claimPack(
  tx: Queryable,
  id: string,
  publisher: string,
  now: Date,
): Promise<string> {
  await tx.query(
    `INSERT INTO registry_packs (id, publisher, created_at) VALUES ($1, $2, $3)
     ON CONFLICT (id) DO NOTHING`,
    [id, publisher, now],
  );
  const { rows } = await tx.query<{ publisher: string }>(
    'SELECT publisher FROM registry_packs WHERE id = $1 FOR UPDATE',
    [id],
  );
  return rows[0]!.publisher;
}

export interface NewVersion {
  packId: string;
  version: string;
  sha256: string;
  keyId: string;
  manifest: PackManifest;
  bundle: unknown;
  size: number;
  publishedAt: Date;
}

/** Inserts a version; a unique violation means id@version exists. */
export async function insertVersion(tx: Queryable, v: NewVersion): Promise<void> {
  await tx.query(
    `INSERT INTO registry_versions
       (pack_id, version, sha256, key_id, manifest, bundle, size, published_at)
     VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7, $8)`,
    [
      v.packId,
      v.version,
      v.sha256,
      v.keyId,
      JSON.stringify(v.manifest),
      JSON.stringify(v.bundle),
      v.size,
      v.publishedAt,
    ],
  );
}

/** How many versions store blob `sha256` (a blob with none may go). */
export async function blobReferences(db: Queryable, sha256: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM registry_versions WHERE sha256 = $1',
    [sha256],
  );
  return Number(rows[0]?.n ?? 0);
}
