/**
 * The tries of a step that retries (a worker job, an `http` call), shared by
 * both: where a step taken over from a dead process goes on, and what is put
 * on record before each wait, so a process that takes the step over keeps to
 * the same budget.
 */
import type { StepError } from '../errors.js';
import { backoffMs } from '../retry.js';
import type { StepContext, StepOutcome } from './context.js';
import { stopped } from './stopped.js';

/**
 * The first try to make, or how the step ends. A step taken over sends its
 * last try again (under the same idempotency key), unless that try had
 * failed (its process died during the backoff): then the next one goes,
 * after its wait, or none when the budget of `retries` is spent.
 */
export async function firstAttempt(ctx: StepContext, retries: number):
  Promise<number | StepOutcome> {
  const made = ctx.record.attempts;
  const failedBefore = made > 0 ? ctx.record.error : undefined;
  if (!failedBefore) return Math.max(1, made);
  if (made > retries) return { status: 'failed', error: failedBefore };
  if (!(await backoff(ctx, made))) return stopped(ctx);
  return made + 1;
}

/**
 * After try `attempt` failed with `error` and may be retried: the failure on
 * record, a `job_failed` event saying when the next try goes, and the wait.
 * False when the run was stopped meanwhile.
 */
export async function retryAfter(ctx: StepContext, error: StepError | undefined,
  attempt: number): Promise<boolean> {
  if (error) await ctx.update({ error });
  await ctx.event({
    type: 'job_failed',
    message: `${error?.message ?? 'failed'}; retrying in ${
      backoffMs(ctx.plan.step.retry, attempt)} ms`,
    details: { attempt, code: error?.code },
  });
  return backoff(ctx, attempt);
}

/** Waits before the try after `failed`; false when the run was stopped meanwhile. */
async function backoff(ctx: StepContext, failed: number): Promise<boolean> {
  try {
    await ctx.services.sleep(backoffMs(ctx.plan.step.retry, failed), ctx.signal);
    return true;
  } catch {
    return false;
  }
}
