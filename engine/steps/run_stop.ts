/**
 * Why and whether a run must stop (its time is up, it was cancelled, its
 * lease was lost), with the `AbortSignal` that tells its steps. The signal
 * is made the first time something asks for it: on Node 20 an
 * `AbortController` costs about 4 µs, as much as a tenth of a single-step
 * run, and most runs finish without any step asking.
 */
import { setMaxListeners } from 'node:events';

/** What hands out a signal: a run's stop, or a step context passing its own on. */
export interface SignalSource {
  readonly signal: AbortSignal;
}

export class RunStop implements SignalSource {
  private controller: AbortController | undefined;
  private stopped = false;
  private why: unknown;

  /** Whether the run must stop; asking does not make the signal. */
  get aborted(): boolean {
    return this.stopped;
  }

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      // Every job attempt in flight listens (a for_each of max_parallel 20 is 20 at once):
      // that many is no leak, so Node's warning past 10 is turned off for this signal.
      setMaxListeners(0, this.controller.signal);
      if (this.stopped) this.controller.abort(this.why);
    }
    return this.controller.signal;
  }

  /** Stops the run for `reason`; only the first call counts. */
  abort(reason: unknown): void {
    if (this.stopped) return;
    this.stopped = true;
    this.why = reason;
    this.controller?.abort(reason);
  }
}

/**
 * The signal given to a handler that runs inside the engine and answers at
 * once (`inline`): it never aborts, since such a handler has nothing to stop.
 */
export const NEVER_ABORTED: AbortSignal = new AbortController().signal;
