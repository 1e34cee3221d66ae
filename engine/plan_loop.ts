/**
 * Load-time checks of a `loop` step's `body`: the one step each iteration
 * runs (one step of a type `for_each` allows: worker, job types, storage, transform, notify, http).
 * The body reads what the loop reads, plus `loop.index` and `loop.output`;
 * it has no `depends_on`, `for_each` or `on_error` of its own (the loop's
 * apply), and its issues are reported under `/steps/<loop>/body`.
 */
import type { Step } from '../packs/workflow/types.js';
import { FOR_EACH_TYPES, type SupportedStepType } from './plan_types.js';

export type IssueAt = (field: string, message: string, rule: string) => void;

const NOT_IN_BODY = ['depends_on', 'for_each', 'on_error', 'body'] as const;

/** The body as a step to plan, or undefined (with issues) when it cannot be one. */
export function loopBodyOf(loop: Step, id: string, issue: IssueAt): Step | undefined {
  const body = loop.body;
  if (body === undefined) return undefined;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    issue('body', 'a loop body must be one step: an object with a type', 'loop');
    return undefined;
  }
  const step = { ...(body as Record<string, unknown>), id } as Step;
  if (!FOR_EACH_TYPES.includes(step.type as SupportedStepType)) {
    const types = FOR_EACH_TYPES.join(', ');
    issue('body/type', `a loop body is a ${types} step, not "${String(step.type)}"`, 'loop');
    return undefined;
  }
  for (const field of NOT_IN_BODY) {
    if (step[field] !== undefined) {
      issue(`body/${field}`, `a loop body has no ${field}: set it on the loop`, 'loop');
    }
  }
  return step;
}
