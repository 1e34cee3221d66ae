/** The kernel's tables: every snapshot it ever ran, and the decisions it recorded. */
import type { Migration } from '../../storage/migrate.js';

export const KERNEL_MIGRATIONS: Migration[] = [
  {
    id: '001_policy_snapshots',
    sql: `
CREATE TABLE engine_policy_snapshots (
  version integer PRIMARY KEY,
  hash text NOT NULL,
  source jsonb NOT NULL,
  snapshot jsonb NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE TABLE engine_policy_decisions (
  id bigserial PRIMARY KEY,
  request jsonb NOT NULL,
  decision text NOT NULL,
  rule_id text,
  snapshot_hash text NOT NULL,
  snapshot_version integer NOT NULL,
  request_id text,
  decided_at timestamptz NOT NULL
);
CREATE INDEX engine_policy_decisions_hash ON engine_policy_decisions (snapshot_hash, id);`,
  },
];
