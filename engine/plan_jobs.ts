/**
 * `llm`, `container` and `script` steps are jobs for specialised worker
 * pools in Cordum; this engine runs them as worker steps do. At load time
 * each gets its topic (its own, else `job.<pack_id>.<type>.<step_id>`, in
 * the pack's `job.<pack_id>.*` namespace, so the pack's policy rules and a
 * handler glob such as `job.*.llm.*` cover it) and `meta.step_type`, which
 * the job carries so a handler knows what kind of work it got. The job's
 * input is the step's rendered `input` (`prompt`, `model` for an llm step;
 * `image`, `command`, `env` for a container; `language`, `source` for a
 * script, as the workflow gives them).
 */
import type { Step, StepMeta } from '../packs/workflow/types.js';
import type { SupportedStepType } from './plan_types.js';

/** The topic a job step without one goes to. */
export function defaultTopic(type: SupportedStepType, packId: string, stepId: string): string {
  return `job.${packId}.${type}.${stepId}`;
}

/** The step as it runs: a worker step as written; the others with topic and step_type set. */
export function jobStepOf(step: Step, type: SupportedStepType, packId: string): Step {
  if (type === 'worker') return step;
  const meta: StepMeta & { step_type: string } = { ...step.meta, step_type: type };
  return { ...step, topic: step.topic ?? defaultTopic(type, packId, step.id), meta };
}
