/** Retry bounds: exponential backoff capped by the step and by the engine, retries by budget. */
import { describe, expect, it } from 'vitest';
import { backoffMs, MAX_BACKOFF_MS, MAX_RETRIES, retriesAllowed } from '../../engine/retry.js';

describe('backoffMs', () => {
  it('grows by the multiplier from initial_backoff_sec up to max_backoff_sec', () => {
    const retry = { max_retries: 6, initial_backoff_sec: 1, multiplier: 2, max_backoff_sec: 3 };
    expect([1, 2, 3, 4, 5].map((n) => backoffMs(retry, n))).toEqual([1000, 2000, 3000, 3000,
      3000]);
  });

  it('defaults to 1 s doubling up to 30 s, and never past the engine cap', () => {
    expect([1, 2, 5, 6, 9].map((n) => backoffMs(undefined, n))).toEqual([1000, 2000, 16_000,
      30_000, 30_000]);
    expect(backoffMs({ initial_backoff_sec: 50, max_backoff_sec: 3600 }, 3)).toBe(MAX_BACKOFF_MS);
    // A multiplier under 1 would shrink the wait: it counts as 1.
    expect(backoffMs({ initial_backoff_sec: 4, multiplier: 0.5 }, 4)).toBe(4000);
  });
});

describe('retriesAllowed', () => {
  it('takes the step\'s count, capped by a policy budget and the engine', () => {
    expect(retriesAllowed({ max_retries: 3 })).toBe(3);
    expect(retriesAllowed({ max_retries: 3 }, 2)).toBe(2);
    expect(retriesAllowed({ max_retries: 50 })).toBe(MAX_RETRIES);
    expect(retriesAllowed({ max_retries: 2.7 })).toBe(2);
    expect(retriesAllowed(undefined)).toBe(0);
  });
});
