/**
 * `registry serve` flags for TLS, CORS, rate limits and timeouts, turned
 * into the options the app and the server take. A bad value is a usage
 * error that names its flag.
 */
import { readFileSync } from 'node:fs';
import { PackError } from '../../packs/errors.js';
import type { ServerOptions, ServerTimeouts } from '../server.js';
import type { HardeningOptions, RateLimit } from './options.js';

export interface HardeningFlags {
  tlsCert?: string;
  tlsKey?: string;
  corsOrigin?: string[];
  rateLimitAddress?: string;
  rateLimitToken?: string;
  requestTimeout?: string;
  headersTimeout?: string;
}

/** A timeout in whole milliseconds: Node's server refuses `1.5` (after the database opened). */
function millis(flag: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  if (!/^[0-9]{1,10}$/.test(text)) {
    throw new PackError('usage', `--${flag} ${text}: expected a whole number of milliseconds, ` +
      '0 or more');
  }
  return Number(text);
}

function number(flag: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  // Number('') is 0: an empty value (`--rate-limit-token "$UNSET"`) would turn the limit off.
  const n = text.trim() === '' ? Number.NaN : Number(text);
  if (!Number.isFinite(n) || n < 0) {
    throw new PackError('usage', `--${flag} ${text}: expected a number of 0 or more`);
  }
  return n;
}

/** `n` requests a second with bursts of twice that; 0 turns the limit off. */
function rate(flag: string, text: string | undefined, fallback: number): RateLimit | null {
  const n = number(flag, text, fallback);
  return n === 0 ? null : { perSecond: n, burst: Math.max(1, 2 * n) };
}

function origins(list: string[] = []): string[] {
  return list.map((o) => {
    let url: URL;
    try {
      url = new URL(o);
    } catch {
      throw new PackError('usage', `--cors-origin ${o}: expected an origin like https://a.example`);
    }
    return url.origin;
  });
}

function tls(flags: HardeningFlags): ServerOptions['tls'] {
  if (!flags.tlsCert && !flags.tlsKey) return undefined;
  if (!flags.tlsCert || !flags.tlsKey) {
    throw new PackError('usage', '--tls-cert and --tls-key go together');
  }
  const read = (flag: string, path: string) => {
    try {
      return readFileSync(path);
    } catch (err) {
      throw new PackError('file_missing', `--${flag} ${path}: cannot be read`, { cause: err });
    }
  };
  return { cert: read('tls-cert', flags.tlsCert), key: read('tls-key', flags.tlsKey) };
}

export function hardeningFromFlags(flags: HardeningFlags): {
  hardening: HardeningOptions;
  tls: ServerOptions['tls'];
  timeouts: Partial<ServerTimeouts>;
} {
  return {
    hardening: {
      corsOrigins: origins(flags.corsOrigin),
      addressRate: rate('rate-limit-address', flags.rateLimitAddress, 1000),
      tokenRate: rate('rate-limit-token', flags.rateLimitToken, 500),
    },
    tls: tls(flags),
    timeouts: timeouts(flags),
  };
}

/**
 * Node's server refuses a header timeout longer than the whole request's (0 turns either
 * off), with ERR_OUT_OF_RANGE once the database had opened: checked here, by flag.
 */
function timeouts(flags: HardeningFlags): Partial<ServerTimeouts> {
  const requestMs = millis('request-timeout', flags.requestTimeout, 300_000);
  const headersMs = millis('headers-timeout', flags.headersTimeout, 20_000);
  if (requestMs > 0 && headersMs > requestMs) {
    throw new PackError('usage', `--headers-timeout ${headersMs} is longer than ` +
      `--request-timeout ${requestMs}: the headers are part of the request; give at most ` +
      `${requestMs}, or a longer --request-timeout (0 turns it off)`);
  }
  return { requestMs, headersMs };
}
