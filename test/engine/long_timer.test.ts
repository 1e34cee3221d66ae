/**
 * Timers past Node's longest (2^31 - 1 ms, about 24.8 days), which Node
 * would fire after 1 ms: they fire when due, in pieces, and can be cleared.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { setLongTimeout } from '../../engine/long_timer.js';

const DAY_MS = 86_400_000;

describe('setLongTimeout', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('fires a month-long timer after a month, not at once', () => {
    vi.useFakeTimers();
    const fire = vi.fn();
    setLongTimeout(fire, 30 * DAY_MS);
    vi.advanceTimersByTime(29 * DAY_MS);
    expect(fire).not.toHaveBeenCalled();
    vi.advanceTimersByTime(DAY_MS);
    expect(fire).toHaveBeenCalledTimes(1);
  });

  it('never fires an endless one, and fires none once cleared', () => {
    vi.useFakeTimers();
    const endless = vi.fn();
    setLongTimeout(endless, Infinity);
    const cleared = vi.fn();
    setLongTimeout(cleared, 40 * DAY_MS).clear();
    vi.advanceTimersByTime(100 * DAY_MS);
    expect(endless).not.toHaveBeenCalled();
    expect(cleared).not.toHaveBeenCalled();
  });
});
