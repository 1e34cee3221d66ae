/**
 * Runs one step of a claimed run: its gate (condition, branch), its delay,
 * its time limit, then its executor, and records how it ended.
 */
import { storableCopy } from '../../packs/documents.js';
import { isConnectionLoss } from '../../storage/database.js';
import { conditionHolds, type Scope } from '../conditions.js';
import { EngineError, isLeaseLost, toStepError } from '../errors.js';
import type { StepPlan, WorkflowPlan } from '../plan.js';
import { isJobStep } from '../plan_types.js';
import type { ApprovalRecord, RunRecord, StepRecord } from '../records.js';
import { DONE, type StepPatch } from '../store.js';
import type { EngineServices, StepContext, StepOutcome } from './context.js';
import { waitForDelay } from './delay.js';
import { runForEach } from './for_each.js';
import { EXECUTORS } from './index.js';
import { pauseOf } from './pause.js';
import { runTimer } from './pauses.js';
import type { SignalSource } from './run_stop.js';
import { stopped } from './stopped.js';

export function contextFor(
  services: EngineServices,
  run: RunRecord,
  plan: WorkflowPlan,
  step: StepPlan,
  record: StepRecord,
  scope: Scope,
  /** The run's stop, or the context of the step this one runs inside. */
  stop: SignalSource,
  approval?: ApprovalRecord,
): StepContext {
  const ctx: StepContext = {
    services,
    run,
    packId: plan.packId,
    plan: step,
    record: { ...record },
    scope,
    // Asked for only by steps that can be stopped while they wait (see run_stop.ts).
    get signal() {
      return stop.signal;
    },
    update(patch: StepPatch) {
      // The context's record is its own copy: changed in place, as the store's, once that is.
      const stored = services.store.updateStep(run.id, step.id, patch);
      if (stored === DONE) {
        Object.assign(ctx.record, patch);
        return DONE;
      }
      return stored.then(() => {
        Object.assign(ctx.record, patch);
      });
    },
    event(event) {
      return services.store.addEvent(run.id, Object.assign({ step_id: step.id }, event));
    },
  };
  if (approval) ctx.approval = approval;
  return ctx;
}

/** What expressions read: the run's input and the outputs of finished steps. */
export function scopeOf(run: RunRecord, records: ReadonlyMap<string, StepRecord>): Scope {
  const steps: Record<string, unknown> = {};
  for (const [id, r] of records) {
    if (r.parent_id !== undefined) continue;
    steps[id] =
      r.status === 'succeeded'
        ? { status: r.status, skipped: r.skipped, output: r.output }
        : { status: r.status, error: r.error };
  }
  return {
    input: run.input,
    steps,
    run: { id: run.id, workflow_id: run.workflow_id, tenant_id: run.tenant_id },
  };
}

/** Runs the step and saves its outcome. */
export async function runAndSave(ctx: StepContext, skip?: string): Promise<void> {
  const ended = ctx.services.hooks?.step(ctx.run, ctx.plan);
  let outcome: StepOutcome | undefined;
  try {
    outcome = skip ? skipped(skip) : await runStep(ctx);
    await saveOutcome(ctx, outcome);
  } finally {
    // Told even when saving failed, so its span ends and is not kept.
    ended?.(outcome ?? { status: 'failed', error: { code: 'internal',
      message: 'the step could not be saved' } });
  }
}

function skipped(reason: string): StepOutcome {
  return { status: 'succeeded', skipped: true, reason };
}

async function runStep(ctx: StepContext): Promise<StepOutcome> {
  const resuming = ctx.approval?.status === 'approved' || ctx.record.started_at !== undefined;
  const now = ctx.services.store.now();
  await ctx.update(
    resuming ? { status: 'running' } : { status: 'running', started_at: now, error: undefined },
  );
  await ctx.event({ type: resuming ? 'step_resumed' : 'step_started', status: 'running' });
  const limit = stepLimit(ctx);
  // Executors see the step's own time limit; `update` changes the shared record in place.
  const inner: StepContext = limit ? { ...ctx, signal: limit.signal } : ctx;
  try {
    // A `condition` step's condition is its work, not its gate.
    const gate = ctx.plan.type === 'condition' ? undefined : ctx.plan.condition;
    if (ctx.approval?.status !== 'approved' && gate && !conditionHolds(gate, ctx.scope)) {
      return skipped('condition is false');
    }
    if (ctx.services.beforeStep) await pauseBefore(inner);
    if (ctx.plan.type !== 'delay' && ctx.plan.delay) {
      const waited = await waitForDelay(inner);
      if (waited) return waited;
    }
    if (ctx.plan.forEach) return await runForEach(inner);
    return await EXECUTORS[ctx.plan.type](inner);
  } catch (err) {
    if (inner.signal.aborted) return stopped(inner);
    // The database out of reach, or the run lost to another process (this one paused past
    // its lease), is no fault of the step's: the run stops here (advance.ts).
    if (isConnectionLoss(err) || isLeaseLost(err)) throw err;
    return { status: 'failed', error: toStepError(err) };
  } finally {
    limit?.clear();
  }
}

/** The debugger's pause before the step, which is not the run's time. */
function pauseBefore(ctx: StepContext): Promise<void> {
  const { services, run } = ctx;
  const pause = () => services.beforeStep!(pauseOf(ctx));
  if (!services.pauses) return pause();
  return services.pauses.during(run.id, pause, (ms) => services.store.leaveOut(run.id, ms));
}

/** The step's `timeout_sec` (for steps other than jobs, which bound each attempt). */
function stepLimit(ctx: StepContext) {
  const sec = isJobStep(ctx.plan.type) ? undefined : ctx.plan.step.timeout_sec;
  // No limit of its own: the run's signal is the step's (no controller per step).
  if (sec === undefined || sec <= 0) return undefined;
  const controller = new AbortController();
  const onRun = () => controller.abort(ctx.signal.reason);
  if (ctx.signal.aborted) controller.abort(ctx.signal.reason);
  ctx.signal.addEventListener('abort', onRun, { once: true });
  const timer = runTimer(ctx.services.pauses, ctx.run.id, () => {
    const message = `step "${ctx.plan.id}" did not finish within its timeout_sec of ${sec}`;
    controller.abort(new EngineError('step_timed_out', message));
  }, sec * 1000);
  return {
    signal: controller.signal,
    clear() {
      timer.clear();
      ctx.signal.removeEventListener('abort', onRun);
    },
  };
}

export async function saveOutcome(ctx: StepContext, outcome: StepOutcome): Promise<void> {
  const patch: StepPatch = { status: outcome.status };
  if (outcome.status !== 'waiting') patch.finished_at = ctx.services.store.now();
  if ('skipped' in outcome) patch.skipped = true;
  if ('output' in outcome) patch.output = outcome.output;
  // Errors may quote what a worker or a server sent: text the database cannot store is replaced.
  const error = 'error' in outcome ? storableCopy(outcome.error) : undefined;
  if (error) patch.error = error;
  await ctx.update(patch);
  const event: Parameters<StepContext['event']>[0] = {
    type: 'skipped' in outcome ? 'step_skipped' : `step_${outcome.status}`,
    status: outcome.status,
  };
  if ('skipped' in outcome) event.message = outcome.reason;
  if (error) {
    event.message = error.message;
    event.details = { code: error.code };
  }
  await ctx.event(event);
}
