/**
 * A `throttle` decision holds a worker step's job back and decides again
 * later, with backoff (the step's `retry` settings, else 1 s doubling up to
 * 30 s). A short hold sleeps in the process; a long one (over `holdDelayMs`)
 * parks the step `waiting` on its timer (`wake_at`, as `delay` does) and the
 * engine's poller wakes it. What the holds have used so far is kept on the
 * waiting step's `error` (code `throttled`), so another process goes on
 * counting. The holds are bounded: at most MAX_THROTTLE_HOLDS, and never past
 * the step's `timeout_sec` counted from the first throttle; past the bound
 * the step fails with `throttled`.
 */
import type { StepError } from '../errors.js';
import type { DecisionRecord } from '../records.js';
import { backoffMs } from '../retry.js';
import type { StepContext, StepOutcome } from './context.js';
import { stopped } from './stopped.js';

export const MAX_THROTTLE_HOLDS = 10;

/** What the holds of a step have used, as kept in its `error.details`. */
interface Holds {
  holds: number;
  first_throttled_at: string;
}

/**
 * Decides until the policy answers something other than `throttle`, holding
 * the job back in between. Answers the decision, or how the step ends (parked
 * on its timer, given up, stopped).
 */
export async function decideUnthrottled(
  ctx: StepContext,
  decide: () => Promise<DecisionRecord>,
): Promise<DecisionRecord | StepOutcome> {
  for (let guard = 0; guard <= MAX_THROTTLE_HOLDS + 1; guard++) {
    const decision = await decide();
    if (decision.decision !== 'throttle') {
      // A step once throttled forgets its holds and its timer once let through.
      if (holdsOf(ctx)) await ctx.update({ error: undefined, wake_at: undefined });
      return decision;
    }
    const held = await hold(ctx, decision);
    if (held) return held;
  }
  return giveUp(ctx, undefined, holdsOf(ctx));
}

/** One hold: parks the step, or sleeps and answers undefined to decide again. */
async function hold(ctx: StepContext, decision: DecisionRecord): Promise<StepOutcome | undefined> {
  const now = ctx.services.clock();
  const before = holdsOf(ctx);
  const holds: Holds = {
    holds: (before?.holds ?? 0) + 1,
    first_throttled_at: before?.first_throttled_at ?? now.toISOString(),
  };
  const wait = backoffMs(ctx.plan.step.retry, holds.holds);
  if (holds.holds > MAX_THROTTLE_HOLDS || pastTimeout(ctx, holds, now.getTime() + wait)) {
    return giveUp(ctx, decision, before ?? holds);
  }

  const wake = new Date(now.getTime() + wait).toISOString();
  const message =
    `${refusedBy(decision, ctx.plan.step.topic!)}: held back ` +
    `(hold ${holds.holds} of at most ${MAX_THROTTLE_HOLDS}), deciding again at ${wake}`;
  const error: StepError = { code: 'throttled', message, details: { ...holds } };
  if (decision.rule_id !== undefined) error.rule_id = decision.rule_id;
  await ctx.update({ wake_at: wake, error });
  await ctx.event({
    type: 'throttled',
    status: 'waiting',
    message,
    details: { ...holds, wake_at: wake, rule_id: decision.rule_id },
  });
  if (wait > ctx.services.holdDelayMs) return { status: 'waiting' };
  try {
    await ctx.services.sleep(wait, ctx.signal);
  } catch {
    return stopped(ctx);
  }
  return undefined;
}

function holdsOf(ctx: StepContext): Holds | undefined {
  const error = ctx.record.error;
  if (error?.code !== 'throttled') return undefined;
  const { holds, first_throttled_at: first } = error.details ?? {};
  if (typeof holds !== 'number' || typeof first !== 'string') return undefined;
  return { holds, first_throttled_at: first };
}

/** Whether the next try would come after the step's `timeout_sec` from the first throttle. */
function pastTimeout(ctx: StepContext, holds: Holds, next: number): boolean {
  const sec = ctx.plan.step.timeout_sec;
  if (sec === undefined || sec <= 0) return false;
  return next > Date.parse(holds.first_throttled_at) + sec * 1000;
}

function giveUp(
  ctx: StepContext,
  decision: DecisionRecord | undefined,
  holds: Holds | undefined,
): StepOutcome {
  const topic = ctx.plan.step.topic!;
  const count = holds?.holds ?? 0;
  const sec = ctx.plan.step.timeout_sec;
  const bound =
    count >= MAX_THROTTLE_HOLDS
      ? `after ${count} holds (at most ${MAX_THROTTLE_HOLDS})`
      : `after ${count} holds: the next try would pass its timeout_sec of ${sec}`;
  const by = decision ? refusedBy(decision, topic) : `the policy throttled ${topic}`;
  const error: StepError = {
    code: 'throttled',
    message: `${by}; still throttled ${bound}, so the step gives up`,
    details: { ...holds },
  };
  if (decision?.rule_id !== undefined) error.rule_id = decision.rule_id;
  if (decision?.remediations !== undefined) {
    error.details = { ...error.details, remediations: decision.remediations };
  }
  return { status: 'failed', error };
}

function refusedBy(decision: DecisionRecord, topic: string): string {
  const by = decision.rule_id ? `rule ${decision.rule_id}` : 'the policy';
  const reason = decision.reason ? ` (${decision.reason})` : '';
  return `${by} throttled ${topic}${reason}`;
}
