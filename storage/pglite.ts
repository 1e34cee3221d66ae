import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { Database, Queryable, QueryResult } from './database.js';

// PGlite returns int8 as bigint; parse it as a number, as the pg driver does.
const parsers = { 20: (v: string) => Number(v), 1700: (v: string) => Number(v) };

interface PgliteLike {
  query<R>(sql: string, params?: unknown[]): Promise<{ rows: R[]; affectedRows?: number }>;
}

function wrap(client: PgliteLike): Queryable {
  return {
    async query<R>(sql: string, params: unknown[] = []): Promise<QueryResult<R>> {
      const result = await client.query<R>(sql, params);
      return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
    },
  };
}

export async function openPglite(dataDir: string): Promise<Database> {
  // PGlite needs the parent folder to exist before it makes its own.
  mkdirSync(dirname(dataDir), { recursive: true });
  const db = await PGlite.create(dataDir, { parsers });
  const base = wrap(db);
  return {
    kind: 'pglite',
    query: base.query,
    writer: () => base,
    transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      return db.transaction((tx) => fn(wrap(tx)));
    },
    async exec(sql: string): Promise<void> {
      await db.exec(sql);
    },
    async close(): Promise<void> {
      await db.close();
    },
  };
}
