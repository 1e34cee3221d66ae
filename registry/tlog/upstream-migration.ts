/**
 * Upstream log evidence of what a mirror copied (packs/tlog/upstream.ts):
 * per subject (`pack:<id>@<version>` or `key:<key id>`) and per source log
 * key, the source's entry, audit path and signed tree head, kept as the
 * exact texts that were checked. JSON is stored as text, not jsonb, so both
 * drivers hand back the bytes that were verified. No foreign key: a removed
 * key's evidence stays a true fact about the source's log.
 */
import type { Migration } from '../../storage/migrate.js';

export const upstreamLogMigration: Migration = {
  id: '0810_upstream_log_evidence',
  sql: `
CREATE TABLE registry_tlog_upstream (
  subject text NOT NULL,
  log_key_id text NOT NULL,
  log_public_key text NOT NULL,
  log_origin text NOT NULL,
  source text NOT NULL,
  entry_index bigint NOT NULL,
  entry_body text NOT NULL,
  leaf_hash text NOT NULL,
  audit_path text NOT NULL,
  tree_head text NOT NULL,
  recorded_at timestamptz NOT NULL,
  PRIMARY KEY (subject, log_key_id)
);
`,
};
