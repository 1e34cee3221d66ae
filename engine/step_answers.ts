/**
 * Answers to steps that wait on someone: an approval granted or rejected,
 * an input step given its data. Each is checked against the run as
 * stored, refused once the step's own time ran out, recorded under the
 * run's row lock, and then the run is advanced here if it was waiting.
 */
import { EngineError } from './errors.js';
import { ANY_SCHEMA, planWorkflow, type SchemaIds, type WorkflowPlan } from './plan.js';
import type { RunView, StepRecord } from './records.js';
import { advanceClaimed, leaseOf } from './run_claims.js';
import { checkNesting } from './run_input.js';
import { describeIssues } from './schemas.js';
import type { EngineServices } from './steps/context.js';
import type { NewEvent, StepPatch } from './store.js';
import { notPending, stepNamed, timedOutAt } from './waiting_step.js';

/** Who decided an approval, and the note they gave. */
export interface Decided {
  note?: string;
  by?: string;
}

/** What answering a step needs of the engine: its runs as stored, and how to resume one. */
export interface AnsweredRuns {
  /** The run as stored (`run_not_found` when there is none). */
  view(runId: string): Promise<RunView>;
  /** Claims a run that is due and advances it (a late answer wakes it to time out). */
  resume(runId: string): Promise<boolean>;
}

export class StepAnswers {
  /** `schemas` are those a run's plan is made against (they may change while it runs). */
  constructor(
    private readonly services: EngineServices,
    private readonly runs: AnsweredRuns,
    private readonly schemas: () => ReadonlyMap<string, unknown>,
  ) {}

  /** Gives an `input` step its data (checked against its `output_schema_id`) and resumes. */
  async giveInput(runId: string, stepId: string, data: unknown): Promise<RunView> {
    const view = await this.runs.view(runId);
    const step = stepNamed(view, stepId);
    if (step.type !== 'input' || step.status !== 'waiting') {
      throw new EngineError(
        'input_not_waiting',
        `step "${stepId}" of run ${runId} is not an input step waiting for data ` +
          `(it is ${/^(?:[aeiou]|http)/.test(step.type) ? 'an' : 'a'} ${step.type} step, ` +
          `${step.status})`,
      );
    }
    checkNesting(data, `data for "${stepId}"`);
    const plan = planWorkflow(view.run.workflow, this.schemas());
    await this.refuseLate(runId, plan, step, 'input_not_waiting');
    const schemaId = plan.steps.find((s) => s.id === stepId)?.step.output_schema_id;
    const issues = this.services.schemas.check(schemaId, data);
    if (issues.length > 0) {
      const message = describeIssues(`data for "${stepId}"`, schemaId!, issues);
      throw new EngineError('input_invalid', message, { issues: issues.map((i) =>
        ({ file: '--data', path: i.path, message: i.message })) });
    }
    const now = this.services.clock().toISOString();
    const claimed = await this.services.store.atomically(runId, async (tx) => {
      const current = (await tx.view(runId))!.steps.find((s) => s.step_id === stepId);
      if (current?.status !== 'waiting') {
        throw new EngineError('input_not_waiting', `step "${stepId}" got its data meanwhile`);
      }
      await tx.updateStep(runId, stepId, { status: 'succeeded', output: data, finished_at: now });
      await tx.addEvent(runId, { type: 'input_given', step_id: stepId, status: 'succeeded' });
      return tx.claimRun(runId, ['waiting'], leaseOf(this.services));
    });
    if (claimed) await advanceClaimed(this.services, claimed, plan, true);
    return this.runs.view(runId);
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
    // A rejection ends the run and checks no data: it needs none of its pack's schemas.
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
    const schemas = status === 'rejected' ? ANY_SCHEMA : this.schemas();
    const { plan, parent } = await this.waitingStep(runId, stepId, schemas);
    const claimed = await this.services.store.atomically(runId, async (tx) => {
      const approval = await tx.decideApproval(runId, stepId, { status, ...decided });
      if (!approval) throw notPending(runId, stepId, 'it was decided meanwhile');
      await tx.updateStep(runId, stepId, patch);
      // A for_each child's parent runs again to collect it.
      if (parent) await tx.updateStep(runId, parent, { status: 'pending' });
      await tx.addEvent(runId, { ...event, step_id: stepId, details: { by: decided.by } });
      return tx.claimRun(runId, ['waiting'], leaseOf(this.services));
    });
    if (claimed) await advanceClaimed(this.services, claimed, plan, true);
    return this.runs.view(runId);
  }

  /** The run's plan, once the step is known to wait for a pending approval. */
  private async waitingStep(
    runId: string,
    stepId: string,
    schemas: SchemaIds,
  ): Promise<{ plan: WorkflowPlan; parent?: string }> {
    const view = await this.runs.view(runId);
    const step = stepNamed(view, stepId);
    const approval = view.approvals.find((a) => a.step_id === stepId);
    if (step.status !== 'waiting' || approval?.status !== 'pending') {
      // "not waiting for approval: it is waiting" read as a contradiction: say what it waits for.
      const why = step.status !== 'waiting' ? `it is ${step.status}`
        : step.type === 'input' ? 'it waits for input (give it with the input route or command)'
        : 'it waits, but for no approval (a timer, or a step it runs)';
      throw notPending(runId, stepId, why);
    }
    // Resume with the workflow the run started with, not what is installed now.
    const plan = planWorkflow(view.run.workflow, schemas);
    await this.refuseLate(runId, plan, step, 'approval_not_pending');
    return step.parent_id === undefined ? { plan } : { plan, parent: step.parent_id };
  }

  /** Refuses an answer after the step's `timeout_sec`, waking the run to time it out now. */
  private async refuseLate(runId: string, plan: WorkflowPlan, step: StepRecord,
    code: 'approval_not_pending' | 'input_not_waiting'): Promise<void> {
    const at = timedOutAt(plan, step, this.services.clock());
    if (at === undefined) return;
    await this.runs.resume(runId);
    throw new EngineError(code, `step "${step.step_id}" of run ${runId} waited past its ` +
      `timeout_sec (it ran out at ${at}): it is timed out, and the answer was not taken`);
  }
}
