import { existsSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { CopyRows, Database, Queryable, QueryResult, Writer } from './database.js';
import { lockFolder } from './folder_lock.js';
import { initialDataDir } from './pglite_initial.js';
import { makeFolders } from '../packs/folders.js';

// PGlite returns int8 as bigint; parse it as a number, as the pg driver does.
const parsers = { 20: (v: string) => Number(v), 1700: (v: string) => Number(v) };

const JSON_OID = 114;

/**
 * A `json` parameter as UTF-8 bytes. PGlite sends bytes in binary format,
 * which for `json` is the text itself; a text parameter it would first
 * measure and copy character by character in JavaScript, about a tenth of
 * the engine's batched writes.
 */
function jsonBytes(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  // PGlite's serializers are typed as answering text; it sends any byte view as binary.
  return Buffer.from(text, 'utf8') as unknown as string;
}

const serializers = { [JSON_OID]: jsonBytes };

interface PgliteLike {
  query<R>(sql: string, params?: unknown[], options?: { blob?: Blob }):
    Promise<{ rows: R[]; affectedRows?: number }>;
}

/** PGlite's COPY reads its rows from the query's blob, named `/dev/blob`. */
function copyInto(client: PgliteLike, rows: CopyRows): Promise<unknown> {
  return client.query(`COPY ${rows.table} (${rows.columns.join(', ')}) FROM '/dev/blob'`, [],
    { blob: new Blob([rows.text]) });
}

function wrap(client: PgliteLike): Queryable {
  return {
    async query<R>(sql: string, params: unknown[] = []): Promise<QueryResult<R>> {
      const result = await client.query<R>(sql, params);
      return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
    },
  };
}

/**
 * A new folder made from the build's dump of a fresh database, or undefined
 * for PGlite's initdb (no usable dump, a folder that is not empty, or the
 * dump failed). A marker beside the folder stands while the dump is
 * unpacked: a folder found with it was cut off half made (the process
 * stopped), and is made again. The caller holds the folder's lock.
 */
async function fromDump(dataDir: string): Promise<PGlite | undefined> {
  const marker = `${dataDir}.unpacking`;
  if (existsSync(marker)) {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(marker, { force: true });
  }
  // Only into a folder that is new or empty, so that a failure removes nobody's files.
  if (!isNewOrEmpty(dataDir)) return undefined;
  const initial = initialDataDir();
  if (!initial) return undefined;
  writeFileSync(marker, `${process.pid}\n`);
  try {
    const db = await PGlite.create(dataDir, { parsers, serializers, loadDataDir: initial });
    rmSync(marker, { force: true });
    return db;
  } catch {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(marker, { force: true });
    return undefined;
  }
}

function isNewOrEmpty(dir: string): boolean {
  try {
    return readdirSync(dir).length === 0;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT';
  }
}

/** A database folder that is a file (PGlite answered it with `[object Object]`). */
export class NotAFolder extends Error {
  readonly code = 'database_not_a_folder';
}

async function openOne(dataDir: string): Promise<Database> {
  if (existsSync(dataDir) && !statSync(dataDir).isDirectory()) {
    throw new NotAFolder(`${dataDir} is a file, not a database folder: move it away, or ` +
      'give --data another folder');
  }
  // PGlite needs the parent folder to exist before it makes its own.
  makeFolders(dirname(dataDir));
  const unlock = lockFolder(dataDir);
  let db: PGlite;
  try {
    db = (await fromDump(dataDir)) ?? await PGlite.create(dataDir, { parsers, serializers });
  } catch (err) {
    unlock();
    throw err;
  }
  const base = wrap(db);
  const writer: Writer = {
    query: base.query,
    async load(rows, then) {
      if (!then) {
        await copyInto(db, rows);
        return;
      }
      await db.transaction(async (tx) => {
        await copyInto(tx, rows);
        await tx.query(then.sql, then.params);
      });
    },
  };
  return {
    kind: 'pglite',
    query: base.query,
    writer: () => writer,
    transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      return db.transaction((tx) => fn(wrap(tx)));
    },
    async exec(sql: string): Promise<void> {
      await db.exec(sql);
    },
    async close(): Promise<void> {
      try {
        await db.close();
      } finally {
        unlock();
      }
    },
  };
}

/** The folders this process has open, each one PGlite shared by its handles. */
const opened = new Map<string, { db: Promise<Database>; handles: number }>();

/**
 * Opens the PGlite database in `dataDir`. Handles of one process on one
 * folder share one PGlite (two would each work on their own copy and lose
 * each other's writes); it closes when the last handle does.
 */
export async function openPglite(dataDir: string): Promise<Database> {
  const key = resolve(dataDir);
  let entry = opened.get(key);
  if (!entry) {
    const db = openOne(key);
    entry = { db, handles: 0 };
    opened.set(key, entry);
    db.catch(() => opened.delete(key));
  }
  entry.handles++;
  const db = await entry.db;
  const shared = entry;
  let closed = false;
  return {
    ...db,
    async close() {
      if (closed) return;
      closed = true;
      if (--shared.handles > 0) return;
      opened.delete(key);
      await db.close();
    },
  };
}
