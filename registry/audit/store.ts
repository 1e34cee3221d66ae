/** Rows of the audit log: one per write and per denied request. */
import type { Queryable } from '../../storage/database.js';
import { isoTime } from '../store/rows.js';

export type AuditResult = 'ok' | 'denied' | 'failed';

export interface AuditRecord {
  at: string;
  request_id: string;
  /** The token id, or `anonymous`. */
  actor: string;
  publisher: string | null;
  /** e.g. `pack.publish`, or `METHOD /route/:pattern` for a route without a name. */
  action: string;
  /** What it acted on: `pack@version`, a key id, or the path. */
  target: string;
  result: AuditResult;
  status: number;
  code: string | null;
  address: string | null;
  method: string;
  path: string;
}

export async function insertAudit(db: Queryable, r: AuditRecord): Promise<void> {
  await db.query(
    `INSERT INTO registry_audit (at, request_id, actor, publisher, action, target, result,
       status, code, address, method, path)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
    [r.at, r.request_id, r.actor, r.publisher, r.action, r.target, r.result, r.status, r.code,
      r.address, r.method, r.path]);
}

interface AuditRow extends Omit<AuditRecord, 'at'> {
  at: unknown;
}

/** Records in time order, from `since` (inclusive) to `until` (exclusive). */
export async function listAudit(db: Queryable, q: { since?: Date; until?: Date; limit: number }):
Promise<AuditRecord[]> {
  const { rows } = await db.query<AuditRow>(
    `SELECT at, request_id, actor, publisher, action, target, result, status, code, address,
            method, path
       FROM registry_audit
      WHERE ($1::timestamptz IS NULL OR at >= $1) AND ($2::timestamptz IS NULL OR at < $2)
      ORDER BY at, id LIMIT $3`,
    [q.since ?? null, q.until ?? null, q.limit]);
  return rows.map((r) => ({ ...r, at: isoTime(r.at), status: Number(r.status) }));
}
