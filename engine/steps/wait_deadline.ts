/**
 * A step that waits for someone (an approval, an input) is bounded by its
 * own `timeout_sec`, counted from when it first started: it parks with its
 * timer (`wake_at`) at that deadline, so the poller wakes the run then, and
 * woken past it the step is `timed_out` (`step_timed_out`). The run's own
 * `timeout_sec` leaves such waits out; the step's does not.
 */
import { LATEST_TIME_MS } from '../date_time.js';
import type { StepContext, StepOutcome } from './context.js';

/**
 * When a `timeout_sec` counted from `started` runs out (ms); or none. A deadline past
 * the last time a timer can be stored at (9999-12-31T23:59:59Z) is none: it never comes.
 */
export function deadlineFrom(sec: number | undefined, started: string | undefined) {
  if (sec === undefined || sec <= 0 || started === undefined) return undefined;
  const deadline = Date.parse(started) + sec * 1000;
  return deadline > LATEST_TIME_MS ? undefined : deadline;
}

/** When the step's `timeout_sec` runs out, counted from its first start (ms); or none. */
export function deadlineOf(ctx: StepContext): number | undefined {
  return deadlineFrom(ctx.plan.step.timeout_sec, ctx.record.started_at);
}

/** What each kind of waiting step was still waiting for when its time ran out. */
const WAITED_FOR: Partial<Record<string, string>> = {
  approval: 'with nobody answering',
  input: 'with no data given',
  subworkflow: 'for its child run to finish',
};

/** The step's outcome when its deadline has passed; undefined while it may still wait. */
export function pastDeadline(ctx: StepContext): StepOutcome | undefined {
  const deadline = deadlineOf(ctx);
  if (deadline === undefined || ctx.services.clock().getTime() < deadline) return undefined;
  const message = `step "${ctx.plan.id}" waited past its timeout_sec ` +
    `(${ctx.plan.step.timeout_sec} s) ${WAITED_FOR[ctx.plan.type] ?? 'with nobody answering'}`;
  return { status: 'timed_out', error: { code: 'step_timed_out', message } };
}

/** Waits, with the step's timer at its deadline when it has one. */
export async function waitUntilDeadline(ctx: StepContext): Promise<StepOutcome> {
  const deadline = deadlineOf(ctx);
  if (deadline !== undefined) await ctx.update({ wake_at: new Date(deadline).toISOString() });
  return { status: 'waiting' };
}
