/**
 * Claiming a run for this process and advancing it: the lease a claim
 * takes, and how a claimed run is advanced and written down before the
 * engine answers. Starting, resuming and answering a run all end here.
 */
import { advanceRun } from './advance.js';
import type { WorkflowPlan } from './plan.js';
import type { RunRecord, Status } from './records.js';
import type { EngineServices } from './steps/context.js';
import type { Lease } from './store.js';

/** The lease this process takes on a run it claims. */
export function leaseOf(services: EngineServices): Lease {
  return { owner: services.owner, ms: services.leaseMs };
}

/**
 * Claims the run from one of `from` and advances it; answers whether it
 * claimed it. A run another process holds is left to finish there.
 */
export async function driveRun(
  services: EngineServices,
  runId: string,
  from: Status[],
  plan: WorkflowPlan,
): Promise<boolean> {
  const run = await services.store.claimRun(runId, from, leaseOf(services));
  if (run) await advanceClaimed(services, run, plan, false);
  return run !== undefined;
}

/**
 * Advances a run this process has claimed, holding it in memory meanwhile
 * (`adopt` when the claim was made inside a transaction), and writes
 * everything down before it answers.
 */
export async function advanceClaimed(
  services: EngineServices,
  run: RunRecord,
  plan: WorkflowPlan,
  adopt: boolean,
): Promise<void> {
  const { store } = services;
  try {
    if (adopt) await store.adopt(run.id, services.leaseMs);
    await advanceRun(services, run, plan);
  } finally {
    await store.flush(run.id);
    store.forget(run.id);
  }
}
