/**
 * A `subworkflow` step whose process dies just after its child run was
 * recorded: the process that takes the parent over finds that child, and
 * does not start a second one.
 */
import { describe, expect, it } from 'vitest';
import { handlerTable } from '../../engine/handlers/table.js';
import { backends } from '../helpers/databases.js';
import { dying } from './dying.js';
import { DEMO_SCHEMAS, demoSnapshot, workflow } from './fixtures.js';
import { stepOf } from './held.js';
import { engineSuite } from './suite.js';

const WORKFLOWS = [
  workflow('kid', { say: { type: 'transform', input: { said: '${input.word}' } } }),
  workflow('mom', {
    child: { type: 'subworkflow', workflow: 'demo.kid', input: { word: 'hi' } },
  }),
];

describe.each(backends())('a subworkflow step taken over on $name', (backend) => {
  const suite = engineSuite(backend, () => ({
    snapshot: demoSnapshot(),
    workflows: WORKFLOWS,
    schemas: DEMO_SCHEMAS,
    handlers: handlerTable([]),
  }));
  const { engine } = suite;

  it('goes on with the child it recorded, not a second one', async () => {
    await engine();
    let childWritten = false;
    const first = await engine({
      leaseMs: 300,
      // The process dies once the child's run is in the database.
      db: dying(suite.db(0), () => childWritten, (rows) => {
        childWritten ||= rows.text.includes('demo.kid');
      }),
    });
    const id = await first.record('demo.mom', {});
    await first.resume(id).catch(() => undefined);
    expect(childWritten).toBe(true);
    await new Promise((r) => setTimeout(r, 400));
    const second = await engine({ leaseMs: 300 });
    // The parent and its pending child are both due: a parent that looks while the child
    // runs parks for a second, and the next sweep finishes it.
    for (let i = 0; i < 8 && (await second.view(id)).run.status !== 'succeeded'; i++) {
      await second.resumeDue();
      await second.idle();
      await new Promise((r) => setTimeout(r, 300));
    }

    const view = await second.view(id);
    expect(view.run.status).toBe('succeeded');
    const kids = (await second.list()).filter((r) => r.workflow_id === 'demo.kid');
    expect(kids.map((r) => r.id)).toEqual([stepOf(view, 'child').job!.job_id]);
    expect(stepOf(view, 'child').output).toMatchObject({ status: 'succeeded',
      outputs: { say: { said: 'hi' } } });
  });
});
