/**
 * The `--step` debugger's reading of stdin: one line per step, lines given
 * ahead kept, and the end of input cancelling the run rather than letting
 * the rest of it go on unseen.
 */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { stdinDebugger } from '../../engine/commands/debugger.js';
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
