/** What the HTTP and exec handlers share: reading an answer and time limits. */
import {
  MAX_DOCUMENT_DEPTH, nestedDeeperThan, UNSTORABLE_MESSAGE, unstorableInJson, unstorableTextAt,
} from '../../packs/documents.js';
import { EngineError, isEngineError } from '../errors.js';

/** A handler's answer as JSON; an empty answer is `null`. */
export function parseOutput(text: string, name: string): unknown {
  if (text.trim() === '') return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new EngineError('handler_bad_output', `${name} answered invalid JSON: ${message}`, {
      cause: err,
    });
  }
  const refused = unstorableAnswer(text, value);
  if (refused) {
    throw new EngineError('handler_bad_output', `${name} answered ${refused.what}`,
      refused.at === undefined ? {} : { details: { at: refused.at } });
  }
  return value;
}

/**
 * Why an answer (`value`, read from `text`) cannot be stored as a step's
 * output, or undefined: text holding a NUL or an unpaired surrogate (`at`
 * names where), or nesting deeper than a run's input may, which would
 * overflow the stack where the step is written. `what` ends "... answered".
 */
export function unstorableAnswer(text: string, value: unknown)
  : { what: string; at?: string } | undefined {
  // Parsed JSON brings such text only from an escape; raw text (not JSON) is checked whole.
  const at = typeof value === 'string' ? unstorableTextAt(value) : unstorableInJson(text, value);
  if (at !== undefined) {
    return { what: `text that${at ? ` at ${at}` : ''} ${UNSTORABLE_MESSAGE}`, at };
  }
  if (nestedDeeperThan(value)) {
    return { what: `JSON nested deeper than ${MAX_DOCUMENT_DEPTH} levels of objects and arrays` };
  }
  return undefined;
}

export interface TimeLimit {
  /** Aborts on the caller's signal or when the handler's own time is up. */
  signal: AbortSignal;
  /** Turns an abort into `handler_timeout`; other errors into `handler_failed`. */
  explain(err: unknown, name: string): EngineError;
  clear(): void;
}

export function withTimeout(outer: AbortSignal, timeoutMs: number): TimeLimit {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new Error('handler timeout'));
  }, timeoutMs);
  const onOuter = () => controller.abort(outer.reason);
  if (outer.aborted) onOuter();
  else outer.addEventListener('abort', onOuter, { once: true });
  return {
    signal: controller.signal,
    explain(err, name) {
      if (isEngineError(err)) return err;
      if (timedOut) {
        return new EngineError('handler_timeout', `${name} did not answer within ${timeoutMs} ms`, {
          details: { timeout_ms: timeoutMs },
        });
      }
      if (outer.aborted) {
        // The caller says why it stopped the job (a step's time limit).
        if (isEngineError(outer.reason)) return outer.reason;
        return new EngineError('handler_timeout', `${name} was stopped: the run's time is up`);
      }
      const message = err instanceof Error ? describe(err) : String(err);
      return new EngineError('handler_failed', `${name} failed: ${message}`, { cause: err });
    },
    clear() {
      clearTimeout(timer);
      outer.removeEventListener('abort', onOuter);
    },
  };
}

// fetch wraps the socket error ("ECONNREFUSED") in a generic "fetch failed".
function describe(err: Error): string {
  const cause = (err as { cause?: unknown }).cause;
  return cause instanceof Error ? `${err.message}: ${cause.message}` : err.message;
}
