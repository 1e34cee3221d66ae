/**
 * `delay` steps, and `delay_sec` / `delay_until` on any other step. The
 * wake-up time is computed once and stored on the step, so a restarted
 * engine waits only for what is left. A short wait sleeps in the process;
 * a long one (over `holdDelayMs`) parks the step `waiting` on its timer,
 * and the engine's poller (`Engine.resumeDue`) wakes it when it is due.
 */
import { DATE_TIME_FORM, parseDateTime } from '../date_time.js';
import { EngineError } from '../errors.js';
import { renderTemplate } from '../expressions.js';
import type { StepContext, StepExecutor, StepOutcome } from './context.js';

/** Waits out the step's delay; answers an outcome only when the step must park. */
export async function waitForDelay(ctx: StepContext): Promise<StepOutcome | undefined> {
  const wake = ctx.record.wake_at ?? wakeTime(ctx);
  if (ctx.record.wake_at === undefined) await ctx.update({ wake_at: wake });
  const left = Date.parse(wake) - ctx.services.clock().getTime();
  if (left <= 0) return undefined;
  if (left > ctx.services.holdDelayMs) {
    await ctx.event({ type: 'timer_set', status: 'waiting', message: `until ${wake}` });
    return { status: 'waiting' };
  }
  await ctx.services.sleep(left, ctx.signal);
  return undefined;
}

function wakeTime(ctx: StepContext): string {
  const { sec, until } = ctx.plan.delay ?? {};
  const now = ctx.services.clock().getTime();
  if (until) {
    const value = renderTemplate(until, ctx.scope);
    const at = typeof value === 'string' ? parseDateTime(value) : undefined;
    if (at === undefined) {
      throw new EngineError('expression_failed', `delay_until of step "${ctx.plan.id}" is ` +
        `${described(value)}, which is not ${DATE_TIME_FORM}`);
    }
    return new Date(at).toISOString();
  }
  return new Date(now + (sec ?? 0) * 1000).toISOString();
}

/** A rendered value as a message quotes it: text quoted and cut short, no document whole. */
function described(value: unknown): string {
  if (typeof value === 'string') {
    return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}...` : value);
  }
  if (value === null || typeof value !== 'object') return String(value);
  return Array.isArray(value) ? 'a list' : 'an object';
}

export const runDelay: StepExecutor = async (ctx) => {
  const parked = await waitForDelay(ctx);
  if (parked) return parked;
  return { status: 'succeeded', output: { waited_until: ctx.record.wake_at } };
};
