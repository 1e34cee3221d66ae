/**
 * Ctrl-C during `cordum engine run` (engine/commands/interrupt.ts): the
 * first cancels the recorded run, a second (or one before the run is
 * recorded) gives the signal its default action. The end-to-end case is in
 * cli_debug.test.ts; here the signal is emitted in this process and the
 * default action is recorded instead of taken.
 */
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { cancelOnInterrupt, type RunInterrupt } from '../../engine/commands/interrupt.js';

describe('cancelOnInterrupt', () => {
  let watch: RunInterrupt | undefined;
  afterEach(() => watch?.release());

  function watched() {
    const cancelled: string[] = [];
    const raised: number[] = [];
    const out = new PassThrough();
    let said = '';
    out.on('data', (c: Buffer) => (said += c.toString('utf8')));
    watch = cancelOnInterrupt(
      async (runId) => void cancelled.push(runId),
      out,
      () => raised.push(process.listenerCount('SIGINT')),
    );
    return { cancelled, raised, said: () => said };
  }

  it('cancels the run at the first Ctrl-C and lets the second end the process', async () => {
    const before = process.listenerCount('SIGINT');
    const seen = watched();
    watch!.track('run-1');
    process.emit('SIGINT', 'SIGINT');
    await new Promise((r) => setImmediate(r));
    expect(seen.cancelled).toEqual(['run-1']);
    expect(seen.raised).toEqual([]);
    expect(seen.said()).toContain('Interrupted: cancelling run run-1');
    process.emit('SIGINT', 'SIGINT');
    expect(seen.cancelled).toEqual(['run-1']);
    // Raised once, with its own listener already gone so the default action applies.
    expect(seen.raised).toEqual([before]);
  });

  it('lets Ctrl-C end the process before the run is recorded', () => {
    const before = process.listenerCount('SIGINT');
    const seen = watched();
    process.emit('SIGINT', 'SIGINT');
    expect(seen.cancelled).toEqual([]);
    expect(seen.raised).toEqual([before]);
  });

  it('says when the cancel fails', async () => {
    const out = new PassThrough();
    let said = '';
    out.on('data', (c: Buffer) => (said += c.toString('utf8')));
    watch = cancelOnInterrupt(async () => {
      throw new Error('run run-2 has already finished');
    }, out, () => undefined);
    watch.track('run-2');
    process.emit('SIGINT', 'SIGINT');
    await new Promise((r) => setImmediate(r));
    expect(said).toContain('could not cancel run run-2: run run-2 has already finished');
  });
});
