/**
 * Ctrl-C during `cordum engine run`. The first cancels the run, which ends
 * `cancelled` (its steps' work stopped, its writes durable) and the command
 * exits as for any cancelled run. A second, or one before the run is
 * recorded, ends the process at once: a run recorded by then stays
 * `running` under its lease until an `engine serve` takes it over.
 */
export interface RunInterrupt {
  /** Told the run's id once it is recorded. */
  track(runId: string): void;
  /** Gives Ctrl-C back its default action. */
  release(): void;
}

export function cancelOnInterrupt(
  cancel: (runId: string) => Promise<unknown>,
  out: NodeJS.WritableStream = process.stderr,
  // With no listener left, the default action ends the process.
  raise: () => void = () => process.kill(process.pid, 'SIGINT'),
): RunInterrupt {
  let runId: string | undefined;
  let cancelling = false;
  const release = () => void process.off('SIGINT', interrupted);
  function interrupted() {
    if (runId === undefined || cancelling) {
      release();
      raise();
      return;
    }
    cancelling = true;
    out.write(`\nInterrupted: cancelling run ${runId} (Ctrl-C again to stop at once and ` +
      'leave it running)\n');
    cancel(runId).catch((err: unknown) => {
      const why = err instanceof Error ? err.message : String(err);
      out.write(`could not cancel run ${runId}: ${why}\n`);
    });
  }
  process.on('SIGINT', interrupted);
  return { track: (id) => void (runId = id), release };
}
