/**
 * The npm view of published versions (registry/npm/): one npm package
 * tarball per version, made on first read and kept, so its `dist.integrity`
 * never changes once a client has seen it. The bytes live in the blob store
 * under `sha256`.
 */
import type { Migration } from '../../storage/migrate.js';

export const npmMigration: Migration = {
  id: '0700_npm_tarballs',
  sql: `
CREATE TABLE registry_npm_tarballs (
  pack_id text NOT NULL,
  version text NOT NULL,
  sha256 text NOT NULL,
  integrity text NOT NULL,
  shasum text NOT NULL,
  size bigint NOT NULL,
  file_count integer NOT NULL,
  unpacked_size bigint NOT NULL,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (pack_id, version),
  FOREIGN KEY (pack_id, version) REFERENCES registry_versions (pack_id, version)
);
`,
};
