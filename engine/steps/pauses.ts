/**
 * Time a run spends paused by the `--step` debugger, which is a person
 * reading, not the run working: it is left out of the run's `timeout_sec`,
 * of each step's own, and of the run's `active_ms`. A timer armed before a
 * pause fires that much later; one due while a pause lasts waits for its end.
 */
import { setLongTimeout, type LongTimer } from '../long_timer.js';

interface RunPause {
  /** Milliseconds paused so far, every pause that has ended. */
  total: number;
  /** Pauses going on now (items of a for_each may pause side by side). */
  open: number;
  openedAt: number;
  /** Resolved when the pauses going on now have all ended. */
  ended?: Promise<void>;
  end?: () => void;
}

export class RunPauses {
  private readonly runs = new Map<string, RunPause>();

  private of(runId: string): RunPause {
    let pause = this.runs.get(runId);
    if (!pause) {
      pause = { total: 0, open: 0, openedAt: 0 };
      this.runs.set(runId, pause);
    }
    return pause;
  }

  /**
   * Runs `pause` (the debugger's wait) as a pause of the run; `leaveOut` is
   * told the length of time the run's pauses covered, once they have all ended.
   */
  async during<T>(runId: string, pause: () => Promise<T>, leaveOut: (ms: number) => void) {
    const p = this.of(runId);
    if (p.open++ === 0) {
      p.openedAt = performance.now();
      p.ended = new Promise((done) => (p.end = done));
    }
    try {
      return await pause();
    } finally {
      if (--p.open === 0) {
        const ms = performance.now() - p.openedAt;
        p.total += ms;
        leaveOut(ms);
        p.end?.();
      }
    }
  }

  /**
   * Calls `fire` once `ms` of the run's own time have passed: the pauses
   * since this was armed push it back by their length.
   */
  timeout(runId: string, fire: () => void, ms: number): LongTimer {
    const p = this.of(runId);
    let seen = p.total;
    let timer: LongTimer | undefined;
    let cleared = false;
    const due = () => {
      if (cleared) return;
      if (p.open > 0) {
        void p.ended!.then(due);
        return;
      }
      const extra = p.total - seen;
      seen = p.total;
      if (extra > 0) timer = setLongTimeout(due, extra);
      else fire();
    };
    timer = setLongTimeout(due, ms);
    return {
      clear() {
        cleared = true;
        timer?.clear();
      },
    };
  }

  /** Forgets a run this process no longer advances. */
  forget(runId: string): void {
    if (this.runs.get(runId)?.open === 0) this.runs.delete(runId);
  }
}

/** A timer of the run's own time when its pauses are counted, else a plain one. */
export function runTimer(
  pauses: RunPauses | undefined,
  runId: string,
  fire: () => void,
  ms: number,
): LongTimer {
  return pauses ? pauses.timeout(runId, fire, ms) : setLongTimeout(fire, ms);
}
