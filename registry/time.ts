/**
 * Times a request gives (`expires_at`, an audit `since`): RFC 3339 with a
 * four-digit year. `Date` also reads `+275760-09-13T00:00:00Z`, which
 * PostgreSQL cannot store; such a time is a request error, not a 500.
 */
import { RegistryError } from './errors.js';

const RFC3339 = /^\d{4}-\d\d-\d\d[Tt ]\d\d:\d\d(:\d\d(\.\d+)?)?([Zz]|[+-]\d\d:\d\d)$/;

/** `value` as a time; undefined when absent; `request_invalid` naming `field` otherwise. */
export function requestTime(value: unknown, field: string): Date | undefined {
  if (value === undefined || value === null) return undefined;
  const at = typeof value === 'string' && RFC3339.test(value) ? new Date(value) : undefined;
  if (!at || Number.isNaN(at.getTime())) {
    throw new RegistryError('request_invalid',
      `\`${field}\` must be an RFC 3339 time such as 2027-01-31T00:00:00Z`);
  }
  return at;
}
