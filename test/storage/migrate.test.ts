/**
 * Migrations when several processes start at once on a new PostgreSQL
 * database (two `engine serve` started together): each connection is its
 * own session, as each process's would be.
 */
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../storage/database.js';
import { migrate } from '../../storage/migrate.js';
import { postgresBackend } from '../helpers/databases.js';

const MIGRATIONS = [
  { id: '0001_things', sql: 'CREATE TABLE things (id text PRIMARY KEY);\n' },
  { id: '0002_more', sql: 'ALTER TABLE things ADD COLUMN n integer;\n' },
];

describe('migrate, many at once on one new database', () => {
  it('applies each migration once and fails none', async () => {
    const { url } = await postgresBackend.fresh();
    const dbs = await Promise.all(Array.from({ length: 8 }, () => openDatabase({ url: url! })));
    try {
      const applied = await Promise.all(dbs.map((db, i) =>
        migrate(db, i % 2 === 0 ? 'alpha' : 'beta', MIGRATIONS.map((m) => ({ ...m,
          sql: m.sql.replaceAll('things', i % 2 === 0 ? 'alpha_things' : 'beta_things') })))));
      // One process of each component applied both; the others found nothing left.
      expect(applied.map((a) => a.length).sort()).toEqual([0, 0, 0, 0, 0, 0, 2, 2]);
      const { rows } = await dbs[0]!.query<{ component: string; id: string }>(
        'SELECT component, id FROM schema_migrations ORDER BY component, id');
      expect(rows.map((r) => `${r.component}/${r.id}`)).toEqual(['alpha/0001_things',
        'alpha/0002_more', 'beta/0001_things', 'beta/0002_more']);
    } finally {
      await Promise.all(dbs.map((db) => db.close()));
    }
  });
});
