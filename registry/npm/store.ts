/** Rows of `registry_npm_tarballs`: the npm package made for each version. */
import type { Queryable } from '../../storage/database.js';
import { deprecationsOf } from '../tenancy/deprecations.js';
import { distTags } from '../tenancy/tags.js';
import type { PackumentFacts } from './packument.js';

export interface NpmTarballRecord {
  packId: string;
  version: string;
  /** Hex SHA-256 of the npm tarball: its blob name. */
  sha256: string;
  integrity: string;
  shasum: string;
  size: number;
  fileCount: number;
  unpackedSize: number;
}

interface Row {
  pack_id: string;
  version: string;
  sha256: string;
  integrity: string;
  shasum: string;
  size: unknown;
  file_count: unknown;
  unpacked_size: unknown;
}

function toRecord(row: Row): NpmTarballRecord {
  return {
    packId: row.pack_id,
    version: row.version,
    sha256: row.sha256,
    integrity: row.integrity,
    shasum: row.shasum,
    size: Number(row.size),
    fileCount: Number(row.file_count),
    unpackedSize: Number(row.unpacked_size),
  };
}

const COLUMNS = 'pack_id, version, sha256, integrity, shasum, size, file_count, unpacked_size';

/** The npm tarballs made so far for pack `id`, by version. */
export async function npmTarballsOf(db: Queryable, id: string)
  : Promise<Map<string, NpmTarballRecord>> {
  const { rows } = await db.query<Row>(
    `SELECT ${COLUMNS} FROM registry_npm_tarballs WHERE pack_id = $1`, [id]);
  return new Map(rows.map((r) => [r.version, toRecord(r)]));
}

/**
 * Records an npm tarball unless one is recorded already (a concurrent
 * first read), then answers the recorded one: the first writer wins.
 */
export async function recordNpmTarball(db: Queryable, t: NpmTarballRecord, now: Date)
  : Promise<NpmTarballRecord> {
  await db.query(
    `INSERT INTO registry_npm_tarballs (${COLUMNS}, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (pack_id, version) DO NOTHING`,
    [t.packId, t.version, t.sha256, t.integrity, t.shasum, t.size, t.fileCount, t.unpackedSize,
      now],
  );
  const { rows } = await db.query<Row>(
    `SELECT ${COLUMNS} FROM registry_npm_tarballs WHERE pack_id = $1 AND version = $2`,
    [t.packId, t.version]);
  return toRecord(rows[0]!);
}

/** Yanked versions of pack `id` and their reasons (the yank routes' table). */
export async function yankReasonsOf(db: Queryable, id: string)
  : Promise<Map<string, string | null>> {
  const { rows } = await db.query<{ version: string; reason: string | null }>(
    'SELECT version, reason FROM registry_yanks WHERE pack_id = $1', [id]);
  return new Map(rows.map((r) => [r.version, r.reason]));
}

/**
 * Everything the packument of pack `id` needs besides its versions and npm
 * tarballs: yanks, dist-tags and deprecations, so it names what /v1 does.
 */
export async function packumentFactsOf(db: Queryable, id: string)
  : Promise<Required<PackumentFacts>> {
  const deprecated = new Map([...await deprecationsOf(db, id)].map(([v, d]) => [v, d.message]));
  return { yanked: await yankReasonsOf(db, id), tags: await distTags(db, id), deprecated };
}
