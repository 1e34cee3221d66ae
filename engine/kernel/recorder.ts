/**
 * Decisions made through the engine, kept so a candidate policy can be
 * tried against real traffic (`cordum policy simulate`). Recording never
 * slows a decision: rows wait in memory and go to the database in batches,
 * and past `maxPending` the oldest waiting rows are dropped and counted. A
 * batch the database refuses (or cannot take: an outage) is dropped and
 * counted too, never thrown at the decision path or left unhandled.
 */
import type { DecisionResult, PolicyRequest } from '../../packs/policy/types.js';
import type { Database } from '../../storage/database.js';

export interface RecordedDecision {
  id: number;
  request: PolicyRequest;
  decision: string;
  ruleId?: string;
  snapshotHash: string;
  snapshotVersion: number;
  requestId?: string;
  decidedAt: string;
}

interface Pending {
  request: PolicyRequest;
  result: DecisionResult;
  version: number;
  requestId: string | undefined;
  at: Date;
}

export interface RecorderOptions {
  batchSize?: number;
  maxPending?: number;
  clock?: () => Date;
}

export class DecisionRecorder {
  private pending: Pending[] = [];
  private flushing: Promise<void> | undefined;
  dropped = 0;
  /** Why the last batch that failed was not stored. */
  lastError: Error | undefined;
  private readonly batchSize: number;
  private readonly maxPending: number;
  private readonly clock: () => Date;

  constructor(private readonly db: Database, options: RecorderOptions = {}) {
    this.batchSize = options.batchSize ?? 500;
    this.maxPending = options.maxPending ?? 50_000;
    this.clock = options.clock ?? (() => new Date());
  }

  record(request: PolicyRequest, result: DecisionResult, version: number, requestId?: string) {
    if (this.pending.length >= this.maxPending) {
      this.pending.shift();
      this.dropped++;
    }
    this.pending.push({ request, result, version, requestId, at: this.clock() });
    if (this.pending.length >= this.batchSize && !this.flushing) void this.flush();
  }

  /** Writes every waiting row; resolves once they are stored. */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.pending.length === 0) return;
    this.flushing = this.writeAll().finally(() => {
      this.flushing = undefined;
    });
    await this.flushing;
  }

  private async writeAll(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, this.batchSize);
      const params: unknown[] = [];
      const values = batch.map((p, i) => {
        params.push(JSON.stringify(p.request), p.result.decision, p.result.ruleId ?? null,
          p.result.snapshotHash, p.version, p.requestId ?? null, p.at);
        const b = i * 7;
        return `($${b + 1}::jsonb, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}, $${b + 6}, ` +
          `$${b + 7})`;
      });
      try {
        await this.db.query(
          `INSERT INTO engine_policy_decisions (request, decision, rule_id, snapshot_hash,
             snapshot_version, request_id, decided_at) VALUES ${values.join(', ')}`,
          params,
        );
      } catch (err) {
        this.dropped += batch.length;
        this.lastError = err as Error;
      }
    }
  }

  /**
   * Recorded decisions, oldest first; by snapshot hash when given. At most
   * `limit`: the oldest ones, or with `newest` the most recent ones.
   */
  async list(options: { snapshotHash?: string; limit?: number; newest?: boolean } = {}):
  Promise<RecordedDecision[]> {
    await this.flush();
    const where = options.snapshotHash ? 'WHERE snapshot_hash = $2' : '';
    const params: unknown[] = [options.limit ?? 10_000];
    if (options.snapshotHash) params.push(options.snapshotHash);
    const order = options.newest ? 'DESC' : 'ASC';
    const { rows } = await this.db.query<Record<string, unknown>>(
      `SELECT id, request, decision, rule_id, snapshot_hash, snapshot_version, request_id,
              decided_at FROM engine_policy_decisions ${where} ORDER BY id ${order} LIMIT $1`,
      params,
    );
    const out = rows.map(toRecorded);
    return options.newest ? out.reverse() : out;
  }

  /** How many decisions are recorded (under one snapshot hash, when given). */
  async count(options: { snapshotHash?: string } = {}): Promise<number> {
    await this.flush();
    const where = options.snapshotHash ? 'WHERE snapshot_hash = $1' : '';
    const { rows } = await this.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM engine_policy_decisions ${where}`,
      options.snapshotHash ? [options.snapshotHash] : [],
    );
    return Number(rows[0]?.n ?? 0);
  }
}

function toRecorded(r: Record<string, unknown>): RecordedDecision {
  const out: RecordedDecision = {
    id: Number(r.id),
    request: r.request as PolicyRequest,
    decision: String(r.decision),
    snapshotHash: String(r.snapshot_hash),
    snapshotVersion: Number(r.snapshot_version),
    decidedAt: r.decided_at instanceof Date ? r.decided_at.toISOString() : String(r.decided_at),
  };
  if (r.rule_id !== null && r.rule_id !== undefined) out.ruleId = String(r.rule_id);
  if (r.request_id !== null && r.request_id !== undefined) out.requestId = String(r.request_id);
  return out;
}
