/**
 * Which HTTP request a run is being advanced for, so that the run's own log
 * lines and spans carry that request's `request_id`: the start that made it
 * (whether this process advances it in the request, after the answer, or
 * through the queue), the approval, input or cancel that resumed it. A run
 * advanced by nobody's request (one taken over by lease, a timer that came
 * due) has none. Passed by hand rather than through AsyncLocalStorage,
 * whose promise hooks would slow every decision in Node 20.
 */
export class RunRequests {
  private readonly byRun = new Map<string, string>();

  /**
   * Runs `fn` with the run's lines naming `requestId` (no request: `fn`
   * alone). A later request for the same run takes over until it ends.
   */
  async during<T>(runId: string, requestId: string | undefined, fn: () => Promise<T>)
    : Promise<T> {
    if (requestId === undefined) return fn();
    this.byRun.set(runId, requestId);
    try {
      return await fn();
    } finally {
      if (this.byRun.get(runId) === requestId) this.byRun.delete(runId);
    }
  }

  /** The request the run is being advanced for now, if any. */
  of(runId: string): string | undefined {
    return this.byRun.get(runId);
  }
}
