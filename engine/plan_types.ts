/**
 * What a step's plan holds beyond its input: the fields of the step types
 * that branch, repeat, wait or call out, compiled once at load time.
 */
import type { Expr } from './expression_parser.js';
import type { StepPlan } from './plan.js';
import type { Template } from './expressions.js';

/**
 * The step types this engine runs: every type of the Cordum format. A step
 * of any other type fails at load time (`step_type_unsupported`).
 */
export const SUPPORTED_STEP_TYPES = [
  'worker',
  'approval',
  'condition',
  'switch',
  'parallel',
  'loop',
  'delay',
  'transform',
  'subworkflow',
  'http',
  'notify',
  'input',
  'storage',
  'llm',
  'container',
  'script',
] as const;
export type SupportedStepType = (typeof SUPPORTED_STEP_TYPES)[number];

/** Step types a `for_each` may repeat: the ones that do one thing per item. */
export const FOR_EACH_TYPES: readonly SupportedStepType[] = [
  'worker',
  'transform',
  'notify',
  'http',
  'storage',
  'llm',
  'container',
  'script',
];

/**
 * Step types that run as a job, exactly as a worker step does (policy,
 * approval, retry, timeout, idempotency key, the handler of the topic):
 * Cordum sends the others to their own worker pools. See plan_jobs.ts.
 */
export const JOB_STEP_TYPES: readonly SupportedStepType[] = [
  'worker',
  'llm',
  'container',
  'script',
];

export function isJobStep(type: SupportedStepType): boolean {
  return JOB_STEP_TYPES.includes(type);
}

/** A step that runs only on one branch of a `condition` or `switch` step. */
export interface BranchGate {
  /** The controlling step. */
  by: string;
  /** `then` / `else` for a condition, a case label or `default` for a switch. */
  label: string;
  /**
   * A switch's case labels, on each of its gates: the case taken is found again from
   * its output's value, since a case may itself be labelled `default`.
   */
  cases?: string[];
  /** On a switch's `default` list: taken when no case is. */
  fallback?: boolean;
}

export interface SwitchPlan {
  value: Expr;
  /** Case labels in the order given; `default` is checked last. */
  labels: string[];
}

export interface LoopPlan {
  /** Evaluated before each iteration, reading `loop.index` and `loop.output`. */
  condition: Expr;
  maxIterations: number;
  /** The step each iteration runs (a `body`); without one, an iteration renders `input`. */
  body?: StepPlan;
}

export interface HttpPlan {
  url: Template;
  method: string;
  headers: Record<string, string>;
}

export interface DelayPlan {
  sec?: number;
  until?: Template;
}

export const MAX_LOOP_ITERATIONS = 1000;
export const DEFAULT_LOOP_ITERATIONS = 100;
