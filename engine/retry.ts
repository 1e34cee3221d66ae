/**
 * Retries of a worker step's job: how many, and how long between them.
 * Both are bounded whatever a workflow asks for, so a run cannot spin.
 */
import { MAX_BACKOFF_MS, MAX_RETRIES } from '../packs/workflow/limits.js';
import type { RetryPolicy } from '../packs/workflow/types.js';

export { MAX_BACKOFF_MS, MAX_RETRIES } from '../packs/workflow/limits.js';

/** Retries allowed: the step's, capped by a policy budget and MAX_RETRIES. */
export function retriesAllowed(retry: RetryPolicy | undefined, budget?: number): number {
  const asked = Math.max(0, Math.floor(retry?.max_retries ?? 0));
  return Math.min(asked, budget ?? MAX_RETRIES, MAX_RETRIES);
}

/** Wait before retry `n` (1 = the first retry): exponential, capped. */
export function backoffMs(retry: RetryPolicy | undefined, n: number): number {
  const initial = (retry?.initial_backoff_sec ?? 1) * 1000;
  const multiplier = Math.max(1, retry?.multiplier ?? 2);
  const cap = Math.min((retry?.max_backoff_sec ?? 30) * 1000, MAX_BACKOFF_MS);
  return Math.max(0, Math.min(cap, initial * multiplier ** (n - 1)));
}

export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
