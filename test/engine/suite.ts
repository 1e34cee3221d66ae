/**
 * The frame of an engine suite: each test gets a fresh database of the
 * backend and an HTTP worker on loopback; `engine()` opens a connection
 * and builds an engine with the suite's options (a second call is a
 * second process on the same database), and everything is closed after
 * the test. `demoEngineSuite` is that frame around the demo pack.
 */
import { afterEach, beforeEach } from 'vitest';
import { builtinHandler } from '../../engine/handlers/builtin.js';
import { handlerTable } from '../../engine/handlers/table.js';
import { createEngine, type Engine, type EngineOptions } from '../../engine/runner.js';
import type { PolicySnapshot } from '../../packs/policy/types.js';
import type { Database } from '../../storage/database.js';
import type { Backend } from '../helpers/databases.js';
import { DEMO_SCHEMAS, DEMO_WORKFLOWS, freshDatabase } from './fixtures.js';
import { startHttpWorker, type HttpWorker } from './workers.js';

export interface EngineSuite {
  /** The test's HTTP worker (what it received is in `jobs`). */
  readonly worker: HttpWorker;
  /** An engine on a new connection, the suite's options overridden by `extra`. */
  engine(extra?: Partial<EngineOptions>): Promise<Engine>;
  /** The `index`th connection `engine()` opened in this test. */
  db(index?: number): Database;
  /** Closes every connection this test opened: the next `engine()` is a new process. */
  closeAll(): Promise<void>;
}

export function engineSuite(
  backend: Backend,
  options: (worker: HttpWorker) => Omit<EngineOptions, 'db'>,
): EngineSuite {
  let open: () => Promise<Database>;
  let worker: HttpWorker | undefined;
  const opened: Database[] = [];
  const closeAll = async () => {
    // A test may have closed one itself (a process that died).
    while (opened.length > 0) await opened.pop()!.close().catch(() => undefined);
  };
  beforeEach(async () => {
    ({ open } = await freshDatabase(backend));
    worker = await startHttpWorker();
  });
  afterEach(async () => {
    await closeAll();
    await worker?.close();
  });
  return {
    get worker() {
      return worker!;
    },
    async engine(extra = {}) {
      const db = await open();
      opened.push(db);
      return createEngine({ db, ...options(worker!), ...extra });
    },
    db: (index = 0) => opened[index]!,
    closeAll,
  };
}

/**
 * An engine suite of the demo pack (fixtures.ts) under `snapshot`: its
 * workflows and schemas, every job answered by the builtin echo handler.
 */
export function demoEngineSuite(backend: Backend, snapshot: PolicySnapshot): EngineSuite {
  return engineSuite(backend, () => ({
    snapshot,
    workflows: DEMO_WORKFLOWS,
    schemas: DEMO_SCHEMAS,
    handlers: handlerTable([{ topics: ['job.demo.*'], handler: builtinHandler('echo') }]),
  }));
}
