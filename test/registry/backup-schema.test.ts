/**
 * A guard against backups that silently drop state: every table and
 * column of a migrated registry database is either archived by `registry
 * export` (ARCHIVE_TABLES) or listed, with its reason, in NOT_ARCHIVED;
 * and neither list names a table or column the schema no longer has.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ARCHIVE_TABLES, NOT_ARCHIVED } from '../../registry/commands/archive.js';
import { REGISTRY_COMPONENT, registryMigrations } from '../../registry/migrations.js';
import { openDatabase } from '../../storage/database.js';
import { migrate } from '../../storage/migrate.js';
import { backends, type Backend } from '../helpers/databases.js';

async function schemaColumns(backend: Backend): Promise<string[]> {
  const fresh = await backend.fresh();
  const db = await openDatabase(fresh.url ? { url: fresh.url }
    : { dataDir: join(fresh.dataDir, 'db') });
  try {
    await migrate(db, REGISTRY_COMPONENT, registryMigrations);
    const { rows } = await db.query<{ table_name: string; column_name: string }>(
      `SELECT c.table_name, c.column_name FROM information_schema.columns c
         JOIN information_schema.tables t
           ON t.table_schema = c.table_schema AND t.table_name = c.table_name
        WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
        ORDER BY 1, 2`);
    return rows.map((r) => `${r.table_name}.${r.column_name}`);
  } finally {
    await db.close();
    rmSync(fresh.dataDir, { recursive: true, force: true });
  }
}

describe.each(backends())('what a backup holds ($name)', (backend) => {
  it('archives every table and column, or says why not', async () => {
    const columns = await schemaColumns(backend);
    expect(columns.length).toBeGreaterThan(100);
    const archived = new Set(ARCHIVE_TABLES.flatMap((a) => a.columns.map((c) =>
      `${a.table}.${c}`)));
    const excused = (col: string) => NOT_ARCHIVED[col] !== undefined ||
      NOT_ARCHIVED[col.slice(0, col.indexOf('.'))] !== undefined;
    expect(columns.filter((c) => !archived.has(c) && !excused(c))).toEqual([]);
  });

  it('names no table or column that the schema does not have', async () => {
    const columns = new Set(await schemaColumns(backend));
    const tables = new Set([...columns].map((c) => c.slice(0, c.indexOf('.'))));
    const archived = ARCHIVE_TABLES.flatMap((a) => a.columns.map((c) => `${a.table}.${c}`));
    expect(archived.filter((c) => !columns.has(c))).toEqual([]);
    expect(Object.keys(NOT_ARCHIVED).filter((k) => !(k.includes('.') ? columns.has(k)
      : tables.has(k)))).toEqual([]);
    // Archived columns are not also excused, and every reason is a sentence.
    expect(archived.filter((c) => NOT_ARCHIVED[c] !== undefined)).toEqual([]);
    expect(Object.values(NOT_ARCHIVED).filter((r) => r.length < 20)).toEqual([]);
  });
});
