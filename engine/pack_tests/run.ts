/**
 * Runs a pack's `tests.workflows[]` with the real engine: one temporary
 * PGlite database and one engine per call (creating a database takes
 * seconds), the pack's own policy snapshot, and stubbed worker replies.
 *
 * Known shortcoming: a stubbed `error` on a step with `retry` waits out the
 * real backoff, since `EngineOptions` has no sleep seam; one (a `sleep` option
 * passed to the services) would let tests skip it. `http` steps get no stub:
 * the allowlist is empty, so they fail with `http_not_allowed`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoadedPack } from '../../packs/load.js';
import type { WorkflowTest, WorkflowTestResult } from '../../packs/manifest.js';
import { packSnapshot } from '../../packs/simulate.js';
import { openDatabase } from '../../storage/database.js';
import type { RunView } from '../records.js';
import { createEngine, type Engine } from '../runner.js';
import { mismatchesOf } from './expect.js';
import { StubHandlers } from './stubs.js';

/** Approvals decided per run at most; a workflow asking more is left waiting. */
const MAX_DECISIONS = 100;

/** Runs every workflow test of the pack, in order; an empty list opens no database. */
export async function runWorkflowTests(pack: LoadedPack): Promise<WorkflowTestResult[]> {
  const tests = pack.manifest.tests?.workflows ?? [];
  if (tests.length === 0) return [];

  const dir = mkdtempSync(join(tmpdir(), 'cordum-pack-test-'));
  const db = await openDatabase({ dataDir: join(dir, 'db') });
  try {
    const stubs = new StubHandlers();
    const engine = await createEngine({
      db,
      snapshot: packSnapshot(pack),
      workflows: pack.workflows,
      schemas: pack.schemas,
      handlers: stubs,
      topics: pack.manifest.topics ?? [],
    });
    const results: WorkflowTestResult[] = [];
    for (const test of tests) results.push(await runOne(engine, stubs, test));
    return results;
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function runOne(
  engine: Engine,
  stubs: StubHandlers,
  test: WorkflowTest,
): Promise<WorkflowTestResult> {
  const started = Date.now();
  const base = { name: test.name, workflow: test.workflow };
  try {
    const runId = await engine.record(test.workflow, test.input ?? {});
    stubs.stub(runId, test.workers ?? {});
    await engine.resume(runId);
    const view = await decideApprovals(engine, runId, test.approvals ?? {});
    const mismatches = mismatchesOf(test.expect, view);
    return { ...base, passed: mismatches.length === 0, status: view.run.status,
      durationMs: Date.now() - started, mismatches };
  } catch (err) {
    return { ...base, passed: false, durationMs: Date.now() - started, mismatches: [],
      error: codedError(err) };
  }
}

/** Decides, in turn, each pending approval the test names, until the run stops asking. */
async function decideApprovals(
  engine: Engine,
  runId: string,
  approvals: Record<string, 'approve' | 'reject'>,
): Promise<RunView> {
  let view = await engine.view(runId);
  for (let i = 0; i < MAX_DECISIONS && view.run.status === 'waiting'; i++) {
    const pending = view.approvals.find(
      (a) => a.status === 'pending' && approvals[a.step_id] !== undefined,
    );
    if (!pending) break;
    view = approvals[pending.step_id] === 'approve'
      ? await engine.approve(runId, pending.step_id, { by: 'pack-test' })
      : await engine.reject(runId, pending.step_id, { by: 'pack-test', note: 'pack test' });
  }
  return view;
}

function codedError(err: unknown): { code: string; message: string } {
  const e = err as { code?: unknown; message?: unknown } | null;
  if (e && typeof e.code === 'string' && typeof e.message === 'string') {
    return { code: e.code, message: e.message };
  }
  return { code: 'internal', message: err instanceof Error ? err.message : String(err) };
}
