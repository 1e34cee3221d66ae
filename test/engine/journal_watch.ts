/** The engine's journal writes, watched as they pass through to the real database. */
import { JOURNAL_WRITE } from '../../engine/journal.js';
import type { Database } from '../../storage/database.js';

/**
 * The database, each of its journal writes handed to `seen` once done (which
 * may throw, as if the answer were lost): a write is the statement, or the
 * COPY of first writes followed by the statement when it has more.
 */
export function watchJournal(db: Database, seen: (params: unknown[]) => void): Database {
  const writer = db.writer();
  const wrapped = Object.create(db) as Database;
  wrapped.writer = () => ({
    query: async <R,>(sql: string, params?: unknown[]) => {
      const result = await writer.query<R>(sql, params);
      if (sql === JOURNAL_WRITE) seen(params ?? []);
      return result;
    },
    load: async (rows, then) => {
      await writer.load(rows, then);
      seen(then?.params ?? []);
    },
  });
  return wrapped;
}
