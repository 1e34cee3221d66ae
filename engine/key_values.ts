/**
 * The engine's durable key-value store, which `storage` steps read and
 * write (table `engine_storage`). Every entry belongs to one tenant and one
 * namespace: a step reaches only its run's tenant, so tenants never see
 * each other's keys. Writes go straight to the database, not through the
 * run journal, so a value is visible to every run once the step succeeds.
 */
import type { Queryable } from '../storage/database.js';

export interface Entry {
  key: string;
  value: unknown;
}

/** Where an entry lives: the run's tenant and the step's namespace. */
export interface Scope {
  tenant: string;
  namespace: string;
}

const PUT = `INSERT INTO engine_storage (tenant_id, namespace, key, value, run_id, updated_at)
  VALUES ($1, $2, $3, $4::jsonb, $5, $6)
  ON CONFLICT (tenant_id, namespace, key)
  DO UPDATE SET value = EXCLUDED.value, run_id = EXCLUDED.run_id, updated_at = EXCLUDED.updated_at
  RETURNING (xmax = 0) AS created`;

const GET = `SELECT value FROM engine_storage
  WHERE tenant_id = $1 AND namespace = $2 AND key = $3`;

const DELETE = `DELETE FROM engine_storage
  WHERE tenant_id = $1 AND namespace = $2 AND key = $3 RETURNING key`;

// `starts_with` compares characters, so `%` and `_` in a prefix mean themselves.
const LIST = `SELECT key, value FROM engine_storage
  WHERE tenant_id = $1 AND namespace = $2 AND starts_with(key, $3)
  ORDER BY key COLLATE "C" LIMIT $4`;

export class KeyValueStore {
  constructor(
    private readonly db: Queryable,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** Writes `value` under `key`; answers whether the key was new. */
  async put(scope: Scope, key: string, value: unknown, runId: string): Promise<boolean> {
    const now = this.clock().toISOString();
    const params = [scope.tenant, scope.namespace, key, JSON.stringify(value), runId, now];
    const result = await this.db.query<{ created: boolean }>(PUT, params);
    return result.rows[0]?.created === true;
  }

  async get(scope: Scope, key: string): Promise<{ found: boolean; value: unknown }> {
    const result = await this.db.query<{ value: unknown }>(GET, [
      scope.tenant,
      scope.namespace,
      key,
    ]);
    const row = result.rows[0];
    return row ? { found: true, value: row.value } : { found: false, value: null };
  }

  /** Removes `key`; answers whether it was there. */
  async delete(scope: Scope, key: string): Promise<boolean> {
    const result = await this.db.query(DELETE, [scope.tenant, scope.namespace, key]);
    return result.rows.length > 0;
  }

  /**
   * The entries whose key starts with `prefix`, in key order (byte order),
   * at most `limit`; `truncated` says that more were left.
   */
  async list(
    scope: Scope,
    prefix: string,
    limit: number,
  ): Promise<{ entries: Entry[]; truncated: boolean }> {
    const params = [scope.tenant, scope.namespace, prefix, limit + 1];
    const result = await this.db.query<Entry>(LIST, params);
    const entries = result.rows.slice(0, limit).map((r) => ({ key: r.key, value: r.value }));
    return { entries, truncated: result.rows.length > limit };
  }
}
