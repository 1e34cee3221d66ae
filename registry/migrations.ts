/**
 * The registry's tables (component `registry`). Plain SQL that PGlite and
 * PostgreSQL both run; table names carry a `registry_` prefix because one
 * PostgreSQL database may also hold the engine's tables.
 */
import type { Migration } from '../storage/migrate.js';
import { providerMigration } from './migrations_provider.js';
import { auditMigration } from './audit/migration.js';
import { tlogMigration } from './tlog/migration.js';
import { readGenerationMigration } from './hardening/migration.js';
import { npmMigration } from './npm/migration.js';
import { tenancyMigration } from './tenancy/migration.js';
import { searchMarkupMigration } from './marketplace/search/migration.js';
import { upstreamLogMigration } from './tlog/upstream-migration.js';

export const REGISTRY_COMPONENT = 'registry';

export const registryMigrations: Migration[] = [
  {
    id: '0001_initial',
    sql: `
CREATE TABLE registry_publishers (
  id text PRIMARY KEY,
  created_at timestamptz NOT NULL
);

CREATE TABLE registry_tokens (
  id text PRIMARY KEY,
  token_hash text NOT NULL UNIQUE,
  publisher text NOT NULL REFERENCES registry_publishers (id),
  scopes jsonb NOT NULL,
  label text,
  created_at timestamptz NOT NULL,
  expires_at timestamptz,
  revoked_at timestamptz
);

CREATE TABLE registry_keys (
  key_id text PRIMARY KEY,
  publisher text NOT NULL REFERENCES registry_publishers (id),
  public_key text NOT NULL,
  created_at timestamptz NOT NULL
);

CREATE INDEX registry_keys_publisher ON registry_keys (publisher);

CREATE TABLE registry_packs (
  id text PRIMARY KEY,
  publisher text NOT NULL REFERENCES registry_publishers (id),
  created_at timestamptz NOT NULL
);

CREATE TABLE registry_versions (
  pack_id text NOT NULL REFERENCES registry_packs (id),
  version text NOT NULL,
  sha256 text NOT NULL,
  key_id text NOT NULL REFERENCES registry_keys (key_id),
  manifest jsonb NOT NULL,
  bundle jsonb NOT NULL,
  size bigint NOT NULL,
  published_at timestamptz NOT NULL,
  CONSTRAINT registry_versions_pack_version UNIQUE (pack_id, version)
);

CREATE INDEX registry_versions_sha256 ON registry_versions (sha256);
`,
  },
  {
    // The marketplace (registry/marketplace/): full-text search over each version's id,
    // title, description and topics (names, capabilities, risk tags, requirements), with
    // dots, dashes and colons split so `github.read` is found by `read`; curated
    // collections; publishers an admin has verified; download counts for sorting. Texts are
    // cut (left()) so no manifest can exceed tsvector's 1 MB limit and fail a publish, and the
    // path is lax so a pack without topics indexes (strict would fail its insert).
    id: '0100_marketplace',
    sql: `
ALTER TABLE registry_versions ADD COLUMN search tsvector GENERATED ALWAYS AS (
  setweight(to_tsvector('simple', translate(pack_id, '.-_/:', '     ')), 'A') ||
  setweight(to_tsvector('simple', translate(
    left(coalesce(manifest #>> '{metadata,title}', ''), 500), '.-_/:', '     ')), 'A') ||
  setweight(to_tsvector('simple', translate(
    left(coalesce(manifest #>> '{metadata,description}', ''), 5000), '.-_/:', '     ')), 'B') ||
  setweight(to_tsvector('simple', translate(
    left(coalesce(jsonb_path_query_array(manifest, 'lax $.topics[*].*')::text, ''), 50000),
    '.-_/:"[],', '         ')), 'C')
) STORED;

CREATE INDEX registry_versions_search ON registry_versions USING gin (search);

CREATE TABLE registry_collections (
  slug text PRIMARY KEY,
  title text NOT NULL,
  description text NOT NULL DEFAULT '',
  position integer NOT NULL DEFAULT 0,
  updated_at timestamptz NOT NULL
);

CREATE TABLE registry_collection_packs (
  collection text NOT NULL REFERENCES registry_collections (slug) ON DELETE CASCADE,
  pack_id text NOT NULL REFERENCES registry_packs (id),
  position integer NOT NULL,
  PRIMARY KEY (collection, pack_id)
);

CREATE TABLE registry_verified_publishers (
  publisher text PRIMARY KEY REFERENCES registry_publishers (id),
  verified_at timestamptz NOT NULL,
  note text NOT NULL DEFAULT ''
);

CREATE TABLE registry_downloads (
  pack_id text NOT NULL,
  version text NOT NULL,
  downloads bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (pack_id, version),
  FOREIGN KEY (pack_id, version) REFERENCES registry_versions (pack_id, version)
);
`,
  },
  // Appended by the provider work (yanks, key revocations, deployments, policy bundles).
  providerMigration,
  // The transparency log (registry/tlog) and the audit log (registry/audit).
  tlogMigration,
  auditMigration,
  readGenerationMigration,
  // The npm view of packs (registry/npm).
  npmMigration,
  // Publishers' members, private packs, dist-tags, deprecations (registry/tenancy).
  tenancyMigration,
  // Source logs' evidence for mirrored versions (registry/tlog/upstream*.ts).
  upstreamLogMigration,
  // Search splits `<`, `>` and `&`, which the text parser otherwise drops words with.
  searchMarkupMigration,
];
