/**
 * A loop with a `body` runs that step once per iteration while `while`
 * holds, at most `max_iterations` times. Each iteration is a child step of
 * the run (`<loop>[<index>]`, recorded when the iteration starts), so a
 * worker body sends one real job per iteration, each decided by the policy,
 * and a resumed run goes on from the iteration it was at. The body reads
 * `loop.index` and `loop.output` (the previous iteration's output). An
 * iteration that waits (approval, a throttle's timer) parks the loop; the
 * first that fails fails it. The output is `{ iterations, output, outputs }`.
 */
import { conditionHolds } from '../conditions.js';
import type { StepRecord } from '../records.js';
import type { StepContext, StepOutcome } from './context.js';
import { contextFor, runAndSave } from './run_step.js';

export async function runLoopBody(ctx: StepContext): Promise<StepOutcome> {
  const { condition, maxIterations, body } = ctx.plan.loop!;
  const { store } = ctx.services;
  const view = (await store.view(ctx.run.id))!;
  const done = new Map(
    view.steps.filter((s) => s.parent_id === ctx.plan.id).map((s) => [s.item_index ?? 0, s]),
  );
  const outputs: unknown[] = [];
  let output: unknown = null;
  for (let index = 0; index <= maxIterations; index++) {
    if (ctx.signal.aborted) throw ctx.signal.reason;
    const scope = { ...ctx.scope, loop: { index, output } };
    let child = done.get(index);
    if (!child) {
      // The condition is checked once per iteration, when it starts.
      if (!conditionHolds(condition, scope)) {
        return { status: 'succeeded', output: { iterations: index, output, outputs } };
      }
      if (index === maxIterations) break;
      child = await startIteration(ctx, index);
    }
    if (child.status === 'pending') {
      const approval = view.approvals.find((a) => a.step_id === child!.step_id);
      const plan = { ...body!, id: child.step_id, step: { ...body!.step, id: child.step_id } };
      const wf = { workflow: ctx.run.workflow, packId: ctx.packId, steps: [] };
      const { services, run } = ctx;
      const inner = contextFor(services, run, wf, plan, child, scope, ctx, approval);
      await runAndSave(inner);
      child = inner.record;
    }
    if (child.status === 'succeeded') {
      output = child.output ?? null;
      outputs.push(output);
      continue;
    }
    if (child.status === 'waiting') return park(ctx, child);
    if (ctx.signal.aborted) throw ctx.signal.reason;
    return failed(ctx, child);
  }
  return {
    status: 'failed',
    error: {
      code: 'loop_limit',
      message: `loop "${ctx.plan.id}" still held after max_iterations (${maxIterations})`,
      details: { output },
    },
  };
}

async function startIteration(ctx: StepContext, index: number): Promise<StepRecord> {
  const type = ctx.plan.loop!.body!.type;
  const parent = { step_id: ctx.plan.id, position: ctx.record.position, type };
  // Records iterations 0..index; those before exist already and are kept.
  await ctx.services.store.addChildren(ctx.run.id, parent, index + 1);
  await ctx.event({ type: 'loop_iteration', message: `iteration ${index}`, details: { index } });
  return {
    run_id: ctx.run.id,
    step_id: `${ctx.plan.id}[${index}]`,
    position: ctx.record.position,
    type,
    status: 'pending',
    skipped: false,
    attempts: 0,
    parent_id: ctx.plan.id,
    item_index: index,
  };
}

/**
 * The loop waits with its iteration. An iteration parked on a timer (a
 * throttle) lends the loop its wake-up time, so the poller wakes both.
 */
async function park(ctx: StepContext, child: StepRecord): Promise<StepOutcome> {
  const wake = child.wake_at;
  const future = wake !== undefined && Date.parse(wake) > ctx.services.clock().getTime();
  if (future) await ctx.update({ wake_at: wake });
  else if (ctx.record.wake_at !== undefined && !ctx.plan.delay) {
    await ctx.update({ wake_at: undefined });
  }
  return { status: 'waiting' };
}

function failed(ctx: StepContext, child: StepRecord): StepOutcome {
  const error = child.error ?? { code: 'internal' as const, message: `ended ${child.status}` };
  return {
    status: 'failed',
    error: {
      ...error,
      message: `iteration ${child.item_index} of loop "${ctx.plan.id}" failed: ${error.message}`,
    },
  };
}
