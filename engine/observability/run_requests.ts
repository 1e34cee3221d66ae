/**
 * Which HTTP request a run is being advanced for, so that the run's own log
 * lines and spans carry that request's `request_id`: the start that made it
 * (whether this process advances it in the request, after the answer, or
 * through the queue), the approval, input or cancel that resumed it; a
 * subworkflow's child run advanced inside its parent's step names the
 * parent's (EngineHooks.child). A run
 * advanced by nobody's request (one taken over by lease, a timer that came
 * due) has none. Passed by hand rather than through AsyncLocalStorage,
 * whose promise hooks would slow every decision in Node 20.
 */
import type { Span } from '@opentelemetry/api';

export class RunRequests {
  /** Per run, the requests in flight for it, the latest last. */
  private readonly byRun = new Map<string, { id: string; parent: Span | undefined }[]>();

  /**
   * Runs `fn` with the run's lines naming `requestId` (no request: `fn`
   * alone), and its span under `parent`, the caller's span (`traceparent`)
   * when it sent one. A later request for the same run takes over until it
   * ends, and then the one still in flight names the run again: an approval
   * answered while the start still advances the run (its claim fails,
   * another branch runs) must not leave the start's later lines with no request.
   */
  async during<T>(runId: string, requestId: string | undefined, fn: () => Promise<T>,
    parent?: Span): Promise<T> {
    if (requestId === undefined) return fn();
    const open = this.byRun.get(runId) ?? [];
    const entry = { id: requestId, parent };
    open.push(entry);
    this.byRun.set(runId, open);
    try {
      return await fn();
    } finally {
      open.splice(open.lastIndexOf(entry), 1);
      if (open.length === 0) this.byRun.delete(runId);
    }
  }

  /** The request the run is being advanced for now, if any: the latest still in flight. */
  of(runId: string): string | undefined {
    return this.latest(runId)?.id;
  }

  /** The span of that request's caller, when it sent a `traceparent`. */
  parentOf(runId: string): Span | undefined {
    return this.latest(runId)?.parent;
  }

  private latest(runId: string) {
    const open = this.byRun.get(runId);
    return open?.[open.length - 1];
  }
}
