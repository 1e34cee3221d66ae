/**
 * One small interface over PostgreSQL (through `pg`) and the embedded PGlite,
 * so the registry and the engine run the same SQL on either.
 */
export interface QueryResult<R> {
  rows: R[];
  rowCount: number;
}

/** Something that runs a parameterised SQL statement. */
export interface Queryable {
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryResult<R>>;
}

/** Rows for one table in COPY's text format: one line a row, columns in `columns` order. */
export interface CopyRows {
  table: string;
  columns: readonly string[];
  text: string;
}

/** A writer's connection: statements, and bulk loads through COPY. */
export interface Writer extends Queryable {
  /**
   * Loads `rows` with COPY, then runs `then` if given, in one transaction:
   * both are written or neither is. COPY skips the per-row work of an
   * `INSERT ... SELECT` from JSON, but cannot update a row already there.
   */
  load(rows: CopyRows, then?: { sql: string; params: unknown[] }): Promise<void>;
}

export interface Database extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** Runs `fn` in one transaction; a throw rolls everything back. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * For one writer that must not wait: statements on a connection of its
   * own, each sent the moment it is given (through a pool a statement waits
   * for the next turn of the event loop to get a connection). One statement
   * at a time on each is the caller's to keep to; `lane` picks one of
   * several such connections. PGlite has one connection anyway.
   */
  writer(lane?: number): Writer;
  /** Runs a script of several statements (migrations). */
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** A PostgreSQL connection string; when absent PGlite is used. */
  url?: string;
  /** The PGlite data folder (created when missing). */
  dataDir?: string;
  /** Pool size for PostgreSQL. */
  poolSize?: number;
}

/** Opens PostgreSQL when a URL is given, else PGlite in `dataDir`. */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.url) {
    const { openPostgres } = await import('./postgres.js');
    return openPostgres(options.url, options.poolSize ?? 10);
  }
  if (!options.dataDir) throw new Error('openDatabase needs a url or a dataDir');
  const { openPglite } = await import('./pglite.js');
  return openPglite(options.dataDir);
}

/** Errors of a database connection that is refused, lost or shut down. */
// 3D000: the database is gone; 28000/28P01: its login refused; 55000 as a connection's
// first answer: it accepts no connections (ALTER DATABASE ... ALLOW_CONNECTIONS false).
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE',
  'EHOSTUNREACH', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006',
  '3D000', '28000', '28P01']);

/** Whether `reason` says the database could not be reached (not that it refused a statement). */
export function isConnectionLoss(reason: unknown): boolean {
  if (!(reason instanceof Error)) return false;
  const code = (reason as { code?: unknown }).code;
  return (typeof code === 'string' && CONNECTION_CODES.has(code)) ||
    (code === '55000' && /not currently accepting connections/.test(reason.message)) ||
    // pg's own "Connection terminated unexpectedly" carries no code; an error of ours that
    // merely quotes those words (a step's input in its message) has one.
    (code === undefined && /^Connection terminated/i.test(reason.message));
}
