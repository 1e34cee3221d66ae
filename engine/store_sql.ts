/** The engine store's statements that run one at a time (the journal batches the rest). */

/** A run's workflow: its own copy (runs from before 0005) or the one its hash names. */
export const STORED_WORKFLOW = `(SELECT w.workflow FROM engine_workflows w
  WHERE w.hash = engine_runs.workflow_hash) AS stored_workflow`;

/** A run's whole row, its workflow found. */
export const RUN_ROW = `*, ${STORED_WORKFLOW}`;

/**
 * Claims a run that is due, or taken over from a process whose lease ran out: the time it
 * ran there (until now) counts against its `timeout_sec` as if it had been released.
 */
/**
 * Claims a run; taking over from a dead process, the time the run had there
 * counts toward its `timeout_sec`, up to that process's last sign of life
 * (its last write, or its last lease renewal: the lapsed lease less one
 * lease length, ours) and not while nobody ran it.
 */
export const CLAIM_RUN = `UPDATE engine_runs
  SET status = 'running', started_at = COALESCE(started_at, $2),
  active_ms = active_ms + CASE WHEN status = 'running' THEN COALESCE(GREATEST(0,
  CAST(EXTRACT(EPOCH FROM (LEAST($2::timestamptz, GREATEST(updated_at,
    lease_until - ($5::timestamptz - $2::timestamptz))) - resumed_at)) * 1000 AS bigint)), 0)
  ELSE 0 END,
  resumed_at = $2, updated_at = $2, lease_owner = $4, lease_until = $5
  WHERE id = $1 AND (status = ANY($3::text[])
  OR (status = 'running' AND lease_until IS NOT NULL AND lease_until < $2))
  RETURNING *, ${STORED_WORKFLOW}, (SELECT status FROM engine_runs r WHERE r.id = $1) AS was`;

export const RENEW_LEASE = `UPDATE engine_runs SET lease_until = $3
  WHERE id = $1 AND lease_owner = $2 AND status = 'running' RETURNING cancel_requested`;

export const DUE_RUNS = `SELECT id FROM engine_runs r
  WHERE (status = 'pending' AND created_at <= $3)
  OR (status = 'running' AND lease_until < $1)
  OR (status = 'waiting' AND EXISTS (SELECT 1 FROM engine_steps s WHERE s.run_id = r.id
  AND s.status = 'waiting' AND s.wake_at IS NOT NULL AND s.wake_at <= $1))
  ORDER BY created_at LIMIT $2`;

export const WAKE_TIMERS = `UPDATE engine_steps SET status = 'pending'
  WHERE run_id = $1 AND status = 'waiting' AND wake_at IS NOT NULL AND wake_at <= $2`;

export const INSERT_CHILD = `INSERT INTO engine_steps
  (run_id, step_id, position, type, status, parent_id, item_index)
  VALUES ($1, $2, $3, $4, 'pending', $5, $6) ON CONFLICT (run_id, step_id) DO NOTHING`;

export const RELEASE_RUN = `UPDATE engine_runs SET status = $2, error = $3::json, updated_at = $4,
  active_ms = active_ms + COALESCE(GREATEST(0,
  CAST(EXTRACT(EPOCH FROM ($4::timestamptz - resumed_at)) * 1000 AS bigint)), 0),
  resumed_at = NULL, lease_owner = NULL, lease_until = NULL,
  finished_at = CASE WHEN $5::boolean THEN $4::timestamptz ELSE NULL END
  WHERE id = $1`;

export const REQUEST_APPROVAL = `INSERT INTO engine_approvals
  (run_id, step_id, status, rule_id, reason, requested_at)
  VALUES ($1, $2, 'pending', $3, $4, $5)
  ON CONFLICT (run_id, step_id) DO UPDATE SET status = 'pending', rule_id = $3,
  reason = $4, requested_at = $5, decided_at = NULL, decided_by = NULL, note = NULL
  RETURNING *`;

export const DECIDE_APPROVAL = `UPDATE engine_approvals
  SET status = $3, note = $4, decided_by = $5, decided_at = $6
  WHERE run_id = $1 AND step_id = $2 AND status = 'pending' RETURNING *`;
