import type { Database } from './database.js';

/** One forward-only schema change; `id`s sort in the order they apply. */
export interface Migration {
  id: string;
  sql: string;
}

/**
 * Applies the migrations of one component (`registry`, `engine`) that are
 * not yet recorded. Several processes may start at once on PostgreSQL: an
 * advisory lock makes the others wait, then find nothing left to do. The
 * lock is taken before the bookkeeping table is made too: two
 * `CREATE TABLE IF NOT EXISTS` at once on a new database can both try to
 * create it, and one fails on a duplicate type.
 */
export async function migrate(db: Database, component: string, migrations: Migration[]) {
  const applied: string[] = [];
  await db.transaction(async (tx) => {
    await tx.query("SELECT pg_advisory_xact_lock(hashtext('schema_migrations'))");
    await tx.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      component text NOT NULL,
      id text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (component, id)
    )`);
    const done = await tx.query<{ id: string }>(
      'SELECT id FROM schema_migrations WHERE component = $1',
      [component],
    );
    const seen = new Set(done.rows.map((r) => r.id));
    for (const m of [...migrations].sort((a, b) => a.id.localeCompare(b.id))) {
      if (seen.has(m.id)) continue;
      for (const statement of splitStatements(m.sql)) await tx.query(statement);
      await tx.query('INSERT INTO schema_migrations (component, id) VALUES ($1, $2)', [
        component,
        m.id,
      ]);
      applied.push(m.id);
    }
  });
  return applied;
}

// Migrations are plain DDL separated by semicolons at line ends; no function
// bodies, so a split on `;\n` is exact for the files we write.
function splitStatements(sql: string): string[] {
  return sql
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
