/** One executor per step type this engine runs. */
import type { SupportedStepType } from '../plan.js';
import { runApproval } from './approval.js';
import { runCondition } from './condition.js';
import type { StepExecutor } from './context.js';
import { runNotify } from './notify.js';
import { runTransform } from './transform.js';
import { runWorker } from './worker.js';

export const EXECUTORS: Record<SupportedStepType, StepExecutor> = {
  worker: runWorker,
  approval: runApproval,
  condition: runCondition,
  transform: runTransform,
  notify: runNotify,
};
