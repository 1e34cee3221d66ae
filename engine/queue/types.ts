/**
 * Where started runs wait for a process to advance them. Several engine
 * processes on one PostgreSQL database share one queue (graphile-worker);
 * a single process (PGlite) uses an in-process one through the same seam.
 * A queue only hands out run ids: the claim and lease on the run decide
 * which process advances it, so a job delivered twice runs nothing twice.
 */
export interface RunQueue {
  /**
   * Queues a run to be advanced by some process; `requestId` (the HTTP
   * request that started it) goes with it, for the run's log lines, and the
   * `traceparent` its caller sent, for the run's span.
   */
  enqueue(runId: string, requestId?: string, traceparent?: string): Promise<void>;
  /** Starts handing queued runs (with the request that queued each) to `advance`. */
  start(advance: (runId: string, requestId?: string, traceparent?: string) => Promise<void>):
    Promise<void>;
  /** Stops taking runs and waits for the ones in hand. */
  stop(): Promise<void>;
  /**
   * How many runs wait in the queue for a process to take them, and how
   * many are taken (being advanced; by every process sharing the queue).
   */
  depth(): Promise<{ waiting: number; taken: number }>;
  /**
   * Of `runIds`, the runs the queue still holds for a process to take (not
   * taken yet): the lease poller leaves those to it, however long the backlog.
   */
  waiting(runIds: string[]): Promise<Set<string>>;
}
