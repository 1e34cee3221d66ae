/**
 * Steps' decisions through the kernel, as `engine serve` wires them: each is
 * recorded for `policy simulate`, counted by the kernel's observers (the
 * metrics), and carries the snapshot version it was made with.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinHandler } from '../../engine/handlers/builtin.js';
import { handlerTable } from '../../engine/handlers/table.js';
import { createEngine } from '../../engine/runner.js';
import { buildSnapshot } from '../../packs/policy/snapshot.js';
import type { Workflow } from '../../packs/workflow/types.js';
import { pgliteBackend } from '../helpers/databases.js';
import { openTestKernel, type TestKernel } from './helpers.js';

const snapshot = buildSnapshot([{ packId: 'ops', fragment: { rules: [
  { id: 'allow-echo', match: { topics: ['job.ops.echo'] }, decision: 'allow' }] } }]);
const echo: Workflow = { id: 'ops.echo', steps: { say: { id: 'say', type: 'worker',
  topic: 'job.ops.echo', input: { message: 'hi' }, meta: { pack_id: 'ops' } } } };

let k: TestKernel;
beforeAll(async () => {
  k = await openTestKernel(pgliteBackend, snapshot);
});
afterAll(async () => {
  await k?.close();
});

describe('a step decided by the kernel', () => {
  it('is recorded, observed and versioned', async () => {
    const observed: string[] = [];
    k.kernel.onDecision((request, result) => observed.push(`${request.topic}:${result.decision}`));
    const engine = await createEngine({ db: k.db, snapshot, workflows: [echo],
      schemas: new Map(), decider: (request) => k.kernel.decide(request),
      handlers: handlerTable([{ topics: ['job.ops.*'], handler: builtinHandler('echo') }]) });
    const view = await engine.start('ops.echo', {});
    expect(view.run.status).toBe('succeeded');
    expect(view.steps[0]!.decision).toMatchObject({ decision: 'allow', rule_id: 'allow-echo',
      snapshot_hash: snapshot.hash, snapshot_version: k.kernel.current().version });
    expect(observed).toEqual(['job.ops.echo:allow']);
    const recorded = await k.kernel.recorder!.list();
    expect(recorded.map((d) => [d.request.topic, d.decision, d.ruleId])).toEqual([
      ['job.ops.echo', 'allow', 'allow-echo']]);
  });
});
