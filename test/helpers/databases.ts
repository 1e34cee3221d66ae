/**
 * The two storage back ends every storage-touching suite runs against:
 * `describe.each(backends())`. Each call of `fresh()` gives an empty
 * database: a copied PGlite folder, or a new database on the PostgreSQL server.
 */
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';

export interface Backend {
  name: 'pglite' | 'postgres';
  /**
   * Makes an empty database. For PGlite, `dataDir` is a folder holding it
   * (copy of the template) at `dataDir/db`; for PostgreSQL, `url` is set.
   */
  fresh(): Promise<{ url?: string; dataDir: string; pgliteDir?: string }>;
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'cordum-data-'));
}

export const pgliteBackend: Backend = {
  name: 'pglite',
  async fresh() {
    const dataDir = tempDir();
    const pgliteDir = join(dataDir, 'db');
    cpSync(inject('pgliteTemplate'), pgliteDir, { recursive: true });
    return { dataDir, pgliteDir };
  },
};

export const postgresBackend: Backend = {
  name: 'postgres',
  async fresh() {
    const base = inject('postgresUrl');
    const name = `t_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: base });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(base);
    url.pathname = `/${name}`;
    return { url: url.toString(), dataDir: tempDir() };
  },
};

export function backends(): Backend[] {
  return [pgliteBackend, postgresBackend];
}
