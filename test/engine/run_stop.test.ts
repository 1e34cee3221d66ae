import { describe, expect, it } from 'vitest';
import { NEVER_ABORTED, RunStop } from '../../engine/steps/run_stop.js';

describe('a run stop', () => {
  it('aborts a signal asked for before the stop, with the first reason', () => {
    const stop = new RunStop();
    const signal = stop.signal;
    expect(signal.aborted).toBe(false);
    const seen: unknown[] = [];
    signal.addEventListener('abort', () => seen.push(signal.reason));
    stop.abort('timed out');
    stop.abort('cancelled');
    expect(stop.aborted).toBe(true);
    expect(signal.aborted).toBe(true);
    expect(seen).toEqual(['timed out']);
    expect(stop.signal).toBe(signal);
  });

  it('hands out an already aborted signal when first asked after the stop', () => {
    const stop = new RunStop();
    stop.abort(new Error('lease lost'));
    expect(stop.aborted).toBe(true);
    expect(stop.signal.aborted).toBe(true);
    expect((stop.signal.reason as Error).message).toBe('lease lost');
  });

  it('answers whether it stopped without making a signal', () => {
    const stop = new RunStop();
    expect(stop.aborted).toBe(false);
    // The controller is made on first use only.
    expect((stop as unknown as { controller?: AbortController }).controller).toBeUndefined();
    void stop.signal;
    expect((stop as unknown as { controller?: AbortController }).controller).toBeInstanceOf(
      AbortController,
    );
  });

  it('lets many job attempts listen at once without a leak warning', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on('warning', onWarning);
    try {
      const stop = new RunStop();
      for (let i = 0; i < 20; i++) stop.signal.addEventListener('abort', () => undefined);
      // The plain signal next to it does warn past 10: the check is live.
      const plain = new AbortController().signal;
      for (let i = 0; i < 11; i++) plain.addEventListener('abort', () => undefined);
      await new Promise((r) => setTimeout(r, 10));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings).toEqual(['MaxListenersExceededWarning']);
  });

  it('gives inline handlers a signal that is never aborted', () => {
    expect(NEVER_ABORTED.aborted).toBe(false);
  });
});
