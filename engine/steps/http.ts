/**
 * An http step calls a URL the deployment allows (`spec.http_allowlist`,
 * URL prefixes) and answers `{ status, body }`. Its rendered input is the
 * JSON body, except for GET and HEAD. Any other URL fails with
 * `http_not_allowed` before anything is sent; a non-2xx answer fails with
 * `http_failed`, an answer holding text the database cannot store (a NUL)
 * with `http_bad_output`. `timeout_sec` bounds each call (default 30 s); only
 * the answer's first MiB is read. `retry` calls again after a 429, a 5xx or
 * no answer, with the worker steps' backoff; every call carries one
 * `idempotency-key` (`<run>:<step>`) unless the step's headers set one.
 */
import { storableCopy } from '../../packs/documents.js';
import { renderTemplate } from '../expressions.js';
import { shownUrl } from '../handlers/http.js';
import { unstorableAnswer } from '../handlers/output.js';
import { longTimeoutSignal } from '../long_timer.js';
import { retriesAllowed } from '../retry.js';
import { firstAttempt, retryAfter } from './attempts.js';
import type { StepContext, StepExecutor, StepOutcome } from './context.js';
import { stopped } from './stopped.js';

const DEFAULT_TIMEOUT_MS = 30_000;
/** What is kept of an answer: the rest is not read. */
const MAX_BODY_BYTES = 1024 * 1024;

export const runHttp: StepExecutor = async (ctx) => {
  const { url: urlTemplate, method, headers } = ctx.plan.http!;
  const url = String(renderTemplate(urlTemplate, ctx.scope));
  const refused = refuse(ctx, url);
  if (refused) return refused;

  const bodyless = method === 'GET' || method === 'HEAD';
  const body = bodyless ? undefined : renderTemplate(ctx.plan.input, ctx.scope);
  await ctx.update({ input: { url, method, body } });
  const init: RequestInit = { method, headers: { ...headers }, redirect: 'manual' };
  const sent = init.headers as Record<string, string>;
  // The same key on every attempt (and on a call sent again after a crash): one operation.
  if (!Object.keys(sent).some((h) => h.toLowerCase() === 'idempotency-key')) {
    sent['idempotency-key'] = `${ctx.run.id}:${ctx.record.step_id}`;
  }
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    sent['content-type'] = 'application/json';
  }
  return callWithRetries(ctx, url, init);
};

/**
 * Calls until an answer is final or the `retry` budget is spent, each call
 * on record before it leaves.
 */
async function callWithRetries(ctx: StepContext, url: string, init: RequestInit):
Promise<StepOutcome> {
  const retries = retriesAllowed(ctx.plan.step.retry);
  // Taken over from a dead process: its calls count against the budget, and a call that
  // was in flight goes again, under the same key.
  const first = await firstAttempt(ctx, retries);
  if (typeof first !== 'number') return first;
  for (let attempt = first; ; attempt++) {
    await ctx.update({ attempts: attempt, error: undefined });
    // What the server will have seen is on record before the call leaves (the steps before
    // this one finished, this call made), as for a job to a worker outside the process: a
    // process that takes the run over then calls no finished step again.
    await ctx.services.store.flush(ctx.run.id);
    if (ctx.signal.aborted) return stopped(ctx);
    const outcome = await callOnce(ctx, url, init);
    if (!outcome.retryable || attempt > retries) return outcome.result;
    const error = outcome.result.status === 'failed' ? outcome.result.error : undefined;
    if (!(await retryAfter(ctx, error, attempt))) return stopped(ctx);
  }
}

/**
 * One call, and whether trying again may help: an answer of 429 or 5xx, or
 * no answer at all (refused, reset, `timeout_sec` passed). A stopped run's
 * call is not retried; its error goes up as before.
 */
async function callOnce(ctx: StepContext, url: string, init: RequestInit):
Promise<{ result: StepOutcome; retryable: boolean }> {
  const sec = ctx.plan.step.timeout_sec;
  const signal = AbortSignal.any([
    ctx.signal,
    longTimeoutSignal(sec ? sec * 1000 : DEFAULT_TIMEOUT_MS),
  ]);
  const method = init.method!;
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, { ...init, signal });
    text = await readUpTo(response, MAX_BODY_BYTES);
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    const why = err instanceof Error ? (err.cause as Error | undefined)?.message ?? err.message
      : String(err);
    return { retryable: true, result: { status: 'failed', error: storableCopy({
      code: 'http_failed' as const,
      message: `${method} ${shownUrl(url)} got no answer: ${why}` }) } };
  }
  const type = response.headers.get('content-type');
  const answer = { status: response.status, body: parse(text, type) };
  const ok = response.status >= 200 && response.status < 300;
  if (!ok) {
    // Quoted, not kept as data: what the database cannot store is replaced.
    const error = storableCopy({
      code: 'http_failed' as const,
      message: `${method} ${shownUrl(url)} answered ${response.status}: ${text.slice(0, 200)}`,
      details: answer,
    });
    return { retryable: response.status === 429 || response.status >= 500,
      result: { status: 'failed', error } };
  }
  const unstorable = unstorableAnswer(text, answer.body);
  if (!unstorable) return { retryable: false, result: { status: 'succeeded', output: answer } };
  const { what, at } = unstorable;
  return { retryable: false, result: {
    status: 'failed',
    error: {
      code: 'http_bad_output',
      message: `${method} ${shownUrl(url)} answered ${what}`,
      details: at === undefined ? { status: response.status } : { status: response.status, at },
    },
  } };
}

/**
 * The URL must start with an allowed prefix, compared after URL parsing. A
 * path holding an escaped slash, backslash or dot (`%2f`, `%5c`, `%2e`) is
 * refused: a server that decodes them would route `/hooks/..%2fadmin` outside
 * the prefix the check saw.
 */
export function urlAllowed(url: string, allowlist: readonly string[]): boolean {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return false;
  }
  if (/%(2f|5c|2e)/i.test(target.pathname)) return false;
  return allowlist.some((entry) => {
    try {
      const allowed = new URL(entry);
      return target.origin === allowed.origin && target.href.startsWith(allowed.href);
    } catch {
      return false;
    }
  });
}

function refuse(ctx: StepContext, url: string): StepOutcome | undefined {
  if (urlAllowed(url, ctx.services.httpAllowlist)) return undefined;
  return {
    status: 'failed',
    error: {
      code: 'http_not_allowed',
      message: `step "${ctx.plan.id}" may not call ${shownUrl(url)}: ` +
        'add its prefix to spec.http_allowlist',
    },
  };
}

/**
 * The answer's first `max` bytes as text: a server that sends more is not
 * read further (the text then ends where the limit fell, a character cut
 * there shown as U+FFFD).
 */
async function readUpTo(response: Response, max: number): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let total = 0;
  while (total < max) {
    const { done, value } = await reader.read();
    if (done) return Buffer.concat(chunks).toString('utf8');
    chunks.push(value);
    total += value.byteLength;
  }
  await reader.cancel();
  return Buffer.concat(chunks).subarray(0, max).toString('utf8');
}

function parse(text: string, type: string | null): unknown {
  if (!type?.includes('json') || text === '') return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
