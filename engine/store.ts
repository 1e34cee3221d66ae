/**
 * Runs, steps, approvals and timelines in the database (PostgreSQL or
 * PGlite, the same SQL). Every change is written when it happens, so a run
 * that waits for approval survives the process and resumes in another.
 */
import type { Database, Queryable } from '../storage/database.js';
import { migrate } from '../storage/migrate.js';
import { ENGINE_MIGRATIONS } from './migrations.js';
import type {
  ApprovalRecord,
  ApprovalStatus,
  RunRecord,
  RunView,
  Status,
  StepRecord,
  TimelineEvent,
} from './records.js';
import { isTerminal } from './records.js';
import { json, toApproval, toEvent, toRun, toStep, type Row } from './store_rows.js';
import type { StepError } from './errors.js';

export type StepPatch = Partial<
  Pick<
    StepRecord,
    | 'status'
    | 'skipped'
    | 'input'
    | 'output'
    | 'error'
    | 'decision'
    | 'job'
    | 'attempts'
    | 'started_at'
    | 'finished_at'
    | 'wake_at'
  >
>;

export type NewRun = Pick<
  RunRecord,
  'id' | 'workflow_id' | 'tenant_id' | 'input' | 'snapshot_hash' | 'workflow'
>;

export type NewEvent = Omit<TimelineEvent, 'seq' | 'at'>;

const JSON_COLUMNS = new Set(['input', 'output', 'error', 'decision', 'job']);
const STEP_COLUMNS = [
  'status',
  'skipped',
  'input',
  'output',
  'error',
  'decision',
  'job',
  'attempts',
  'started_at',
  'finished_at',
  'wake_at',
] as const;

/** How long a claim on a run lasts unless its process renews it. */
export const DEFAULT_LEASE_MS = 30_000;


/** Opens the engine's tables, creating or upgrading them first. */
export async function openEngineStore(db: Database, clock: () => Date = () => new Date()) {
  await migrate(db, 'engine', ENGINE_MIGRATIONS);
  return new EngineStore(db, clock, db);
}

export class EngineStore {
  /**
   * `db` is the connection; `pool`, when given, can open transactions. A
   * store made by `atomically` is bound to one transaction and has none.
   */
  constructor(
    private readonly db: Queryable,
    private readonly clock: () => Date,
    private readonly pool?: Database,
  ) {}

  now(): string {
    return this.clock().toISOString();
  }

  /**
   * Runs `fn` in one transaction holding the run's row lock. Approving a
   * step and settling a run's status both go through here, so a step
   * approved while another process advances the run is never lost.
   */
  async atomically<T>(runId: string, fn: (tx: EngineStore) => Promise<T>): Promise<T> {
    return this.inTransaction(async (q) => {
      await q.query('SELECT id FROM engine_runs WHERE id = $1 FOR UPDATE', [runId]);
      return fn(new EngineStore(q, this.clock));
    });
  }

  private inTransaction<T>(fn: (q: Queryable) => Promise<T>): Promise<T> {
    return this.pool ? this.pool.transaction(fn) : fn(this.db);
  }

  /** Records a new run (`pending`) with every step `pending`, in order. */
  async createRun(run: NewRun, steps: { step_id: string; type: string }[]): Promise<void> {
    const now = this.now();
    await this.inTransaction(async (tx) => {
      await tx.query(
        `INSERT INTO engine_runs (id, workflow_id, tenant_id, status, input, snapshot_hash,
           workflow, created_at, updated_at)
         VALUES ($1, $2, $3, 'pending', $4::jsonb, $5, $6::jsonb, $7, $7)`,
        [
          run.id,
          run.workflow_id,
          run.tenant_id,
          json(run.input),
          run.snapshot_hash,
          json(run.workflow),
          now,
        ],
      );
      for (const [position, step] of steps.entries()) {
        await tx.query(
          `INSERT INTO engine_steps (run_id, step_id, position, type, status)
           VALUES ($1, $2, $3, $4, 'pending')`,
          [run.id, step.step_id, position, step.type],
        );
      }
      await insertEvent(tx, run.id, now, { type: 'run_created', status: 'pending' });
    });
  }

  /**
   * Moves a run from one of `from` to `running` and starts its clock.
   * Undefined when the run is not in one of those statuses (another process
   * holds it, or it has finished), so two processes never run it at once.
   */
  async claimRun(
    runId: string,
    from: Status[],
    lease: { owner: string; ms: number } = { owner: 'local', ms: DEFAULT_LEASE_MS },
  ): Promise<RunRecord | undefined> {
    const now = this.now();
    const until = new Date(Date.parse(now) + lease.ms).toISOString();
    // A `running` run whose lease ran out belongs to a dead process: take it over.
    const result = await this.db.query<Row>(
      `UPDATE engine_runs SET status = 'running', started_at = COALESCE(started_at, $2),
         resumed_at = CASE WHEN status = 'running' THEN resumed_at ELSE $2 END,
         updated_at = $2, lease_owner = $4, lease_until = $5
       WHERE id = $1 AND (status = ANY($3::text[])
         OR (status = 'running' AND lease_until IS NOT NULL AND lease_until < $2))
       RETURNING *, (SELECT status FROM engine_runs r WHERE r.id = $1) AS was`,
      [runId, now, from, lease.owner, until],
    );
    const row = result.rows[0];
    if (!row) return undefined;
    if (row.was === 'running') {
      // Steps the dead process had in flight start again, keeping their attempt number.
      await this.db.query(
        `UPDATE engine_steps SET status = 'pending' WHERE run_id = $1 AND status = 'running'`,
        [runId],
      );
      await this.addEvent(runId, {
        type: 'run_taken_over',
        status: 'running',
        details: { owner: lease.owner },
      });
    } else {
      await this.addEvent(runId, {
        type: 'run_status',
        status: 'running',
        details: { owner: lease.owner },
      });
    }
    return toRun(row);
  }

  /** Renews the lease; answers whether cancel was asked, or undefined if the lease is lost. */
  async renewLease(runId: string, owner: string, ms: number): Promise<boolean | undefined> {
    const until = new Date(this.clock().getTime() + ms).toISOString();
    const result = await this.db.query<Row>(
      `UPDATE engine_runs SET lease_until = $3
       WHERE id = $1 AND lease_owner = $2 AND status = 'running' RETURNING cancel_requested`,
      [runId, owner, until],
    );
    return result.rows[0] ? result.rows[0].cancel_requested === true : undefined;
  }

  async requestCancel(runId: string): Promise<void> {
    await this.db.query('UPDATE engine_runs SET cancel_requested = true WHERE id = $1', [runId]);
  }

  /**
   * Runs another process should pick up: pending ones, running ones whose
   * lease ran out, and waiting ones with a timer due.
   */
  async dueRuns(limit: number): Promise<string[]> {
    const now = this.now();
    const result = await this.db.query<Row>(
      `SELECT id FROM engine_runs r WHERE status = 'pending'
         OR (status = 'running' AND lease_until < $1)
         OR (status = 'waiting' AND EXISTS (SELECT 1 FROM engine_steps s WHERE s.run_id = r.id
               AND s.status = 'waiting' AND s.wake_at IS NOT NULL AND s.wake_at <= $1))
       ORDER BY created_at LIMIT $2`,
      [now, limit],
    );
    return result.rows.map((r) => String(r.id));
  }

  /** Wakes the waiting steps of a run whose timers are due (they go back to `pending`). */
  async wakeTimers(runId: string): Promise<void> {
    await this.db.query(
      `UPDATE engine_steps SET status = 'pending'
       WHERE run_id = $1 AND status = 'waiting' AND wake_at IS NOT NULL AND wake_at <= $2`,
      [runId, this.now()],
    );
  }

  /** Records the children of a `for_each` step once; a resumed run keeps those it has. */
  async addChildren(
    runId: string,
    parent: { step_id: string; position: number; type: string },
    count: number,
  ): Promise<void> {
    for (let i = 0; i < count; i++) {
      await this.db.query(
        `INSERT INTO engine_steps (run_id, step_id, position, type, status, parent_id, item_index)
         VALUES ($1, $2, $3, $4, 'pending', $5, $6) ON CONFLICT (run_id, step_id) DO NOTHING`,
        [runId, `${parent.step_id}[${i}]`, parent.position, parent.type, parent.step_id, i],
      );
    }
  }

  /** Leaves `running` for `status`, adding the time spent to `active_ms`. */
  async releaseRun(runId: string, status: Status, error?: StepError): Promise<void> {
    const now = this.now();
    await this.db.query(
      `UPDATE engine_runs SET status = $2, error = $3::jsonb, updated_at = $4,
         active_ms = active_ms + COALESCE(GREATEST(0,
           CAST(EXTRACT(EPOCH FROM ($4::timestamptz - resumed_at)) * 1000 AS bigint)), 0),
         resumed_at = NULL, lease_owner = NULL, lease_until = NULL,
         finished_at = CASE WHEN $5::boolean THEN $4::timestamptz ELSE NULL END
       WHERE id = $1`,
      [runId, status, error === undefined ? null : json(error), now, isTerminal(status)],
    );
    const event: NewEvent = { type: 'run_status', status };
    if (error) event.message = error.message;
    await this.addEvent(runId, event);
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    const result = await this.db.query<Row>('SELECT * FROM engine_runs WHERE id = $1', [runId]);
    return result.rows[0] ? toRun(result.rows[0]) : undefined;
  }

  async view(runId: string): Promise<RunView | undefined> {
    const run = await this.getRun(runId);
    if (!run) return undefined;
    const steps = await this.db.query<Row>(
      'SELECT * FROM engine_steps WHERE run_id = $1 ORDER BY position, COALESCE(item_index, -1)',
      [runId],
    );
    const approvals = await this.db.query<Row>(
      'SELECT * FROM engine_approvals WHERE run_id = $1 ORDER BY requested_at, step_id',
      [runId],
    );
    return { run, steps: steps.rows.map(toStep), approvals: approvals.rows.map(toApproval) };
  }

  /** The newest runs first. */
  async listRuns(limit = 50): Promise<RunRecord[]> {
    const result = await this.db.query<Row>(
      'SELECT * FROM engine_runs ORDER BY created_at DESC, id LIMIT $1',
      [limit],
    );
    return result.rows.map(toRun);
  }

  async updateStep(runId: string, stepId: string, patch: StepPatch): Promise<void> {
    const sets: string[] = [];
    const params: unknown[] = [runId, stepId];
    for (const column of STEP_COLUMNS) {
      if (!(column in patch)) continue;
      const value = patch[column];
      params.push(value === undefined ? null : JSON_COLUMNS.has(column) ? json(value) : value);
      sets.push(`${column} = $${params.length}${JSON_COLUMNS.has(column) ? '::jsonb' : ''}`);
    }
    if (sets.length === 0) return;
    await this.db.query(
      `UPDATE engine_steps SET ${sets.join(', ')} WHERE run_id = $1 AND step_id = $2`,
      params,
    );
  }

  async requestApproval(runId: string, stepId: string, why: { rule_id?: string; reason?: string }) {
    await this.db.query(
      `INSERT INTO engine_approvals (run_id, step_id, status, rule_id, reason, requested_at)
       VALUES ($1, $2, 'pending', $3, $4, $5)
       ON CONFLICT (run_id, step_id) DO UPDATE SET status = 'pending', rule_id = $3,
         reason = $4, requested_at = $5, decided_at = NULL, decided_by = NULL, note = NULL`,
      [runId, stepId, why.rule_id ?? null, why.reason ?? null, this.now()],
    );
  }

  /** Decides a pending approval; undefined when it was not pending. */
  async decideApproval(
    runId: string,
    stepId: string,
    decision: { status: ApprovalStatus; note?: string; by?: string },
  ): Promise<ApprovalRecord | undefined> {
    const result = await this.db.query<Row>(
      `UPDATE engine_approvals SET status = $3, note = $4, decided_by = $5, decided_at = $6
       WHERE run_id = $1 AND step_id = $2 AND status = 'pending' RETURNING *`,
      [runId, stepId, decision.status, decision.note ?? null, decision.by ?? null, this.now()],
    );
    return result.rows[0] ? toApproval(result.rows[0]) : undefined;
  }

  async getApproval(runId: string, stepId: string): Promise<ApprovalRecord | undefined> {
    const result = await this.db.query<Row>(
      'SELECT * FROM engine_approvals WHERE run_id = $1 AND step_id = $2',
      [runId, stepId],
    );
    return result.rows[0] ? toApproval(result.rows[0]) : undefined;
  }

  async addEvent(runId: string, event: NewEvent): Promise<void> {
    await insertEvent(this.db, runId, this.now(), event);
  }

  async timeline(runId: string): Promise<TimelineEvent[]> {
    const result = await this.db.query<Row>(
      'SELECT * FROM engine_events WHERE run_id = $1 ORDER BY seq',
      [runId],
    );
    return result.rows.map(toEvent);
  }
}

async function insertEvent(q: Queryable, runId: string, at: string, e: NewEvent): Promise<void> {
  await q.query(
    `INSERT INTO engine_events (run_id, at, type, step_id, status, message, details)
     VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)`,
    [
      runId,
      at,
      e.type,
      e.step_id ?? null,
      e.status ?? null,
      e.message ?? null,
      e.details === undefined ? null : json(e.details),
    ],
  );
}
