/**
 * A timer for any length of time. Node fires a `setTimeout` longer than
 * 2^31 - 1 ms (about 24.8 days) after 1 ms instead, so a `timeout_sec` of a
 * month would stop a run or step at once: a longer wait is armed in pieces.
 */
const LONGEST_TIMER_MS = 2 ** 31 - 1;

export interface LongTimer {
  clear(): void;
}

/** Calls `fire` once `ms` have passed (never, for Infinity), unless cleared first. */
export function setLongTimeout(fire: () => void, ms: number): LongTimer {
  let left = ms > 0 ? ms : 0;
  let timer: ReturnType<typeof setTimeout>;
  const arm = () => {
    const piece = Math.min(left, LONGEST_TIMER_MS);
    timer = setTimeout(() => {
      left -= piece;
      if (left > 0) arm();
      else fire();
    }, piece);
  };
  arm();
  return { clear: () => clearTimeout(timer) };
}

/** An AbortSignal that aborts after `ms` as `AbortSignal.timeout` does, for any `ms`. */
export function longTimeoutSignal(ms: number): AbortSignal {
  if (ms <= LONGEST_TIMER_MS) return AbortSignal.timeout(ms);
  const controller = new AbortController();
  setLongTimeout(() => {
    controller.abort(new DOMException('The operation was aborted due to timeout',
      'TimeoutError'));
  }, ms);
  return controller.signal;
}
