/**
 * What the suites of steps that hold a run back share (throttle, a loop's
 * iterations, a waiting subworkflow): a demo engine on a clock the test moves,
 * whose policy the test can swap, and the step lookup.
 */
import { afterEach, beforeEach } from 'vitest';
import { builtinHandler } from '../../engine/handlers/builtin.js';
import { handlerTable } from '../../engine/handlers/table.js';
import type { RunView, StepRecord } from '../../engine/records.js';
import { createEngine, type Engine, type EngineOptions } from '../../engine/runner.js';
import type { RawFragment } from '../../packs/policy/fragment.js';
import type { PolicySnapshot } from '../../packs/policy/types.js';
import type { Workflow } from '../../packs/workflow/types.js';
import type { Database } from '../../storage/database.js';
import type { Backend } from '../helpers/databases.js';
import { DEMO_FRAGMENT, DEMO_SCHEMAS, demoSnapshot, freshDatabase } from './fixtures.js';

export const echoMeta = { pack_id: 'demo', capability: 'demo.echo' };

/** The demo policy without its throttle rule: `job.demo.busy` is allowed. */
export function unthrottled(): PolicySnapshot {
  const rules = (DEMO_FRAGMENT.rules ?? []).filter((r) => r.id !== 'demo-throttle');
  return demoSnapshot({ ...DEMO_FRAGMENT, rules } as RawFragment);
}

export function stepOf(view: RunView, id: string): StepRecord {
  const step = view.steps.find((s) => s.step_id === id);
  if (!step) throw new Error(`no step ${id} (steps: ${view.steps.map((s) => s.step_id)})`);
  return step;
}

/** A test clock, and the live policy, both moved by the test. */
export class Held {
  now = Date.parse('2026-01-01T00:00:00Z');
  policy: PolicySnapshot = demoSnapshot();

  async engine(
    db: Database,
    workflows: Workflow[],
    extra: Partial<EngineOptions> = {},
  ): Promise<Engine> {
    return createEngine({
      db,
      snapshot: demoSnapshot(),
      snapshotSource: () => this.policy,
      workflows,
      schemas: DEMO_SCHEMAS,
      handlers: handlerTable([{ topics: ['job.demo.*'], handler: builtinHandler('echo') }]),
      clock: () => new Date(this.now),
      // Every hold parks on its timer, so the test decides when time passes.
      holdDelayMs: 0,
      ...extra,
    });
  }

  /** Moves the clock on and resumes what is due; answers how many runs were resumed. */
  async later(engine: Engine, ms: number): Promise<number> {
    this.now += ms;
    return engine.resumeDue();
  }
}

/**
 * The setup these suites share, registered in the calling `describe`: a
 * fresh database and clock for each test, every connection closed after it.
 */
export function heldEngines(backend: Backend, workflows: Workflow[]) {
  let open: () => Promise<Database>;
  const opened: Database[] = [];
  const state = { held: new Held() };
  beforeEach(async () => {
    ({ open } = await freshDatabase(backend));
    state.held = new Held();
  });
  afterEach(async () => {
    while (opened.length > 0) await opened.pop()!.close();
  });
  return {
    get held(): Held {
      return state.held;
    },
    /** Closes the newest connection: what the process that opened it exiting does. */
    async exitLast(): Promise<void> {
      await opened.pop()?.close();
    },
    async engine(extra: Partial<EngineOptions> = {}): Promise<Engine> {
      const db = await open();
      opened.push(db);
      return state.held.engine(db, workflows, extra);
    },
  };
}
