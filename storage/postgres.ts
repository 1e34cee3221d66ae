import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { CopyRows, Database, Queryable, QueryResult, Writer } from './database.js';

// Return int8 and numeric columns as JS numbers: counts and sizes here stay
// far below 2^53, and both drivers then agree on the value's type.
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v));

function wrap(client: pg.Pool | pg.PoolClient): Queryable {
  return {
    async query<R>(sql: string, params: unknown[] = []): Promise<QueryResult<R>> {
      const result = await client.query(sql, params);
      return { rows: result.rows as R[], rowCount: result.rowCount ?? 0 };
    },
  };
}

/** Sends `rows` through COPY FROM STDIN; resolves once the server has taken them all. */
function copyInto(client: pg.PoolClient, rows: CopyRows): Promise<void> {
  return new Promise((resolve, reject) => {
    const sql = `COPY ${rows.table} (${rows.columns.join(', ')}) FROM STDIN`;
    const stream = client.query(copyFrom(sql));
    stream.on('error', reject);
    stream.on('finish', () => resolve());
    stream.end(rows.text);
  });
}

/**
 * A connection kept out of the pool for one writer: once it is open, a
 * statement goes to the server synchronously, in the caller's own turn.
 * A connection that fails is given back broken and the next statement opens
 * another.
 */
function ownConnection(pool: pg.Pool) {
  let client: pg.PoolClient | undefined;
  let opening: Promise<pg.PoolClient> | undefined;
  const drop = (err?: Error) => {
    const c = client;
    client = undefined;
    opening = undefined;
    c?.release(err ?? true);
  };
  const open = () => (opening ??= pool.connect().then((c) => {
    client = c;
    c.on('error', (err) => drop(err));
    return c;
  }, (err: unknown) => {
    opening = undefined;
    throw err;
  }));
  // A refused statement leaves the connection usable; a lost or FATAL one does not.
  const failed = (err: unknown) => {
    const refused = err instanceof pg.DatabaseError && err.severity === 'ERROR';
    if (!refused) drop(err as Error);
    return err;
  };
  const writer: Writer = {
    async query<R>(sql: string, params: unknown[] = []): Promise<QueryResult<R>> {
      const c = client ?? await open();
      try {
        const result = await c.query(sql, params);
        return { rows: result.rows as R[], rowCount: result.rowCount ?? 0 };
      } catch (err) {
        throw failed(err);
      }
    },
    async load(rows, then) {
      const c = client ?? await open();
      // One statement is its own transaction; a COPY and a statement need one around them.
      let inTransaction = false;
      try {
        if (then) {
          await c.query('BEGIN');
          inTransaction = true;
        }
        await copyInto(c, rows);
        if (then) {
          await c.query(then.sql, then.params);
          await c.query('COMMIT');
          inTransaction = false;
        }
      } catch (err) {
        if (inTransaction && client === c) await c.query('ROLLBACK').catch(() => undefined);
        throw failed(err);
      }
    },
  };
  return { writer, close: () => drop() };
}

export async function openPostgres(url: string, poolSize: number): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // An idle client that loses its server must not crash the process.
  pool.on('error', () => undefined);
  const base = wrap(pool);
  // Writers' own connections, opened when first used.
  const owned: ReturnType<typeof ownConnection>[] = [];
  const own = (lane: number) => (owned[lane] ??= ownConnection(pool));
  return {
    kind: 'postgres',
    query: base.query,
    writer: (lane = 0) => own(lane).writer,
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const value = await fn(wrap(client));
        await client.query('COMMIT');
        return value;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    async exec(sql: string): Promise<void> {
      await pool.query(sql);
    },
    async close(): Promise<void> {
      for (const o of owned) o?.close();
      await pool.end();
    },
  };
}
