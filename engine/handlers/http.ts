/**
 * A handler at an HTTP endpoint: the job is POSTed as JSON, the answer is
 * the step's output as JSON. A status outside 2xx fails the job.
 */
import type { HttpHandlerSpec } from '../deployment.js';
import { EngineError } from '../errors.js';
import { parseOutput, withTimeout } from './output.js';
import {
  DEFAULT_HANDLER_TIMEOUT_MS,
  MAX_OUTPUT_BYTES,
  type Job,
  type JobHandler,
} from './types.js';

/**
 * How a handler's URL is shown (in each job record, the timeline, errors): without
 * its query, which may carry a token (`?token=...`), nor a user and password before
 * the host (`https://ana:secret@host/`).
 */
export function shownUrl(url: string): string {
  const at = url.search(/[?#]/);
  const shown = at < 0 ? url : `${url.slice(0, at)}?…`;
  return shown.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/]*@/i, '$1…@');
}

export function httpHandler(spec: HttpHandlerSpec): JobHandler {
  const name = `http:${shownUrl(spec.url)}`;
  const timeoutMs = spec.timeout_ms ?? DEFAULT_HANDLER_TIMEOUT_MS;
  return {
    name,
    async handle(job: Job, signal: AbortSignal) {
      const limit = withTimeout(signal, timeoutMs);
      try {
        const response = await fetch(spec.url, {
          method: 'POST',
          headers: {
            ...spec.headers,
            'content-type': 'application/json',
            accept: 'application/json',
            'idempotency-key': job.idempotency_key,
          },
          body: JSON.stringify(job),
          signal: limit.signal,
        });
        const body = await readLimited(response, name);
        if (response.status < 200 || response.status > 299) {
          throw new EngineError(
            'handler_failed',
            `${name} answered HTTP ${response.status}: ${body.slice(0, 300)}`,
            { details: { status: response.status } },
          );
        }
        return parseOutput(body, name);
      } catch (err) {
        throw limit.explain(err, name);
      } finally {
        limit.clear();
      }
    },
  };
}

async function readLimited(response: Response, name: string): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > MAX_OUTPUT_BYTES) throw tooLarge(name);
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > MAX_OUTPUT_BYTES) {
      await reader.cancel();
      throw tooLarge(name);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function tooLarge(name: string): EngineError {
  return new EngineError(
    'handler_bad_output',
    `${name} answered more than ${MAX_OUTPUT_BYTES} bytes`,
  );
}
