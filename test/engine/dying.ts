/** A database connection that is lost for good at a moment a test picks: a process dying. */
import type { CopyRows, Database, Queryable } from '../../storage/database.js';

/**
 * `db`, every use of it failing as a lost connection once `dead()` holds;
 * `loaded` is told of each COPY that went in before then (a run's first write).
 */
export function dying(db: Database, dead: () => boolean,
  loaded: (rows: CopyRows) => void = () => undefined): Database {
  const check = () => {
    if (dead()) throw Object.assign(new Error('terminating connection'), { code: '57P01' });
  };
  const guarded = <Q extends Queryable>(q: Q): Q => Object.assign(Object.create(q) as Q, {
    query: async (sql: string, params?: unknown[]) => {
      check();
      return q.query(sql, params);
    },
  });
  const wrapped = guarded(db);
  wrapped.transaction = async (fn) => {
    check();
    return db.transaction((tx) => fn(guarded(tx)));
  };
  wrapped.writer = (lane) => {
    const writer = guarded(db.writer(lane));
    writer.load = async (rows, then) => {
      check();
      await db.writer(lane).load(rows, then);
      loaded(rows);
    };
    return writer;
  };
  return wrapped;
}
