/** How a finished run is compared with a workflow test's `expect`: table-driven. */
import { describe, expect, it } from 'vitest';
import { mismatchesOf } from '../../engine/pack_tests/expect.js';
import type { RunView, Status, StepRecord } from '../../engine/records.js';
import type { TestMismatch, WorkflowTest } from '../../packs/manifest.js';

function step(step_id: string, status: Status, output?: unknown): StepRecord {
  const s: StepRecord = { run_id: 'r1', step_id, position: 0, type: 'worker', status,
    skipped: false, attempts: 1 };
  if (output !== undefined) s.output = output;
  return s;
}

const view: RunView = {
  run: { id: 'r1', workflow_id: 'p.w', tenant_id: 'default', status: 'succeeded', input: {},
    snapshot_hash: 'sha256:0', workflow: { id: 'p.w', steps: {} } as RunView['run']['workflow'],
    active_ms: 1, created_at: 'now', updated_at: 'now' },
  steps: [step('a', 'succeeded', { msg: 'hi', n: 2, list: [{ k: 1, x: 0 }], extra: true }),
    step('b', 'failed')],
  approvals: [],
};

const cases: { name: string; expect: WorkflowTest['expect']; want: TestMismatch[] }[] = [
  { name: 'an empty expectation', expect: {}, want: [] },
  { name: 'the run status', expect: { status: 'failed' },
    want: [{ path: 'status', expected: 'failed', actual: 'succeeded' }] },
  { name: 'an output subset, extra keys ignored',
    expect: { status: 'succeeded', steps: { a: { status: 'succeeded',
      output: { msg: 'hi', list: [{ k: 1 }] } } } }, want: [] },
  { name: 'a nested output value', expect: { steps: { a: { output: { list: [{ k: 2 }] } } } },
    want: [{ path: 'steps.a.output.list[0].k', expected: 2, actual: 1 }] },
  { name: 'an array of another length', expect: { steps: { a: { output: { list: [] } } } },
    want: [{ path: 'steps.a.output.list', expected: [], actual: [{ k: 1, x: 0 }] }] },
  { name: 'a missing output', expect: { steps: { b: { status: 'failed', output: { m: 1 } } } },
    want: [{ path: 'steps.b.output', expected: { m: 1 }, actual: undefined }] },
  { name: 'a step status', expect: { steps: { b: { status: 'succeeded' } } },
    want: [{ path: 'steps.b.status', expected: 'succeeded', actual: 'failed' }] },
  { name: 'an unknown step', expect: { steps: { c: { status: 'succeeded' } } },
    want: [{ path: 'steps.c', expected: { status: 'succeeded' }, actual: undefined }] },
];

describe('mismatchesOf', () => {
  it.each(cases)('compares $name', ({ expect: wanted, want }) => {
    expect(mismatchesOf(wanted, view)).toEqual(want);
  });
});
