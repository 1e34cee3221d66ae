/** A workflow as the Cordum format defines it (snake_case fields kept). */
export type StepType =
  | 'worker'
  | 'approval'
  | 'condition'
  | 'switch'
  | 'parallel'
  | 'loop'
  | 'delay'
  | 'notify'
  | 'transform'
  | 'storage'
  | 'subworkflow'
  | 'http'
  | 'llm'
  | 'container'
  | 'script'
  | 'input';

export interface RetryPolicy {
  max_retries?: number;
  initial_backoff_sec?: number;
  max_backoff_sec?: number;
  multiplier?: number;
}

export interface StepMeta {
  pack_id?: string;
  capability?: string;
  risk_tags?: string[];
  requires?: string[];
  actor_id?: string;
  actor_type?: string;
  idempotency_key?: string;
  labels?: Record<string, string>;
}

export interface Step {
  /** The key of the step in `steps` (always set after loading). */
  id: string;
  name?: string;
  type: StepType;
  topic?: string;
  depends_on?: string[];
  condition?: string | boolean;
  for_each?: string | unknown[];
  max_parallel?: number;
  input?: unknown;
  input_schema_id?: string;
  output_schema_id?: string;
  output_path?: string;
  meta?: StepMeta;
  on_error?: string;
  retry?: RetryPolicy;
  timeout_sec?: number;
  delay_sec?: number;
  delay_until?: string;
  route_labels?: Record<string, unknown>;
  /** Fields of the format that this engine does not read, kept as given. */
  [extra: string]: unknown;
}

export interface Workflow {
  id: string;
  name?: string;
  description?: string;
  version?: string | number;
  org_id?: string;
  timeout_sec?: number;
  input_schema?: Record<string, unknown>;
  parameters?: unknown;
  steps: Record<string, Step>;
  /** The file inside the pack it came from. */
  file?: string;
}
