/**
 * Moves a claimed run as far as it can go. Steps start as soon as what
 * they depend on has succeeded, up to `concurrency` at once; the first
 * failure nothing handles stops new starts, and the run settles once
 * nothing is in flight. Only `pending` steps are ever started, so a resumed
 * run never runs a finished step again. While the run is advanced its
 * lease is renewed; a cancel asked from elsewhere is seen on renewal.
 */
import { isConnectionLoss } from '../storage/database.js';
import { isLeaseLost } from './errors.js';
import type { WorkflowPlan } from './plan.js';
import {
  branchSkip, readySteps, routeSkip, settledStatus, unhandled, type Records,
} from './readiness.js';
import type { RunRecord, StepRecord } from './records.js';
import type { EngineServices } from './steps/context.js';
import { contextFor, runAndSave, scopeOf } from './steps/run_step.js';
import { runTimer } from './steps/pauses.js';
import { RunStop } from './steps/run_stop.js';
import { CANCELLED } from './steps/stopped.js';
import type { EngineStore } from './store.js';

type Stop = 'timed_out' | 'cancelled' | 'lost';

export async function advanceRun(services: EngineServices, run: RunRecord, plan: WorkflowPlan) {
  const signal = new RunStop();
  const stop = { why: undefined as Stop | undefined, over: false };
  const halt = (why: Stop, reason: unknown) => {
    // A renewal answered after the run settled is not a loss; the first stop counts,
    // except a lost lease: another process owns the run now, so nothing more is written.
    if (stop.over || (stop.why && why !== 'lost')) return;
    if (why === 'lost') services.store.abandon(run.id);
    stop.why = why;
    signal.abort(reason);
  };
  const timer = runDeadline(services, run, () => halt('timed_out', new Error('run timeout')));
  const lease = keepLease(services, run.id, halt);
  services.cancellers.set(run.id, () => halt('cancelled', CANCELLED));
  const ended = services.hooks?.run(run);
  let status = 'running';
  try {
    // Each round runs what is ready; a round that cannot settle (a step was
    // approved meanwhile) runs again, so this ends.
    for (let round = 0; round < 2 * plan.steps.length + 4; round++) {
      // A cancel asked since the claim (while an approval resumed the run, say) is seen here.
      if (run.cancel_requested || services.store.cancelRequested(run.id)) {
        halt('cancelled', CANCELLED);
      }
      await runReady(services, run, plan, signal);
      if (stop.why === 'lost') {
        status = 'lost';
        return;
      }
      const why = stop.why;
      const done = await services.store.settling(run.id, (tx) => settle(tx, plan, run.id, why));
      if (done) {
        status = done.status;
        if (done.children.length > 0) await cancelChildren(services, done.children);
        return;
      }
    }
  } catch (err) {
    status = 'error';
    // The database out of reach: the run is given up here as if this process had died.
    // What was queued for it is dropped and nothing more is written; once the database is
    // back its lease runs out and a process takes it over, resending the job in flight
    // under the same idempotency key. Failing the step instead would fail the run for good.
    if (isConnectionLoss(err) || isLeaseLost(err)) halt('lost', err);
    throw err;
  } finally {
    ended?.(status);
    stop.over = true;
    timer?.clear();
    clearInterval(lease);
    services.cancellers.delete(run.id);
    services.pauses?.forget(run.id);
  }
}

/** Renews the run's lease a few times per lease period; loses it or sees a cancel. */
function keepLease(
  services: EngineServices,
  runId: string,
  halt: (why: Stop, reason: unknown) => void,
): NodeJS.Timeout {
  const every = Math.max(50, Math.floor(services.leaseMs / 3));
  return setInterval(() => {
    services.store.renewLease(runId, services.owner, services.leaseMs).then(
      (cancel) => {
        if (cancel === undefined) halt('lost', new Error('lease lost'));
        else if (cancel) halt('cancelled', CANCELLED);
      },
      () => undefined,
    );
  }, every);
}

/**
 * Calls `timedOut` once the run's `timeout_sec` is spent; a run resumed with no time
 * left (spent before it waited) starts no step: it times out now.
 */
function runDeadline(services: EngineServices, run: RunRecord, timedOut: () => void) {
  const remaining = remainingMs(run);
  if (remaining === undefined) return undefined;
  if (remaining > 0) return runTimer(services.pauses, run.id, timedOut, remaining);
  timedOut();
  return undefined;
}

/** Time left of `timeout_sec`: what earlier stretches of running used is spent. */
function remainingMs(run: RunRecord): number | undefined {
  const limit = run.workflow.timeout_sec;
  if (limit === undefined || limit <= 0) return undefined;
  return limit * 1000 - run.active_ms;
}

/** Starts ready steps as slots free up, until none is ready and none runs. */
async function runReady(
  services: EngineServices,
  run: RunRecord,
  plan: WorkflowPlan,
  signal: RunStop,
): Promise<void> {
  const view = (await services.store.current(run.id))!;
  const records = new Map<string, StepRecord>(view.steps.map((s) => [s.step_id, s]));
  const inFlight = new Map<string, Promise<void>>();
  const limit = Math.max(1, services.concurrency);
  for (let guard = 0; guard < 4 * plan.steps.length + 4; guard++) {
    if (!signal.aborted && !unhandled(plan, records)) {
      for (const step of readySteps(plan, records)) {
        if (inFlight.size >= limit) break;
        if (inFlight.has(step.id)) continue;
        const record = records.get(step.id)!;
        records.set(step.id, Object.assign({}, record, { status: 'running' as const }));
        const approval = view.approvals.find((a) => a.step_id === step.id);
        const scope = scopeOf(run, records);
        const ctx = contextFor(services, run, plan, step, record, scope, signal, approval);
        const skip = branchSkip(step, records as Records) ?? routeSkip(step, records as Records);
        const task = runAndSave(ctx, skip).then(() => {
          records.set(step.id, ctx.record);
          inFlight.delete(step.id);
        });
        inFlight.set(step.id, task);
      }
    }
    if (inFlight.size === 0) return;
    await Promise.race(inFlight.values());
  }
  await Promise.all(inFlight.values());
}

/**
 * Cancels the child runs of `subworkflow` steps that settling cancelled
 * (parked while their child waited): a child nobody waits for any more
 * would otherwise wait forever.
 */
async function cancelChildren(services: EngineServices, children: string[]): Promise<void> {
  for (const child of children) {
    // A child that finished meanwhile stays as it is; one that cannot be cancelled now is
    // left for whoever decides it, as before.
    await services.subworkflows?.cancel(child).catch(() => undefined);
  }
}

/**
 * Settles the run's status from its steps, under the run's lock. Answers
 * false, settling nothing, when a step became ready meanwhile (approved or
 * given input by another process) and the run should go on; else the
 * child runs of the subworkflow steps it cancelled.
 */
async function settle(
  store: EngineStore,
  plan: WorkflowPlan,
  runId: string,
  why: 'timed_out' | 'cancelled' | undefined,
) {
  const view = (await store.current(runId))!;
  const records = new Map(view.steps.map((s) => [s.step_id, s]));
  if (!why && !unhandled(plan, records)) {
    if (await wakeApprovedItems(store, runId, view.steps)) return false;
    if (readySteps(plan, records).length > 0) return false;
  }
  const settled = settledStatus(plan, records, why);
  const now = store.now();
  const children: string[] = [];
  for (const { step_id, as } of settled.close) {
    const child = records.get(step_id);
    if (as === 'cancelled' && child?.type === 'subworkflow' && child.job?.job_id) {
      children.push(child.job.job_id);
    }
    const patch =
      as === 'skipped'
        ? { status: 'succeeded' as const, skipped: true, finished_at: now }
        : {
            status: 'cancelled' as const,
            error: closeError(settled.status, runId),
            finished_at: now,
          };
    await store.updateStep(runId, step_id, patch);
    const approval = view.approvals.find((a) => a.step_id === step_id);
    if (approval?.status === 'pending') {
      await store.decideApproval(runId, step_id, { status: 'cancelled' });
    }
  }
  await store.releaseRun(runId, settled.status, settled.error);
  return { children, status: settled.status as string };
}

/**
 * Puts back to `pending` a for_each step that parked while another process
 * approved one of its items: the approval set the item `pending`, but the
 * step, in flight here, did not see it and parked `waiting` over it. Read
 * under the run's lock; answers whether there was one, to run it again.
 */
async function wakeApprovedItems(store: EngineStore, runId: string, steps: StepRecord[]) {
  const parents = new Set(steps.filter((s) => s.parent_id !== undefined && s.status === 'pending')
    .map((s) => s.parent_id));
  const parked = steps.filter((s) => parents.has(s.step_id) && s.status === 'waiting');
  for (const parent of parked) await store.updateStep(runId, parent.step_id, { status: 'pending' });
  return parked.length > 0;
}

function closeError(status: string, runId: string) {
  if (status === 'timed_out') {
    return { code: 'run_timed_out' as const, message: `run ${runId} ran out of time` };
  }
  if (status === 'cancelled') {
    return { code: 'run_cancelled' as const, message: `run ${runId} was cancelled` };
  }
  return { code: 'upstream_failed' as const, message: 'not run: an earlier step failed' };
}
