/**
 * Tables of the transparency log. Entries and the hashes of every complete
 * (perfect) subtree are written in the transaction of the change they
 * record; `registry_tlog_head` holds the size and is locked by each append,
 * so appends from several processes take turns. Hashes are hex text, which
 * both drivers return alike.
 */
import type { Migration } from '../../storage/migrate.js';

export const tlogMigration: Migration = {
  id: '0300_transparency_log',
  sql: `
CREATE TABLE registry_tlog_head (
  id integer PRIMARY KEY CHECK (id = 1),
  size bigint NOT NULL
);

INSERT INTO registry_tlog_head (id, size) VALUES (1, 0);

CREATE TABLE registry_tlog_entries (
  idx bigint PRIMARY KEY,
  kind text NOT NULL,
  pack_id text,
  version text,
  sha256 text,
  key_id text,
  body text NOT NULL,
  leaf_hash text NOT NULL,
  created_at timestamptz NOT NULL
);

CREATE INDEX registry_tlog_entries_sha256 ON registry_tlog_entries (sha256);

CREATE INDEX registry_tlog_entries_pack ON registry_tlog_entries (pack_id, version);

CREATE TABLE registry_tlog_nodes (
  level integer NOT NULL,
  idx bigint NOT NULL,
  hash text NOT NULL,
  PRIMARY KEY (level, idx)
);

CREATE TABLE registry_tlog_tree_heads (
  tree_size bigint NOT NULL,
  key_id text NOT NULL,
  origin text NOT NULL,
  root_hash text NOT NULL,
  signed_at text NOT NULL,
  signature text NOT NULL,
  PRIMARY KEY (tree_size, key_id)
);
`,
};
