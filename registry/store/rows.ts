/** Conversions shared by the row readers. */

/** Both drivers return timestamptz as a Date; write it as RFC 3339. */
export function isoTime(value: unknown): string {
  return (value instanceof Date ? value : new Date(String(value))).toISOString();
}

/** A timestamptz that may be NULL. */
export function optionalTime(value: unknown): Date | undefined {
  if (value === null || value === undefined) return undefined;
  return value instanceof Date ? value : new Date(String(value));
}

/** PostgreSQL's unique-violation code, reported the same by pg and PGlite. */
export function isUniqueViolation(err: unknown): boolean {
  return !!err && typeof err === 'object' && 'code' in err && err.code === '23505';
}
