/**
 * The caller's span, from a W3C `traceparent` header: an agent that traces
 * its own work sees the engine's decide and run spans as children of the
 * span that sent the request, in one trace, rather than as traces apart.
 */
import { trace, type Span } from '@opentelemetry/api';

/** version 00: trace id, parent span id, flags; ids of zeros are invalid. */
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** The header when it is a valid one (to keep, for a queued run), else undefined. */
export function validTraceparent(header: string | string[] | undefined): string | undefined {
  // Sent twice (Node keeps a list, or joins it with ", "): which one is the parent is unknown.
  if (typeof header !== 'string') return undefined;
  const m = TRACEPARENT.exec(header.trim());
  if (!m || /^0+$/.test(m[1]!) || /^0+$/.test(m[2]!)) return undefined;
  return m[0];
}

/** The remote parent a request names, or undefined for none or a malformed header. */
export function remoteParent(header: string | string[] | undefined): Span | undefined {
  const valid = validTraceparent(header);
  if (valid === undefined) return undefined;
  const [, traceId, spanId, flags] = valid.split('-') as [string, string, string, string];
  return trace.wrapSpanContext({ traceId, spanId, traceFlags: parseInt(flags, 16),
    isRemote: true });
}
