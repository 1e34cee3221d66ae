/** The engine's tables (component `engine` in `schema_migrations`). */
import type { Migration } from '../storage/migrate.js';

const STATUS_CHECK =
  "('pending', 'running', 'waiting', 'succeeded', 'failed', 'cancelled', 'timed_out')";

export const ENGINE_MIGRATIONS: Migration[] = [
  {
    id: '0001_runs_steps_approvals',
    sql: `
CREATE TABLE engine_runs (
  id text PRIMARY KEY,
  workflow_id text NOT NULL,
  tenant_id text NOT NULL,
  status text NOT NULL CHECK (status IN ${STATUS_CHECK}),
  input jsonb NOT NULL,
  error jsonb,
  snapshot_hash text NOT NULL,
  workflow jsonb NOT NULL,
  active_ms bigint NOT NULL DEFAULT 0,
  resumed_at timestamptz,
  created_at timestamptz NOT NULL,
  started_at timestamptz,
  updated_at timestamptz NOT NULL,
  finished_at timestamptz
);
CREATE INDEX engine_runs_created ON engine_runs (created_at DESC, id);
CREATE TABLE engine_steps (
  run_id text NOT NULL REFERENCES engine_runs (id) ON DELETE CASCADE,
  step_id text NOT NULL,
  position integer NOT NULL,
  type text NOT NULL,
  status text NOT NULL CHECK (status IN ${STATUS_CHECK}),
  skipped boolean NOT NULL DEFAULT false,
  input jsonb,
  output jsonb,
  error jsonb,
  decision jsonb,
  job jsonb,
  attempts integer NOT NULL DEFAULT 0,
  started_at timestamptz,
  finished_at timestamptz,
  PRIMARY KEY (run_id, step_id)
);
CREATE TABLE engine_approvals (
  run_id text NOT NULL REFERENCES engine_runs (id) ON DELETE CASCADE,
  step_id text NOT NULL,
  status text NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'cancelled')),
  rule_id text,
  reason text,
  requested_at timestamptz NOT NULL,
  decided_at timestamptz,
  decided_by text,
  note text,
  PRIMARY KEY (run_id, step_id)
);
CREATE TABLE engine_events (
  seq bigserial PRIMARY KEY,
  run_id text NOT NULL REFERENCES engine_runs (id) ON DELETE CASCADE,
  at timestamptz NOT NULL,
  type text NOT NULL,
  step_id text,
  status text,
  message text,
  details jsonb
);
CREATE INDEX engine_events_run ON engine_events (run_id, seq)`,
  },
  {
    // for_each children, persisted timers, cancel requests and run leases.
    id: '0002_children_timers_leases',
    sql: `
ALTER TABLE engine_steps ADD COLUMN parent_id text;
ALTER TABLE engine_steps ADD COLUMN item_index integer;
ALTER TABLE engine_steps ADD COLUMN wake_at timestamptz;
ALTER TABLE engine_runs ADD COLUMN cancel_requested boolean NOT NULL DEFAULT false;
ALTER TABLE engine_runs ADD COLUMN lease_owner text;
ALTER TABLE engine_runs ADD COLUMN lease_until timestamptz`,
  },
  {
    // The timeline in one row per run and write (group commit writes many runs at once);
    // `json`, not `jsonb`: it is only ever read whole, and text is cheaper to store.
    id: '0003_timeline_rows',
    sql: `
CREATE TABLE engine_timeline (
  seq bigserial PRIMARY KEY,
  run_id text NOT NULL REFERENCES engine_runs (id) ON DELETE CASCADE,
  events json NOT NULL
);
CREATE INDEX engine_timeline_run ON engine_timeline (run_id, seq);
INSERT INTO engine_timeline (run_id, events)
  SELECT run_id, json_agg(json_build_object('at', at, 'type', type, 'step_id', step_id,
    'status', status, 'message', message, 'details', details) ORDER BY seq)
  FROM engine_events GROUP BY run_id;
DROP TABLE engine_events`,
  },
  {
    // Durable key-value entries of `storage` steps, per tenant and namespace.
    id: '0004_storage',
    sql: `
CREATE TABLE engine_storage (
  tenant_id text NOT NULL,
  namespace text NOT NULL,
  key text NOT NULL,
  value jsonb NOT NULL,
  run_id text,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, namespace, key)
)`,
  },
  {
    // Lighter group-commit writes. The engine reads these documents whole and never queries
    // inside them, so `json` (kept as text) serves where `jsonb` made the server re-parse
    // and re-encode every field of every row. Steps and timelines no longer check their run
    // by foreign key: the engine writes a run's rows in one statement, run first, and never
    // deletes runs; the check was a lookup and a row lock per written row. The events of a
    // run's first write go in the run's own row (`events`), not a timeline row of their own,
    // and so do the steps of a run that had finished by its first write (`steps`): most runs
    // are written once, so most cost one row and one set of index entries, not one a step.
    // A run names its workflow by hash (`workflow_hash`, the definition once in
    // `engine_workflows`) instead of carrying a copy; runs from before keep theirs.
    id: '0005_lighter_writes',
    sql: `
CREATE TABLE engine_workflows (
  hash text PRIMARY KEY,
  workflow json NOT NULL
);
ALTER TABLE engine_runs ADD COLUMN events json, ADD COLUMN steps json,
  ADD COLUMN workflow_hash text, ALTER COLUMN workflow DROP NOT NULL;
ALTER TABLE engine_steps DROP CONSTRAINT IF EXISTS engine_steps_run_id_fkey;
ALTER TABLE engine_timeline DROP CONSTRAINT IF EXISTS engine_timeline_run_id_fkey;
ALTER TABLE engine_runs ALTER COLUMN input TYPE json, ALTER COLUMN error TYPE json,
  ALTER COLUMN workflow TYPE json;
ALTER TABLE engine_steps ALTER COLUMN input TYPE json, ALTER COLUMN output TYPE json,
  ALTER COLUMN error TYPE json, ALTER COLUMN decision TYPE json, ALTER COLUMN job TYPE json`,
  },
  {
    // A start's `Idempotency-Key` (POST /v1/runs): one run a key, across processes. Partial,
    // so runs started without one (most) add no index entry.
    id: '0006_idempotency_keys',
    sql: `
ALTER TABLE engine_runs ADD COLUMN idempotency_key text;
CREATE UNIQUE INDEX engine_runs_idempotency_key ON engine_runs (idempotency_key)
  WHERE idempotency_key IS NOT NULL`,
  },
];
