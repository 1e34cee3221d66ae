/**
 * A subworkflow step starts a run of another installed workflow with its
 * rendered input and waits for it. The child's id is chosen and written
 * down on the step before the child is recorded, so a resumed parent waits
 * for the same child (recording it if the process died before it could).
 * Its output is `{ run_id, status, outputs }` with each child step's output.
 *
 * A child that waits (for approval, input or a timer) parks the parent step
 * `waiting` on a timer (`wake_at`, as `delay` does), so the parent run waits
 * too. Each time the timer is due the parent looks at the child again, backing
 * off from 1 s to a minute between looks; once the child has finished, the
 * parent step ends as the child did. Everything is in the database, so the
 * child may be approved in another process and the parent resumed by a third.
 * A parent step stopped (cancelled, out of time) while its child runs here
 * cancels the child.
 */
import { randomUUID } from 'node:crypto';
import { renderTemplate } from '../expressions.js';
import { isTerminal, type RunView } from '../records.js';
import { backoffMs } from '../retry.js';
import type { StepContext, StepExecutor, StepOutcome } from './context.js';
import { stopped } from './stopped.js';
import { deadlineOf, pastDeadline } from './wait_deadline.js';

/** Waits between looks at a waiting child: 1 s, doubling, at most 60 s. */
const LOOK_BACKOFF = { initial_backoff_sec: 1, multiplier: 2, max_backoff_sec: 60 };

export const runSubworkflow: StepExecutor = async (ctx) => {
  const subworkflows = ctx.services.subworkflows;
  if (!subworkflows) throw new Error('this engine cannot start subworkflows');
  const workflow = String(ctx.plan.step.workflow);
  let childId = ctx.record.job?.job_id;
  if (childId === undefined) {
    const input = renderTemplate(ctx.plan.input, ctx.scope);
    childId = randomUUID();
    await ctx.update({
      input,
      job: { job_id: childId, idempotency_key: childId, handler: 'subworkflow', constraints: {} },
    });
    // The child's id is on record before the child is: a process that takes the parent over
    // records that child if it is missing, never a second one.
    await ctx.services.store.flush(ctx.run.id);
    if (ctx.signal.aborted) return stopped(ctx);
    await subworkflows.create(workflow, input, ctx.run.id, childId);
    await ctx.event({ type: 'subworkflow_started', message: `child run ${childId}` });
  } else {
    await subworkflows.create(workflow, ctx.record.input, ctx.run.id, childId);
  }
  const child = await current(ctx, childId);
  // Cancelled or out of time while the child ran here: the child was cancelled with it.
  if (ctx.signal.aborted) return stopped(ctx);
  if (!isTerminal(child.run.status)) {
    // Past the step's own timeout_sec while the child waited: the child goes with it.
    const late = pastDeadline(ctx);
    if (late) {
      await subworkflows.cancel(childId).catch(() => undefined);
      return late;
    }
    return park(ctx, child);
  }
  if (ctx.record.wake_at !== undefined) await ctx.update({ wake_at: undefined });
  return ended(ctx, child);
};

/**
 * The child as it is now. A child no process holds (new, or due) is advanced
 * here; one that waits, or that another process runs, is only looked at.
 */
async function current(ctx: StepContext, childId: string): Promise<RunView> {
  const seen = await ctx.services.store.view(childId);
  if (!seen) throw new Error(`child run ${childId} of step "${ctx.plan.id}" is gone`);
  if (seen.run.status !== 'pending' && !timerDue(ctx, seen)) return seen;
  return driveChild(ctx, childId);
}

/** Advances the child here; if this step is stopped meanwhile, the child is cancelled. */
async function driveChild(ctx: StepContext, childId: string): Promise<RunView> {
  const subworkflows = ctx.services.subworkflows!;
  const { signal } = ctx;
  const stop = () => {
    subworkflows.cancel(childId).catch(() => undefined);
  };
  if (signal.aborted) stop();
  else signal.addEventListener('abort', stop, { once: true });
  try {
    return await subworkflows.drive(childId, ctx.run.id, ctx.plan.id);
  } finally {
    signal.removeEventListener('abort', stop);
  }
}

function timerDue(ctx: StepContext, child: RunView): boolean {
  if (child.run.status !== 'waiting') return false;
  const now = ctx.services.clock().getTime();
  return child.steps.some(
    (s) => s.status === 'waiting' && s.wake_at !== undefined && Date.parse(s.wake_at) <= now,
  );
}

/** Parks the parent step until its next look at the child. */
async function park(ctx: StepContext, child: RunView): Promise<StepOutcome> {
  const looks = ctx.record.attempts + 1;
  const wait = backoffMs(LOOK_BACKOFF, looks);
  // The next look, or the step's deadline if that comes first.
  const next = ctx.services.clock().getTime() + wait;
  const wake = new Date(Math.min(next, deadlineOf(ctx) ?? next)).toISOString();
  await ctx.update({ attempts: looks, wake_at: wake });
  if (looks === 1) {
    const waiting = child.steps.filter((s) => s.status === 'waiting').map((s) => s.step_id);
    await ctx.event({
      type: 'subworkflow_waiting',
      status: 'waiting',
      message: `child run ${child.run.id} is ${child.run.status}` +
        (waiting.length > 0 ? ` (waiting: ${waiting.join(', ')})` : ''),
      details: { run_id: child.run.id, waiting },
    });
  }
  return { status: 'waiting' };
}

function ended(ctx: StepContext, child: RunView): StepOutcome {
  const childId = child.run.id;
  const outputs: Record<string, unknown> = {};
  for (const step of child.steps) {
    if (step.parent_id === undefined) outputs[step.step_id] = step.output ?? null;
  }
  const output = { run_id: childId, status: child.run.status, outputs };
  if (child.run.status === 'succeeded') return { status: 'succeeded', output };
  return {
    status: 'failed',
    error: {
      code: 'subworkflow_failed',
      message:
        `child run ${childId} of "${String(ctx.plan.step.workflow)}" ` +
        `ended ${child.run.status}` +
        (child.run.error ? `: ${child.run.error.message}` : ''),
      details: output,
    },
  };
}
