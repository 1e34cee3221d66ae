/** A kernel on a fresh database of one backend, for the kernel suites. */
import { rmSync } from 'node:fs';
import type { Backend } from '../helpers/databases.js';
import { openDatabase, type Database } from '../../storage/database.js';
import { PolicyHistory } from '../../engine/kernel/history.js';
import { PolicyKernel } from '../../engine/kernel/kernel.js';
import { DecisionRecorder } from '../../engine/kernel/recorder.js';
import type { PolicySnapshot } from '../../packs/policy/types.js';

export interface TestKernel {
  kernel: PolicyKernel;
  db: Database;
  close(): Promise<void>;
}

export async function openTestKernel(backend: Backend, snapshot?: PolicySnapshot):
Promise<TestKernel> {
  const fresh = await backend.fresh();
  const db = await openDatabase(fresh.url ? { url: fresh.url } : { dataDir: fresh.pgliteDir! });
  const history = await PolicyHistory.open(db);
  const recorder = new DecisionRecorder(db);
  const kernel = await PolicyKernel.open(snapshot ? { history, recorder, snapshot }
    : { history, recorder });
  return {
    kernel,
    db,
    async close() {
      await recorder.flush();
      await db.close();
      rmSync(fresh.dataDir, { recursive: true, force: true });
    },
  };
}
