/**
 * Answers about a step someone wants to answer (approve, reject, give
 * input): which step it is, whether its own time ran out, and the refusal
 * when it is not waiting for approval.
 */
import { EngineError } from './errors.js';
import type { WorkflowPlan } from './plan.js';
import type { RunView, StepRecord } from './records.js';
import { deadlineFrom } from './steps/wait_deadline.js';

export function stepNamed(view: RunView, stepId: string): StepRecord {
  const step = view.steps.find((s) => s.step_id === stepId);
  if (step) return step;
  const ids = view.steps.map((s) => s.step_id).join(', ');
  throw new EngineError('step_not_found', `run ${view.run.id} has no step "${stepId}" ` +
    `(steps: ${ids})`);
}

/** When a waiting step's own `timeout_sec` ran out, if it has by `now` (as deadlineOf). */
export function timedOutAt(plan: WorkflowPlan, step: StepRecord, now: Date): string | undefined {
  // A for_each item waits under its parent's step definition.
  const id = step.parent_id ?? step.step_id;
  const sec = plan.steps.find((s) => s.id === id)?.step.timeout_sec;
  const deadline = deadlineFrom(sec, step.started_at);
  if (deadline === undefined || now.getTime() < deadline) return undefined;
  return new Date(deadline).toISOString();
}

export function notPending(runId: string, stepId: string, why: string): EngineError {
  return new EngineError(
    'approval_not_pending',
    `step "${stepId}" of run ${runId} is not waiting for approval: ${why}`,
  );
}

