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
  {
    // Retention deletes by age in batches: each batch walks this index instead of the table.
    // Built in the migration's transaction (CONCURRENTLY cannot run in one), so on a large
    // table other processes' decision writes wait for the build once.
    id: '002_policy_decisions_decided_at',
    sql: `
CREATE INDEX engine_policy_decisions_decided ON engine_policy_decisions (decided_at);`,
  },
];
