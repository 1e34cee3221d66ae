/**
 * The workflow engine: starts runs, resumes them on approval or rejection,
 * and shows them. It is built from its parts in one place, `createEngine`,
 * and holds no state of its own beyond them: every run lives in the
 * database, so any process with the same database can resume it.
 */
import { randomUUID } from 'node:crypto';
import type { PackTopic } from '../packs/manifest.js';
import type { PolicySnapshot } from '../packs/policy/types.js';
import type { Workflow } from '../packs/workflow/types.js';
import type { Database } from '../storage/database.js';
import { advanceRun } from './advance.js';
import { EngineError } from './errors.js';
import type { HandlerLookup } from './handlers/types.js';
import { planWorkflow, type WorkflowPlan } from './plan.js';
import type { RunRecord, RunView, Status, TimelineEvent } from './records.js';
import { sleep } from './retry.js';
import { isTerminal } from './records.js';
import { runInputFor } from './run_input.js';
import { describeIssues, SchemaBook } from './schemas.js';
import type { EngineServices, Notifier } from './steps/context.js';
import { DEFAULT_LEASE_MS, openEngineStore, type NewEvent, type StepPatch } from './store.js';

export interface EngineOptions {
  db: Database;
  snapshot: PolicySnapshot;
  workflows: Workflow[];
  /** Schemas by id (`<pack_id>/<Name>`), from every installed pack. */
  schemas: ReadonlyMap<string, unknown>;
  handlers: HandlerLookup;
  /** Topics installed packs declare (their capability, risk tags, requires). */
  topics?: PackTopic[];
  /** The deployment's tenant; else a workflow's `org_id`; else `default`. */
  tenant?: string;
  clock?: () => Date;
  notifier?: Notifier;
  /** Steps of one run that run at once (default 4). */
  concurrency?: number;
  /** How long a claim on a run lasts unrenewed (default 30 s). */
  leaseMs?: number;
  /** Delays longer than this park on a persisted timer (default 60 s). */
  holdDelayMs?: number;
  /** URL prefixes `http` steps may call. */
  httpAllowlist?: string[];
  /** Called before each step (the `--step` debugger). */
  beforeStep?: EngineServices['beforeStep'];
  /**
   * The live policy (a kernel following a deployment): read at every decision, so a
   * swapped snapshot applies to the next step without a restart. Undefined → `snapshot`.
   */
  snapshotSource?: () => PolicySnapshot | undefined;
}

export interface Decided {
  note?: string;
  by?: string;
}

/** Opens the engine's tables (migrating them) and builds the engine. */
export async function createEngine(options: EngineOptions): Promise<Engine> {
  const clock = options.clock ?? (() => new Date());
  const store = await openEngineStore(options.db, clock);
  const services: EngineServices = {
    store,
    snapshot: options.snapshot,
    schemas: new SchemaBook(options.schemas),
    handlers: options.handlers,
    topics: new Map((options.topics ?? []).map((t) => [t.name, t])),
    clock,
    sleep,
    concurrency: options.concurrency ?? 4,
    owner: randomUUID(),
    leaseMs: options.leaseMs ?? DEFAULT_LEASE_MS,
    holdDelayMs: options.holdDelayMs ?? 60_000,
    httpAllowlist: options.httpAllowlist ?? [],
    cancellers: new Map(),
  };
  const source = options.snapshotSource;
  if (source) {
    Object.defineProperty(services, 'snapshot', {
      enumerable: true,
      get: () => source() ?? options.snapshot,
    });
  }
  if (options.notifier) services.notifier = options.notifier;
  if (options.beforeStep) services.beforeStep = options.beforeStep;
  const engine = new Engine(services, options.workflows, options.schemas, options.tenant);
  services.subworkflows = {
    create: (workflowId, input) => engine.record(workflowId, input),
    drive: async (runId) => {
      await engine.resume(runId);
      return engine.view(runId);
    },
  };
  return engine;
}

export class Engine {
  private readonly workflows: Map<string, Workflow>;

  constructor(
    private readonly services: EngineServices,
    workflows: Workflow[],
    private readonly schemas: ReadonlyMap<string, unknown>,
    private readonly tenant?: string,
  ) {
    this.workflows = new Map(workflows.map((w) => [w.id, w]));
  }

  /** The policy snapshot the next decision will use. */
  get snapshot(): PolicySnapshot {
    return this.services.snapshot;
  }

  /** Checks the workflow and the input, records a run and runs it as far as it goes. */
  async start(workflowId: string, input: unknown): Promise<RunView> {
    const id = await this.record(workflowId, input);
    await this.resume(id);
    return this.view(id);
  }

  /** Checks the workflow and the input (defaults filled in) and records a `pending` run. */
  async record(workflowId: string, given: unknown): Promise<string> {
    const workflow = this.workflows.get(workflowId);
    if (!workflow) {
      const known = [...this.workflows.keys()].sort().join(', ') || 'none';
      throw new EngineError(
        'workflow_not_found',
        `no installed pack provides workflow "${workflowId}" (installed: ${known})`,
      );
    }
    const plan = planWorkflow(workflow, this.schemas);
    const input = runInputFor(workflow, given);

    const id = randomUUID();
    await this.services.store.createRun(
      {
        id,
        workflow_id: workflowId,
        tenant_id: this.tenant ?? workflow.org_id ?? 'default',
        input,
        snapshot_hash: this.services.snapshot.hash,
        workflow,
      },
      plan.steps.map((s) => ({ step_id: s.id, type: s.type })),
    );
    return id;
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
    return this.drive(runId, ['pending', 'waiting'], plan);
  }

  /** Resumes every run that is due (pending, abandoned, or with a timer due); answers how many. */
  async resumeDue(limit = 100): Promise<number> {
    let count = 0;
    for (const id of await this.services.store.dueRuns(limit)) {
      if (await this.resume(id)) count++;
    }
    return count;
  }

  /**
   * Cancels a run. A run that no process advances is cancelled at once; one
   * that is running is asked to stop, and its process cancels it.
   */
  async cancel(runId: string): Promise<RunView> {
    const view = await this.view(runId);
    if (isTerminal(view.run.status)) {
      throw new EngineError('run_not_found', `run ${runId} has already ${view.run.status}`);
    }
    await this.services.store.requestCancel(runId);
    // A run this process advances stops now; another process sees the flag on renewal.
    this.services.cancellers.get(runId)?.();
    const plan = planWorkflow(view.run.workflow, this.schemas);
    await this.drive(runId, ['pending', 'waiting'], plan);
    return this.view(runId);
  }

  /** Gives an `input` step its data (checked against its `output_schema_id`) and resumes. */
  async giveInput(runId: string, stepId: string, data: unknown): Promise<RunView> {
    const view = await this.view(runId);
    const step = view.steps.find((s) => s.step_id === stepId);
    if (!step || step.type !== 'input' || step.status !== 'waiting') {
      throw new EngineError(
        'input_not_waiting',
        `step "${stepId}" of run ${runId} is not an input step waiting for data` +
          (step ? ` (it is a ${step.type} step, ${step.status})` : ''),
      );
    }
    const plan = planWorkflow(view.run.workflow, this.schemas);
    const schemaId = plan.steps.find((s) => s.id === stepId)?.step.output_schema_id;
    const issues = this.services.schemas.check(schemaId, data);
    if (issues.length > 0) {
      const message = describeIssues(`data for "${stepId}"`, schemaId!, issues);
      throw new EngineError('input_invalid', message);
    }
    const now = this.services.clock().toISOString();
    const claimed = await this.services.store.atomically(runId, async (tx) => {
      const current = (await tx.view(runId))!.steps.find((s) => s.step_id === stepId);
      if (current?.status !== 'waiting') {
        throw new EngineError('input_not_waiting', `step "${stepId}" got its data meanwhile`);
      }
      await tx.updateStep(runId, stepId, { status: 'succeeded', output: data, finished_at: now });
      await tx.addEvent(runId, { type: 'input_given', step_id: stepId, status: 'succeeded' });
      return tx.claimRun(runId, ['waiting'], this.lease());
    });
    if (claimed) await advanceRun(this.services, claimed, plan);
    return this.view(runId);
  }

  /** Approves a waiting step and resumes the run from the database. */
  async approve(runId: string, stepId: string, decided: Decided = {}): Promise<RunView> {
    return this.decide(
      runId,
      stepId,
      'approved',
      decided,
      { status: 'pending' },
      {
        type: 'approval_granted',
        message: decided.note ?? 'approved',
      },
    );
  }

  /** Rejects a waiting step: it fails, and the run fails with it. */
  async reject(runId: string, stepId: string, decided: Decided = {}): Promise<RunView> {
    const reason = decided.note ?? 'no reason given';
    const patch: StepPatch = {
      status: 'failed',
      finished_at: this.services.clock().toISOString(),
      error: { code: 'approval_rejected', message: `approval rejected: ${reason}` },
    };
    return this.decide(runId, stepId, 'rejected', decided, patch, {
      type: 'approval_rejected',
      status: 'failed',
      message: reason,
    });
  }

  /**
   * Records the decision on the approval and the step under the run's lock,
   * then advances the run if it was waiting. A run that another process is
   * advancing picks the step up itself before it settles.
   */
  private async decide(
    runId: string,
    stepId: string,
    status: 'approved' | 'rejected',
    decided: Decided,
    patch: StepPatch,
    event: Omit<NewEvent, 'step_id'>,
  ): Promise<RunView> {
    const { plan, parent } = await this.waitingStep(runId, stepId);
    const claimed = await this.services.store.atomically(runId, async (tx) => {
      const approval = await tx.decideApproval(runId, stepId, { status, ...decided });
      if (!approval) throw notPending(runId, stepId, 'it was decided meanwhile');
      await tx.updateStep(runId, stepId, patch);
      // A for_each child's parent runs again to collect it.
      if (parent) await tx.updateStep(runId, parent, { status: 'pending' });
      await tx.addEvent(runId, { ...event, step_id: stepId, details: { by: decided.by } });
      return tx.claimRun(runId, ['waiting'], this.lease());
    });
    if (claimed) await advanceRun(this.services, claimed, plan);
    return this.view(runId);
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

  /** The run's plan, once the step is known to wait for a pending approval. */
  private async waitingStep(
    runId: string,
    stepId: string,
  ): Promise<{ plan: WorkflowPlan; parent?: string }> {
    const view = await this.view(runId);
    const step = view.steps.find((s) => s.step_id === stepId);
    if (!step) {
      const ids = view.steps.map((s) => s.step_id).join(', ');
      throw new EngineError(
        'approval_not_pending',
        `run ${runId} has no step "${stepId}" (steps: ${ids})`,
      );
    }
    const approval = view.approvals.find((a) => a.step_id === stepId);
    if (step.status !== 'waiting' || approval?.status !== 'pending') {
      throw notPending(runId, stepId, `it is ${step.status}`);
    }
    // Resume with the workflow the run started with, not what is installed now.
    const plan = planWorkflow(view.run.workflow, this.schemas);
    return step.parent_id === undefined ? { plan } : { plan, parent: step.parent_id };
  }

  private lease() {
    return { owner: this.services.owner, ms: this.services.leaseMs };
  }

  /** Claims the run and advances it; another process holding it is left to finish. */
  private async drive(
    runId: string,
    from: Status[],
    plan: WorkflowPlan,
  ): Promise<boolean> {
    const run = await this.services.store.claimRun(runId, from, this.lease());
    if (run) await advanceRun(this.services, run, plan);
    return run !== undefined;
  }
}

function notPending(runId: string, stepId: string, why: string): EngineError {
  return new EngineError(
    'approval_not_pending',
    `step "${stepId}" of run ${runId} is not waiting for approval: ${why}`,
  );
}
