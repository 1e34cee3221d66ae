/**
 * Once per test run: a PGlite template folder (new ones take seconds to make,
 * copies take milliseconds) and a real PostgreSQL server. The server is the
 * one in CORDUM_TEST_DATABASE_URL when given (CI starts it), otherwise a
 * throw-away one started here from the machine's PostgreSQL binaries.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { PGlite } from '@electric-sql/pglite';
import { initialDataDir } from '../../storage/pglite_initial.js';
import { REAL_PACKS } from '../helpers/real_packs.js';
import { startThrowawayPostgres, type RunningPostgres } from './postgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: string;
    postgresUrl: string;
    /** The folder of that server's Unix socket, when known; else ''. */
    postgresSocketDir: string;
  }
}

let postgres: RunningPostgres | undefined;
let root = '';

export async function setup(project: TestProject) {
  if (!existsSync(REAL_PACKS)) {
    throw new Error(`the tests read the real Cordum packs from ${REAL_PACKS}, which does not ` +
      'exist: put the shared fixtures beside this project (../shared/fixtures/cordum-packs), ' +
      'or name their folder with CORDUM_PACK_FIXTURES');
  }
  root = mkdtempSync(join(tmpdir(), 'cordum-test-'));
  // The postgres user must be able to reach its folder inside this one.
  chmodSync(root, 0o755);
  // Every folder a test (or a process it starts) makes with tmpdir() lands in here and
  // goes with the run: PGlite copies are tens of MB each, and thousands add up.
  const scratch = join(root, 'tmp');
  mkdirSync(scratch, { mode: 0o755 });
  process.env.TMPDIR = scratch;
  const template = join(root, 'pglite-template');
  // From the build's dump of a fresh database when there is one (`npm test` builds first).
  const initial = initialDataDir();
  const db = await PGlite.create(template, initial ? { loadDataDir: initial } : {});
  await db.close();
  project.provide('pgliteTemplate', template);

  let url = process.env.CORDUM_TEST_DATABASE_URL ?? '';
  let socketDir = url ? process.env.CORDUM_TEST_DATABASE_SOCKET_DIR ?? '' : '';
  if (!url) {
    postgres = await startThrowawayPostgres(join(root, 'pg'));
    url = postgres.url;
    socketDir = postgres.socketDir;
  }
  project.provide('postgresUrl', url);
  project.provide('postgresSocketDir', socketDir);
}

export async function teardown() {
  await postgres?.stop();
  if (root) rmSync(root, { recursive: true, force: true });
}
