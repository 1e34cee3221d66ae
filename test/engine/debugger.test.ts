/**
 * The `--step` debugger's reading of stdin: one line per step, lines given
 * ahead kept, and the end of input cancelling the run rather than letting
 * the rest of it go on unseen.
 */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { stdinDebugger } from '../../engine/commands/debugger.js';
import { builtinHandler } from '../../engine/handlers/builtin.js';
import { handlerTable } from '../../engine/handlers/table.js';
import { createEngine } from '../../engine/runner.js';
import { pgliteBackend } from '../helpers/databases.js';
import { DEMO_SCHEMAS, demoSnapshot, freshDatabase, workflow } from './fixtures.js';
import type { StepPause } from '../../engine/steps/context.js';

const pause = (step: string): StepPause => ({ run_id: 'run-1', step_id: step, type: 'worker',
  input: {} });
const tick = () => new Promise((r) => setImmediate(r));

function debuggerOn() {
  const stdin = new PassThrough();
  const out = new PassThrough();
  let said = '';
  out.on('data', (c: Buffer) => (said += c.toString()));
  const stopped: string[] = [];
  const debug = stdinDebugger(stdin, out);
  debug.stopWith(async (runId) => stopped.push(runId));
  return { stdin, debug, stopped, said: () => said };
}

describe('stdinDebugger', () => {
  it('keeps lines piped ahead, one per step, then cancels the run when they run out', async () => {
    const { stdin, debug, stopped, said } = debuggerOn();
    stdin.end('\n\n');
    await tick();
    await debug.beforeStep(pause('a'));
    await debug.beforeStep(pause('b'));
    await expect(debug.beforeStep(pause('c'))).rejects.toMatchObject({ code: 'run_cancelled',
      message: 'the debugger\'s input ended before step "c"' });
    expect(stopped).toEqual(['run-1']);
    expect(said()).toContain('input ended: the run is cancelled before step c');
  });

  it('waits for Enter at a pause, and cancels when the input ends instead', async () => {
    const { stdin, debug, stopped } = debuggerOn();
    const first = debug.beforeStep(pause('a'));
    await tick();
    stdin.write('\n');
    await first;
    const second = debug.beforeStep(pause('b'));
    await tick();
    stdin.end();
    await expect(second).rejects.toMatchObject({ code: 'run_cancelled' });
    expect(stopped).toEqual(['run-1']);
  });
});

describe('the --step debugger stopped by Ctrl-C', () => {
  it('says a pause was interrupted, not that its input ended', async () => {
    const { debug, stopped, said } = debuggerOn();
    const first = debug.beforeStep(pause('a'));
    await tick();
    debug.close('input interrupted (Ctrl-C)');
    await expect(first).rejects.toMatchObject({ code: 'run_cancelled',
      message: 'the debugger\'s input interrupted (Ctrl-C) before step "a"' });
    expect(said()).toContain('  input interrupted (Ctrl-C): the run is cancelled before step a');
    expect(said()).not.toContain('input ended');
    expect(stopped).toEqual(['run-1']);
  });
});

describe('what the debugger is shown before a for_each step', () => {
  it('shows the parent its items, not a job it never sends; each item pauses as itself',
    async () => {
    const db = await (await freshDatabase(pgliteBackend)).open();
    try {
      const flow = workflow('each', { fan: { type: 'worker', topic: 'job.demo.echo',
        for_each: '${input.names}', input: { message: 'hi ${item}' },
        meta: { pack_id: 'demo', capability: 'demo.echo' } } });
      const pauses: StepPause[] = [];
      const engine = await createEngine({ db, snapshot: demoSnapshot(), workflows: [flow],
        schemas: DEMO_SCHEMAS, handlers: handlerTable([{ topics: ['job.demo.*'],
          handler: builtinHandler('echo') }]), beforeStep: async (p) => {
          pauses.push(p);
        } });
      const view = await engine.start('demo.each', { names: ['ana', 'bo'] });
      expect(view.run.status).toBe('succeeded');
      expect(pauses[0]).toEqual({ run_id: view.run.id, step_id: 'fan', type: 'worker',
        input: undefined, for_each: ['ana', 'bo'] });
      expect(pauses.slice(1).map((p) => [p.step_id, p.input, p.decision?.decision])).toEqual([
        ['fan[0]', { message: 'hi ana' }, 'allow'], ['fan[1]', { message: 'hi bo' }, 'allow']]);
      // The text the CLI prints for the parent.
      const { stdin, debug, said } = debuggerOn();
      stdin.end('\n');
      await debug.beforeStep(pauses[0]!);
      expect(said()).toContain('paused before step fan (worker, for_each)\n' +
        '  items: 2 items: ["ana","bo"]\n' +
        '  each item pauses again before it runs, with its input and decision\n');
    } finally {
      await db.close();
    }
  });
});

describe('time paused by the debugger', () => {
  const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

  async function runPaused(steps: Parameters<typeof workflow>[1], timeoutSec: number,
    pauseMs: number) {
    const db = await (await freshDatabase(pgliteBackend)).open();
    const flow = workflow('paused', steps, { timeout_sec: timeoutSec });
    const engine = await createEngine({ db, snapshot: demoSnapshot(), workflows: [flow],
      schemas: DEMO_SCHEMAS, handlers: handlerTable([{ topics: ['job.demo.*'],
        handler: builtinHandler('echo') }]), beforeStep: () => sleep(pauseMs) });
    try {
      return await engine.start('demo.paused', {});
    } finally {
      await db.close();
    }
  }

  it('counts toward neither the run\'s timeout_sec nor a step\'s, nor the run\'s time',
    async () => {
    // Two pauses of 700 ms: 1.4 s paused, past both limits of 1 s had they counted.
    const view = await runPaused({
      a: { type: 'transform', input: { x: 1 }, timeout_sec: 1 },
      b: { type: 'transform', input: { y: 2 }, depends_on: ['a'], timeout_sec: 1 },
    }, 1, 700);
    expect(view.run.status).toBe('succeeded');
    expect(view.steps.map((s) => s.status)).toEqual(['succeeded', 'succeeded']);
    expect(view.run.active_ms).toBeLessThan(500);
  });

  it('still times out a step whose own work passes its timeout_sec', async () => {
    const view = await runPaused({
      wait: { type: 'delay', delay_sec: 2, timeout_sec: 1 },
    }, 60, 300);
    expect(view.steps[0]).toMatchObject({ status: 'timed_out',
      error: { code: 'step_timed_out' } });
  });
});
