/** What the HTTP and exec handlers share: reading an answer and time limits. */
import {
  MAX_DOCUMENT_DEPTH, UNSTORABLE_MESSAGE, unstorableInJson,
} from '../../packs/documents.js';
import { EngineError, isEngineError } from '../errors.js';
import { nestedDeeperThan } from '../run_input.js';

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
  const at = unstorableInJson(text, value);
  if (at !== undefined) throw unstorableAnswer(name, at);
  // Deeper would overflow the stack where the step is written, as a run's input would.
  if (value !== null && typeof value === 'object' &&
    nestedDeeperThan(value, MAX_DOCUMENT_DEPTH)) {
    throw new EngineError('handler_bad_output', `${name} answered JSON nested deeper than ` +
      `${MAX_DOCUMENT_DEPTH} levels of objects and arrays`);
  }
  return value;
}

/** `handler_bad_output` for an answer whose text at `at` (a JSON pointer) cannot be stored. */
function unstorableAnswer(name: string, at: string): EngineError {
  return new EngineError('handler_bad_output',
    `${name} answered text that${at ? ` at ${at}` : ''} ${UNSTORABLE_MESSAGE}`,
    { details: { at } });
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
