/**
 * `for_each` on a step runs it once per item of a list, at most
 * `max_parallel` at once. Each item is a child step of the run
 * (`<id>[<index>]`, recorded once, so a resumed run keeps them) that reads
 * `item` and `index`. The parent's output is the list of the children's
 * outputs; it fails when one fails and waits while one waits. Once an item
 * has failed no other starts: those not started yet are cancelled (the
 * ones in flight finish).
 */
import { EngineError } from '../errors.js';
import { renderTemplate } from '../expressions.js';
import type { ApprovalRecord, StepRecord } from '../records.js';
import type { StepContext, StepOutcome } from './context.js';
import { contextFor, runAndSave } from './run_step.js';

export const MAX_ITEMS = 1000;

export async function runForEach(ctx: StepContext): Promise<StepOutcome> {
  const items = renderTemplate(ctx.plan.forEach!, ctx.scope);
  if (!Array.isArray(items)) {
    throw new EngineError('expression_failed', `for_each of "${ctx.plan.id}" is not a list`);
  }
  if (items.length > MAX_ITEMS) {
    const message = `for_each of "${ctx.plan.id}" has over ${MAX_ITEMS} items`;
    throw new EngineError('expression_failed', message);
  }
  const { store } = ctx.services;
  await store.addChildren(ctx.run.id, ctx.record, items.length);

  // An item approved while the others ran (this step in flight) is pending again when they
  // are done: another round runs it. Each round starts at least one item, so this ends.
  let failedItem: number | undefined;
  let left: StepRecord[] = [];
  for (let round = 0; round <= items.length; round++) {
    const view = (await store.view(ctx.run.id))!;
    const children = view.steps.filter((s) => s.parent_id === ctx.plan.id);
    // An item that failed before a restart stops the rest as one failing now would.
    failedItem ??= children.find((c) => c.status === 'failed' || c.status === 'timed_out')
      ?.item_index;
    left = children.filter((c) => c.status === 'pending');
    if (left.length === 0 || failedItem !== undefined || ctx.signal.aborted) break;
    failedItem = await runItems(ctx, items, left, view.approvals);
  }
  if (ctx.signal.aborted) throw ctx.signal.reason;
  if (failedItem !== undefined) {
    const message = `not run: item ${failedItem} of "${ctx.plan.id}" failed`;
    for (const child of left) {
      await store.updateStep(ctx.run.id, child.step_id, { status: 'cancelled',
        error: { code: 'upstream_failed', message }, finished_at: store.now() });
    }
  }

  const after = (await store.view(ctx.run.id))!.steps.filter((s) => s.parent_id === ctx.plan.id);
  return outcomeOf(ctx.plan.id, after);
}

/**
 * Runs the items of `queue`, `max_parallel` at once, until one fails (the
 * ones in flight finish); takes from `queue` each item it starts, and
 * answers the index of the first that failed.
 */
async function runItems(
  ctx: StepContext,
  items: unknown[],
  queue: StepRecord[],
  approvals: ApprovalRecord[],
): Promise<number | undefined> {
  let failedItem: number | undefined;
  const worker = async () => {
    while (failedItem === undefined) {
      const child = queue.shift();
      if (!child) return;
      if (ctx.signal.aborted) {
        queue.unshift(child);
        return;
      }
      const i = child.item_index ?? 0;
      const step = { ...ctx.plan.step, id: child.step_id };
      const plan = { ...ctx.plan, id: child.step_id, step };
      delete plan.forEach;
      // The step waited out its delay before its items were made; an item waits no more.
      delete plan.delay;
      const scope = { ...ctx.scope, item: items[i], index: i };
      const approval = approvals.find((a) => a.step_id === child.step_id);
      const wf = { workflow: ctx.run.workflow, packId: ctx.packId, steps: [] };
      const { services, run } = ctx;
      const inner = contextFor(services, run, wf, plan, child, scope, ctx, approval);
      await runAndSave(inner);
      const status = inner.record.status;
      if ((status === 'failed' || status === 'timed_out') && failedItem === undefined) {
        failedItem = i;
      }
    }
  };
  const width = Math.min(ctx.plan.maxParallel, Math.max(1, queue.length));
  await Promise.all(Array.from({ length: width }, worker));
  return failedItem;
}

function outcomeOf(id: string, children: StepRecord[]): StepOutcome {
  const failed = children.find((c) => c.status === 'failed' || c.status === 'timed_out');
  if (failed) {
    const error = failed.error ?? { code: 'internal' as const, message: 'failed' };
    return {
      status: 'failed',
      error: { ...error, message: `item ${failed.item_index} of "${id}" failed: ${error.message}` },
    };
  }
  if (children.some((c) => c.status === 'waiting')) return { status: 'waiting' };
  return { status: 'succeeded', output: children.map((c) => c.output ?? null) };
}
