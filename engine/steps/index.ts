/**
 * One executor per step type. `llm`, `container` and `script` steps run as
 * worker steps: the plan gave them their topic and `meta.step_type` (plan_jobs.ts).
 */
import type { SupportedStepType } from '../plan.js';
import { runApproval } from './approval.js';
import { runCondition } from './condition.js';
import type { StepExecutor } from './context.js';
import { runDelay } from './delay.js';
import { runHttp } from './http.js';
import { runInput } from './input.js';
import { runLoop } from './loop.js';
import { runNotify } from './notify.js';
import { runParallel } from './parallel.js';
import { runStorage } from './storage.js';
import { runSubworkflow } from './subworkflow.js';
import { runSwitch } from './switch.js';
import { runTransform } from './transform.js';
import { runWorker } from './worker.js';

export const EXECUTORS: Record<SupportedStepType, StepExecutor> = {
  worker: runWorker,
  approval: runApproval,
  condition: runCondition,
  switch: runSwitch,
  parallel: runParallel,
  loop: runLoop,
  delay: runDelay,
  transform: runTransform,
  subworkflow: runSubworkflow,
  http: runHttp,
  notify: runNotify,
  input: runInput,
  storage: runStorage,
  llm: runWorker,
  container: runWorker,
  script: runWorker,
};
