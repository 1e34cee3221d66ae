/**
 * Date-times a workflow names (`delay_until`), read one way at load and at
 * run time. Only RFC 3339 date-times are taken: a date, a time and a time
 * zone (`Z` or an offset). `Date.parse` alone reads far more ("5", "version
 * 2", dates in the local zone) and rolls invalid fields over (February 31st
 * becomes March 3rd), so a typo would wait until some other day.
 */

/** The expected form, for messages. */
export const DATE_TIME_FORM = 'an RFC 3339 date-time with a time zone, ' +
  'such as 2026-03-01T09:00:00Z, no later than 9999-12-31T23:59:59Z';

/**
 * The last instant a delay may wake at. Past it, an ISO date-time needs a
 * six-digit year (`+010000-...`), which PostgreSQL misreads and refuses.
 */
export const LATEST_TIME_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

// date "T" time, fractional seconds, then "Z" or an offset; T and Z may be lower case (5.6).
const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;

/**
 * The instant `text` names, in milliseconds since the epoch, or undefined
 * when it is not an RFC 3339 date-time whose fields are all in range.
 * Fractions past a millisecond are cut off. A leap second (`:60`) is
 * refused: JavaScript time has none to land on; so is an instant past
 * `LATEST_TIME_MS`.
 */
export function parseDateTime(text: string): number | undefined {
  const m = RFC3339.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as
    [number, number, number, number, number, number];
  const ms = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'));
  const local = utcTime(year, month, day, hour, minute, second, ms);
  if (local === undefined) return undefined;

  const offset = offsetMinutes(m[8], m[9], m[10]);
  if (offset === undefined) return undefined;
  // 9999-12-31 late in the day with a negative offset is in the year 10000 in UTC.
  const at = local - offset * 60_000;
  return at > LATEST_TIME_MS ? undefined : at;
}

/**
 * The time of these fields read as UTC, or undefined when one is out of
 * range: each field read back must be the one given (the round trip catches
 * a day past the month's end, which Date would roll into the next month).
 */
function utcTime(year: number, month: number, day: number, hour: number, minute: number,
  second: number, ms: number): number | undefined {
  // setUTCFullYear, not Date.UTC: that reads years 0 to 99 as 1900 to 1999.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, ms);
  const same = date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day && date.getUTCHours() === hour &&
    date.getUTCMinutes() === minute && date.getUTCSeconds() === second;
  return same ? date.getTime() : undefined;
}

/** An offset's minutes east of UTC (0 for `Z`), or undefined when out of range. */
function offsetMinutes(sign?: string, hours?: string, minutes?: string): number | undefined {
  if (sign === undefined) return 0;
  const h = Number(hours);
  const m = Number(minutes);
  if (h > 23 || m > 59) return undefined;
  return (sign === '-' ? -1 : 1) * (h * 60 + m);
}
