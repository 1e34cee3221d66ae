/**
 * How a step ends when its signal aborts: the run's deadline passed
 * (`timed_out`), the step's own `timeout_sec` passed (`timed_out`), or the
 * run was cancelled (`cancelled`).
 */
import { isEngineError } from '../errors.js';
import type { StepContext, StepOutcome } from './context.js';

export const CANCELLED = 'run cancelled';

export function stopped(ctx: StepContext): StepOutcome {
  const reason: unknown = ctx.signal.reason;
  if (reason === CANCELLED) {
    return {
      status: 'cancelled',
      error: { code: 'run_cancelled', message: `run ${ctx.run.id} was cancelled` },
    };
  }
  if (isEngineError(reason) && reason.code === 'step_timed_out') {
    return { status: 'timed_out', error: { code: 'step_timed_out', message: reason.message } };
  }
  const limit = ctx.run.workflow.timeout_sec;
  return {
    status: 'timed_out',
    error: {
      code: 'run_timed_out',
      message: `run ${ctx.run.id} exceeded its timeout_sec of ${limit}`,
    },
  };
}
