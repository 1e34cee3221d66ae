/** The parsed `pack.yaml`, as the format defines it (field names kept). */
export interface PackTopic {
  name: string;
  capability?: string;
  riskTags?: string[];
  requires?: string[];
}

export interface PackResource {
  id: string;
  path: string;
}

export interface ConfigOverlay {
  name: string;
  scope?: string;
  scope_id?: string;
  key?: string;
  strategy?: 'json_merge_patch';
  path: string;
}

export interface PolicyOverlay {
  name: string;
  strategy?: 'bundle_fragment';
  path: string;
}

export interface SimulationRequest {
  tenantId?: string;
  topic?: string;
  capability?: string;
  riskTags?: string[];
  requires?: string[];
  packId?: string;
  actorId?: string;
  actorType?: string;
  labels?: Record<string, string>;
  secretsPresent?: boolean;
}

export interface PolicySimulation {
  name: string;
  request: SimulationRequest;
  expectDecision: string;
}

/** A stubbed worker reply: the output it answers, or the error it fails with. */
export interface WorkerStub {
  output?: unknown;
  error?: string;
}

/** What a workflow test expects of one step: its status and a subset of its output. */
export interface StepExpectation {
  status?: string;
  output?: unknown;
}

/** One `tests.workflows[]` entry: a run of a pack workflow with stubbed workers. */
export interface WorkflowTest {
  name: string;
  workflow: string;
  input?: unknown;
  /** Stubs by step id or by topic; a step id wins over its topic. */
  workers?: Record<string, WorkerStub>;
  /** Step id → decision, for steps that wait on an approval. */
  approvals?: Record<string, 'approve' | 'reject'>;
  expect: { status?: string; steps?: Record<string, StepExpectation> };
}

/** One difference between what a workflow test expected and what the run did. */
export interface TestMismatch {
  /** `status`, `steps.<id>.status` or `steps.<id>.output.<key>...`. */
  path: string;
  expected: unknown;
  actual: unknown;
}

/** The outcome of one workflow test, as `cordum pack test` reports it. */
export interface WorkflowTestResult {
  name: string;
  workflow: string;
  passed: boolean;
  /** The run's final status, absent when the run could not start. */
  status?: string;
  durationMs: number;
  mismatches: TestMismatch[];
  /** Why the run could not start or go on (`workflow_not_found`, `input_invalid`...). */
  error?: { code: string; message: string };
}

export interface PackMetadata {
  id: string;
  version: string;
  title?: string;
  description?: string;
  image?: string;
  author?: string;
  authors?: string[];
  homepage?: string;
  license?: string;
  source?: string;
  sourceRepo?: string;
}

export interface PackManifest {
  apiVersion: 'cordum.io/v1alpha1';
  kind: 'Pack';
  metadata: PackMetadata;
  compatibility?: { protocolVersion?: number; minCoreVersion?: string; maxCoreVersion?: string };
  topics?: PackTopic[];
  resources?: { schemas?: PackResource[]; workflows?: PackResource[] };
  overlays?: { config?: ConfigOverlay[]; policy?: PolicyOverlay[] };
  tests?: { policySimulations?: PolicySimulation[]; workflows?: WorkflowTest[] };
  requires_packs?: string[];
}
