/**
 * Plan-time checks of single attribute values, with the attribute path in
 * every diagnostic.
 */
import { parseDateTime } from '../engine/date_time.js';
import validRange from 'semver/ranges/valid.js';
import { error, type Diagnostic, type Path } from './framework/diagnostics.js';
import { isUnknown, type Value } from './framework/values.js';
import { isHttpUrl } from '../packs/http_url.js';
import { isPublisherName, PUBLISHER_RULE } from '../packs/publisher_name.js';

type Validator = (value: Value, path: Path) => Diagnostic[];

export const packId: Validator = (value, path) =>
  typeof value === 'string' && /^[a-z0-9-]+$/.test(value)
    ? []
    : [
        error(
          'Invalid Pack ID',
          `"${String(value)}" is not a pack id: use lower-case letters, digits and "-".`,
          path,
        ),
      ];

export const semverRange: Validator = (value, path) =>
  // An empty range would mean "*" to semver: say "*" if that is meant.
  typeof value === 'string' && value.trim() !== '' && validRange(value) !== null
    ? []
    : [
        error(
          'Invalid Version Range',
          `"${String(value)}" is not a semver range. Use a range such as "^1.2.0", "~1.2" or "*".`,
          path,
        ),
      ];

export const httpUrl: Validator = (value, path) =>
  isHttpUrl(String(value))
    ? []
    : [error('Invalid URL', `"${String(value)}" is not an http(s) URL.`, path)];

export const name: Validator = (value, path) =>
  typeof value === 'string' && /^[a-z0-9][a-z0-9_.-]{0,62}$/.test(value)
    ? []
    : [
        error(
          'Invalid Name',
          `"${String(value)}" is not a valid name: start with a letter or digit, then up to 62 ` +
            'lower-case letters, digits, ".", "_" or "-".',
          path,
        ),
      ];

// The engine's RFC 3339 reader: every field in range, so 2030-02-30 is refused, not rolled
// into March as Date.parse would (the registry would then store another day).
export const rfc3339: Validator = (value, path) =>
  typeof value === 'string' && parseDateTime(value) !== undefined
    ? []
    : [
        error(
          'Invalid Timestamp',
          `"${String(value)}" is not an RFC 3339 timestamp such as "2027-01-31T00:00:00Z".`,
          path,
        ),
      ];

/** A publisher name as the registry takes it (an empty one is `nonEmpty`'s to say). */
export const publisherName: Validator = (value, path) =>
  typeof value !== 'string' || value.trim() === '' || isPublisherName(value)
    ? []
    : [
        error(
          'Invalid Publisher',
          `"${value}" is not a publisher name: use ${PUBLISHER_RULE}.`,
          path,
        ),
      ];

/** A value from a closed set. */
export function oneOf(allowed: readonly string[], what: string): Validator {
  return (value, path) =>
    typeof value === 'string' && allowed.includes(value)
      ? []
      : [
          error(
            `Invalid ${what}`,
            `"${String(value)}" is not a valid ${what.toLowerCase()}; expected one of: ` +
              `${allowed.join(', ')}.`,
            path,
          ),
        ];
}

/** A string with something in it besides spaces. */
export function nonEmpty(what: string): Validator {
  return (value, path) =>
    typeof value === 'string' && value.trim() !== ''
      ? []
      : [error(`Empty ${what}`, `Give the ${what.toLowerCase()} a value; it cannot be empty.`,
        path)];
}

/** A string of at most `max` characters (UTF-16 code units, as the registry counts). */
export function maxChars(what: string, max: number): Validator {
  return (value, path) =>
    typeof value === 'string' && value.length > max
      ? [error(`${what} Too Long`, `The ${what.toLowerCase()} has ${value.length} characters; ` +
        `the registry takes at most ${max}.`, path)]
      : [];
}

/** A list with at least one element and none twice (the registry keeps a set). */
export function distinctList(what: string): Validator {
  return (value, path) => {
    if (!Array.isArray(value)) return [];
    if (value.length === 0) {
      return [error(`Empty ${what}`, `List at least one ${what.toLowerCase()}.`, path)];
    }
    const seen = new Set<string>();
    const out: Diagnostic[] = [];
    value.forEach((v, i) => {
      if (typeof v !== 'string') return;
      if (seen.has(v)) {
        out.push(error(`Duplicate ${what}`, `"${v}" is listed twice; list each once.`,
          [...path, i]));
      }
      seen.add(v);
    });
    return out;
  };
}

/** Every check of `checks`, in order. */
export function allOf(...checks: Validator[]): Validator {
  return (value, path) => checks.flatMap((check) => check(value, path));
}

/** Applies `check` to each element of a list value, with indexed paths. */
export function eachOf(check: Validator): Validator {
  return (value, path) =>
    Array.isArray(value)
      ? value.flatMap((v, i) => (v === null || isUnknown(v) ? [] : check(v, [...path, i])))
      : [];
}
