/**
 * The workflow engine: starts runs, resumes them on approval or rejection,
 * and shows them. It is built from its parts in one place, `createEngine`,
 * and holds no state of its own beyond them: every run lives in the
 * database, so any process with the same database can resume it. Answers
 * to waiting steps are step_answers.ts; claiming and advancing a run,
 * run_claims.ts.
 */
import { randomUUID } from 'node:crypto';
import type { PolicySnapshot } from '../packs/policy/types.js';
import type { Workflow } from '../packs/workflow/types.js';
import { advanceRun } from './advance.js';
import { subworkflowProblem } from '../packs/workflow/graph.js';
import { EngineError } from './errors.js';
import type { PackContents } from './kernel/pack_contents.js';
import { ANY_SCHEMA, planWorkflow, type WorkflowPlan } from './plan.js';
import type { RunRecord, RunView, TimelineEvent } from './records.js';
import { isTerminal } from './records.js';
import { driveRun, leaseOf } from './run_claims.js';
import { runInputFor } from './run_input.js';
import { engineServices, type EngineOptions } from './services.js';
import { StepAnswers, type Decided } from './step_answers.js';
import type { EngineServices } from './steps/context.js';
import type { NewRun } from './store.js';

export type { EngineOptions } from './services.js';
export type { Decided } from './step_answers.js';


/** Opens the engine's tables (migrating them) and builds the engine. */
export async function createEngine(options: EngineOptions): Promise<Engine> {
  const services = await engineServices(options);
  const contents = options.contentsSource;
  const { workflows, schemas, tenant } = options;
  const engine = new Engine(services, workflows, schemas, tenant, contents);
  services.subworkflows = {
    create: async (workflowId, input, _parent, runId) => {
      if (!(await services.store.getRun(runId))) await engine.record(workflowId, input, { runId });
    },
    drive: async (runId, parentRunId, parentStepId) => {
      const go = () => engine.resume(runId);
      const hooks = services.hooks;
      await (hooks?.child ? hooks.child(parentRunId, runId, go, parentStepId) : go());
      return engine.view(runId);
    },
    cancel: async (runId) => {
      await engine.cancel(runId);
    },
  };
  return engine;
}

export class Engine {
  private readonly installed: Map<string, Workflow>;
  private readonly plans = new WeakMap<Workflow, WorkflowPlan>();
  /** Approvals, rejections and input given to waiting steps (see step_answers.ts). */
  private readonly answers: StepAnswers;

  constructor(
    private readonly services: EngineServices,
    workflows: Workflow[],
    private readonly installedSchemas: ReadonlyMap<string, unknown>,
    private readonly tenant?: string,
    /** Where workflows and schemas come from instead (a followed deployment). */
    private readonly contents?: () => PackContents | undefined,
  ) {
    this.installed = new Map(workflows.map((w) => [w.id, w]));
    this.answers = new StepAnswers(services, this, () => this.schemas);
  }

  private get workflows(): ReadonlyMap<string, Workflow> {
    return this.contents?.()?.workflows ?? this.installed;
  }

  private get schemas(): ReadonlyMap<string, unknown> {
    return this.contents?.()?.schemas ?? this.installedSchemas;
  }

  /** The policy snapshot the next decision will use. */
  get snapshot(): PolicySnapshot {
    return this.services.snapshot;
  }

  /**
   * Checks the workflow and the input, records a run already claimed by this
   * process and runs it as far as it goes. Its writes are group-committed
   * with those of every other run in flight; the answer comes once they are
   * durable. `recorded` is told the run's id before its first step starts.
   */
  async start(
    workflowId: string,
    input: unknown,
    recorded?: (runId: string) => void,
  ): Promise<RunView> {
    const { plan, run } = this.prepare(workflowId, input);
    const steps = plan.steps.map((s) => ({ step_id: s.id, type: s.type }));
    const record = this.services.store.createRun(run, steps, leaseOf(this.services));
    recorded?.(record.id);
    try {
      await advanceRun(this.services, record, plan);
    } finally {
      await this.services.store.flush(record.id);
    }
    const view = await this.view(record.id);
    this.services.store.forget(record.id);
    return view;
  }

  /**
   * Records a `pending` run once for `key` (a start's `Idempotency-Key`):
   * a start sent again, its answer lost, finds the run the first one made.
   * `replayed` says so. A key used for another workflow is refused.
   */
  async recordOnce(workflowId: string, given: unknown, key: string)
    : Promise<{ id: string; replayed: boolean }> {
    const found = async () => {
      const made = await this.services.store.runForKey(key);
      if (made && made.workflow_id !== workflowId) {
        throw new EngineError('idempotency_key_reused', `Idempotency-Key "${key}" started a ` +
          `run of ${made.workflow_id} (${made.id}), not of ${workflowId}: use a new key`);
      }
      return made && { id: made.id, replayed: true };
    };
    const before = await found();
    if (before) return before;
    try {
      return { id: await this.record(workflowId, given, { idempotencyKey: key }), replayed: false };
    } catch (err) {
      // Two starts with one key at once: the database keeps one run; the other finds it.
      const after = (err as { code?: unknown }).code === '23505' ? await found() : undefined;
      if (after) return after;
      throw err;
    }
  }

  /**
   * Checks the workflow and the input (defaults filled in) and records a
   * `pending` run, under `runId` when given (a subworkflow's child).
   */
  async record(workflowId: string, given: unknown,
    options: { idempotencyKey?: string; runId?: string } = {}): Promise<string> {
    const { plan, run } = this.prepare(workflowId, given);
    if (options.idempotencyKey !== undefined) run.idempotency_key = options.idempotencyKey;
    if (options.runId !== undefined) run.id = options.runId;
    const steps = plan.steps.map((s) => ({ step_id: s.id, type: s.type }));
    this.services.store.createRun(run, steps);
    try {
      await this.services.store.flush(run.id);
    } catch (err) {
      // Answered as not recorded, so never written later: a caller who retries gets one run.
      this.services.store.abandon(run.id);
      this.services.store.forget(run.id);
      throw err;
    }
    return run.id;
  }

  private prepare(workflowId: string, given: unknown): { plan: WorkflowPlan; run: NewRun } {
    const workflow = this.workflows.get(workflowId);
    if (!workflow) {
      const known = [...this.workflows.keys()].sort().join(', ') || 'none';
      throw new EngineError(
        'workflow_not_found',
        `no installed pack provides workflow "${workflowId}" (installed: ${known})`,
      );
    }
    const plan = this.planOf(workflow);
    const input = runInputFor(workflow, given);
    const run: NewRun = {
      id: randomUUID(),
      workflow_id: workflowId,
      // A followed deployment's tenant first: what its `cordum_deployment` declares.
      tenant_id: this.contents?.()?.tenant ?? this.tenant ?? workflow.org_id ?? 'default',
      input,
      snapshot_hash: this.services.snapshot.hash,
      workflow,
    };
    return { plan, run };
  }

  /** The plan of an installed workflow, made once. */
  private planOf(workflow: Workflow): WorkflowPlan {
    let plan = this.plans.get(workflow);
    if (!plan) {
      plan = planWorkflow(workflow, this.schemas);
      const problem = subworkflowProblem(workflow, this.workflows);
      if (problem) throw new EngineError('workflow_invalid', problem);
      this.plans.set(workflow, plan);
    }
    return plan;
  }

  /**
   * Claims a run that is pending, or running under a lease that ran out,
   * or waiting on a timer that is due, and advances it. A run another
   * process holds is left alone.
   */
  async resume(runId: string): Promise<boolean> {
    const view = await this.view(runId);
    if (view.run.status === 'waiting') await this.services.store.wakeTimers(runId);
    const plan = planWorkflow(view.run.workflow, this.schemas);
    return driveRun(this.services, runId, ['pending', 'waiting'], plan);
  }

  /** Runs this process is resuming through `resumeDue`, until each stops. */
  private readonly resuming = new Map<string, Promise<boolean>>();

  /**
   * Resumes every run that is due (pending, abandoned, or with a timer due),
   * all at once, and answers how many it claimed. A run this process is
   * already resuming is left to that. With `wait: false` it answers as soon
   * as they have started (how many it started), so one long run does not
   * hold back the next sweep; `idle()` waits for them. With `queued`, a run
   * started is left to the run queue for a lease's length: taken from its
   * backlog sooner, it would pass the queue's concurrency and lose the
   * request that queued it. Later it is taken (its queue lost it), unless
   * `held` says the queue still holds it for a process to take: a backlog
   * longer than a lease is the queue's to hand out at its concurrency.
   */
  async resumeDue(limit = 100, options: { wait?: boolean; queued?: boolean;
    held?: (runIds: string[]) => Promise<Set<string>> } = {}): Promise<number> {
    const pendingMs = options.queued ? this.services.leaseMs : 0;
    let due = (await this.services.store.dueRuns(limit, pendingMs))
      .filter((id) => !this.resuming.has(id));
    if (options.held && due.length > 0) {
      const held = await options.held(due);
      due = due.filter((id) => !held.has(id));
    }
    const tasks = due.map((id) => {
      const task = this.resume(id).finally(() => this.resuming.delete(id));
      this.resuming.set(id, task);
      return task;
    });
    if (options.wait === false) {
      for (const task of tasks) task.catch(() => undefined);
      return tasks.length;
    }
    const settled = await Promise.allSettled(tasks);
    const failed = settled.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    return settled.filter((r) => r.status === 'fulfilled' && r.value).length;
  }

  /** Resolves once the runs `resumeDue` started have stopped. */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.resuming.values()]);
  }

  /**
   * Cancels a run. A run that no process advances is cancelled at once; one
   * that is running is asked to stop, and its process cancels it.
   */
  async cancel(runId: string): Promise<RunView> {
    const view = await this.view(runId);
    if (isTerminal(view.run.status)) {
      throw new EngineError('run_finished', `run ${runId} has already finished ` +
        `(${view.run.status}): there is nothing to cancel`);
    }
    await this.services.store.requestCancel(runId);
    // A run this process advances stops now; another process sees the flag on renewal.
    this.services.cancellers.get(runId)?.();
    // A cancel checks no data: a run whose pack (and its schemas) is gone still ends.
    const plan = planWorkflow(view.run.workflow, ANY_SCHEMA);
    await driveRun(this.services, runId, ['pending', 'waiting'], plan);
    // An approval may have resumed the run here meanwhile: its advance is told now.
    this.services.cancellers.get(runId)?.();
    const after = await this.view(runId);
    if (isTerminal(after.run.status) && after.run.status !== 'cancelled') {
      throw new EngineError('run_finished', `run ${runId} has already finished ` +
        `(${after.run.status}): it finished before the cancel reached it`);
    }
    return after;
  }

  /** Gives an `input` step its data (checked against its `output_schema_id`) and resumes. */
  async giveInput(runId: string, stepId: string, data: unknown): Promise<RunView> {
    return this.answers.giveInput(runId, stepId, data);
  }

  /** Approves a waiting step and resumes the run from the database. */
  async approve(runId: string, stepId: string, decided: Decided = {}): Promise<RunView> {
    return this.answers.approve(runId, stepId, decided);
  }

  /** Rejects a waiting step: it fails, and the run fails with it. */
  async reject(runId: string, stepId: string, decided: Decided = {}): Promise<RunView> {
    return this.answers.reject(runId, stepId, decided);
  }

  async view(runId: string): Promise<RunView> {
    const view = await this.services.store.view(runId);
    if (!view) throw new EngineError('run_not_found', `no run ${runId}`);
    return view;
  }

  async timeline(runId: string): Promise<TimelineEvent[]> {
    await this.view(runId);
    return this.services.store.timeline(runId);
  }

  async list(limit?: number): Promise<RunRecord[]> {
    return this.services.store.listRuns(limit);
  }
}
