/** What the engine store is given to write. */
import type { RunRecord, StepRecord, TimelineEvent } from './records.js';

export type StepPatch = Partial<
  Pick<
    StepRecord,
    | 'status'
    | 'skipped'
    | 'input'
    | 'output'
    | 'error'
    | 'decision'
    | 'job'
    | 'attempts'
    | 'started_at'
    | 'finished_at'
    | 'wake_at'
  >
>;

export type NewRun = Pick<
  RunRecord,
  'id' | 'workflow_id' | 'tenant_id' | 'input' | 'snapshot_hash' | 'workflow'
> & {
  /** The caller's key for this start (`Idempotency-Key`): one run a key. */
  idempotency_key?: string;
};

export type NewEvent = Omit<TimelineEvent, 'seq' | 'at'>;
