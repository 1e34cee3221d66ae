/**
 * Moves a claimed run as far as it can go: steps run one at a time in plan
 * order once everything they depend on has succeeded. The first failure
 * stops the run and cancels what had not finished; a step that waits for
 * approval leaves the run `waiting`, and only steps that are `pending` are
 * ever started, so a resumed run never runs a finished step again.
 */
import { conditionHolds, type Scope } from './conditions.js';
import { toStepError, type StepError } from './errors.js';
import type { StepPlan, WorkflowPlan } from './plan.js';
import {
  isTerminal,
  type RunRecord,
  type RunView,
  type Status,
  type StepRecord,
} from './records.js';
import type { EngineServices, StepContext, StepOutcome } from './steps/context.js';
import { timedOut } from './steps/dispatch.js';
import { EXECUTORS } from './steps/index.js';
import type { EngineStore, StepPatch } from './store.js';

type Outcome = StepOutcome | { status: 'succeeded'; skipped: true };

export async function advanceRun(services: EngineServices, run: RunRecord, plan: WorkflowPlan) {
  const controller = new AbortController();
  const remaining = remainingMs(run);
  const timer =
    remaining === undefined
      ? undefined
      : setTimeout(() => controller.abort(new Error('run timeout')), Math.max(0, remaining));
  try {
    // Each round runs a step or settles the run; a round that cannot settle
    // (a step was approved meanwhile) runs that step next, so this ends.
    const rounds = 2 * plan.steps.length + 2;
    for (let round = 0; round < rounds; round++) {
      const view = (await services.store.view(run.id))!;
      if (await onePass(services, view, plan, controller.signal)) continue;
      const aborted = controller.signal.aborted;
      if (await services.store.atomically(run.id, (tx) => settle(tx, plan, run.id, aborted))) {
        return;
      }
    }
    await services.store.atomically(run.id, (tx) => settle(tx, plan, run.id, false, true));
  } finally {
    if (timer) clearTimeout(timer);
  }
}

/** Time left of `timeout_sec`: what earlier stretches of running used is spent. */
function remainingMs(run: RunRecord): number | undefined {
  const limit = run.workflow.timeout_sec;
  if (limit === undefined || limit <= 0) return undefined;
  return limit * 1000 - run.active_ms;
}

/** Runs every step that is ready; answers whether any step ran. */
async function onePass(
  services: EngineServices,
  view: RunView,
  plan: WorkflowPlan,
  signal: AbortSignal,
): Promise<boolean> {
  const records = new Map(view.steps.map((s) => [s.step_id, s]));
  let ran = false;
  for (const step of plan.steps) {
    if (halted([...records.values()]) || signal.aborted) return false;
    const record = records.get(step.id);
    if (!record || record.status !== 'pending') continue;
    if (!step.dependsOn.every((d) => records.get(d)?.status === 'succeeded')) continue;

    const approval = view.approvals.find((a) => a.step_id === step.id);
    const ctx = contextFor(services, view.run, plan, step, record, records, signal);
    if (approval) ctx.approval = approval;
    const outcome = await runStep(ctx);
    await saveOutcome(ctx, outcome);
    records.set(step.id, ctx.record);
    ran = true;
  }
  return ran;
}

function contextFor(
  services: EngineServices,
  run: RunRecord,
  plan: WorkflowPlan,
  step: StepPlan,
  record: StepRecord,
  records: Map<string, StepRecord>,
  signal: AbortSignal,
): StepContext {
  const ctx: StepContext = {
    services,
    run,
    packId: plan.packId,
    plan: step,
    record: { ...record },
    scope: scopeOf(run, records),
    signal,
    async update(patch: StepPatch) {
      await services.store.updateStep(run.id, step.id, patch);
      ctx.record = { ...ctx.record, ...patch } as StepRecord;
    },
    async event(event) {
      await services.store.addEvent(run.id, { ...event, step_id: step.id });
    },
  };
  return ctx;
}

/** What expressions read: the run's input and the outputs of finished steps. */
function scopeOf(run: RunRecord, records: Map<string, StepRecord>): Scope {
  const steps: Record<string, unknown> = {};
  for (const [id, r] of records) {
    steps[id] =
      r.status === 'succeeded'
        ? { status: r.status, skipped: r.skipped, output: r.output }
        : { status: r.status };
  }
  return {
    input: run.input,
    steps,
    run: { id: run.id, workflow_id: run.workflow_id, tenant_id: run.tenant_id },
  };
}

async function runStep(ctx: StepContext): Promise<Outcome> {
  const resuming = ctx.approval?.status === 'approved';
  const now = ctx.services.clock().toISOString();
  await ctx.update(
    resuming ? { status: 'running' } : { status: 'running', started_at: now, error: undefined },
  );
  await ctx.event({ type: resuming ? 'step_resumed' : 'step_started', status: 'running' });
  try {
    // A `condition` step's condition is its work, not its gate.
    const gate = ctx.plan.type === 'condition' ? undefined : ctx.plan.condition;
    if (!resuming && gate && !conditionHolds(gate, ctx.scope)) {
      return { status: 'succeeded', skipped: true };
    }
    return await EXECUTORS[ctx.plan.type](ctx);
  } catch (err) {
    if (ctx.signal.aborted) return timedOut(ctx);
    return { status: 'failed', error: toStepError(err) };
  }
}

async function saveOutcome(ctx: StepContext, outcome: Outcome): Promise<void> {
  const patch: StepPatch = { status: outcome.status };
  if (outcome.status !== 'waiting') patch.finished_at = ctx.services.clock().toISOString();
  if ('skipped' in outcome) patch.skipped = true;
  if ('output' in outcome) patch.output = outcome.output;
  if ('error' in outcome) patch.error = outcome.error;
  await ctx.update(patch);
  const event: Parameters<StepContext['event']>[0] = {
    type: 'skipped' in outcome ? 'step_skipped' : `step_${outcome.status}`,
    status: outcome.status,
  };
  if ('skipped' in outcome) event.message = 'condition is false';
  if ('error' in outcome) {
    event.message = outcome.error.message;
    event.details = { code: outcome.error.code };
  }
  await ctx.event(event);
}

/**
 * Settles the run's status from its steps, under the run's lock; a failure
 * cancels what is left. Answers false, settling nothing, when a step became
 * ready meanwhile (approved by another process) and the run should go on.
 */
async function settle(
  store: EngineStore,
  plan: WorkflowPlan,
  runId: string,
  timedOut: boolean,
  force = false,
) {
  const view = (await store.view(runId))!;
  const goOn = !timedOut && !halted(view.steps) && hasReadyStep(view.steps, plan);
  if (goOn && !force) return false;
  const { status, error } = runStatus(view.steps, timedOut);
  if (status === 'failed' || status === 'timed_out') {
    const now = store.now();
    const cancel: StepError =
      status === 'timed_out'
        ? { code: 'run_timed_out', message: `run ${runId} ran out of time` }
        : { code: 'upstream_failed', message: 'not run: an earlier step failed' };
    for (const step of view.steps) {
      if (isTerminal(step.status)) continue;
      await store.updateStep(runId, step.step_id, {
        status: 'cancelled',
        error: cancel,
        finished_at: now,
      });
      const approval = view.approvals.find((a) => a.step_id === step.step_id);
      if (approval?.status === 'pending') {
        await store.decideApproval(runId, step.step_id, { status: 'cancelled' });
      }
    }
  }
  await store.releaseRun(runId, status, error);
  return true;
}

function halted(steps: StepRecord[]): boolean {
  return steps.some((r) => r.status === 'failed' || r.status === 'timed_out');
}

function hasReadyStep(steps: StepRecord[], plan: WorkflowPlan): boolean {
  const status = new Map(steps.map((s) => [s.step_id, s.status]));
  return plan.steps.some(
    (step) =>
      status.get(step.id) === 'pending' &&
      step.dependsOn.every((d) => status.get(d) === 'succeeded'),
  );
}

function runStatus(steps: StepRecord[], timedOut: boolean): { status: Status; error?: StepError } {
  const failed = steps.find((s) => s.status === 'failed');
  if (failed) return { status: 'failed', error: failedBy(failed) };
  const late = steps.find((s) => s.status === 'timed_out');
  if (late) return { status: 'timed_out', error: late.error! };
  if (steps.every((s) => s.status === 'succeeded')) return { status: 'succeeded' };
  if (timedOut) {
    return {
      status: 'timed_out',
      error: { code: 'run_timed_out', message: 'the run ran out of time' },
    };
  }
  if (steps.some((s) => s.status === 'waiting')) return { status: 'waiting' };
  // Pending steps with nothing to wait for would be a bug in the planner.
  return { status: 'failed', error: { code: 'internal', message: 'steps were left pending' } };
}

function failedBy(step: StepRecord): StepError {
  const error = step.error ?? { code: 'internal', message: 'failed' };
  return { ...error, message: `step "${step.step_id}" failed: ${error.message}` };
}
