/**
 * What a launcher sends: NUL-terminated fields, ended by an empty field.
 *
 *   cordum-provider/1 \0 SECRET \0 LAUNCHER_DIR \0 CWD \0 PPID \0 NAME=value \0 ... \0
 *   cordum-provider-stop/1 \0 SECRET \0 \0
 *
 * Bash variables cannot hold NUL, so no field can contain the separator and
 * a multi-line PEM travels as it is. The secret is checked as soon as it
 * has arrived, and a request is bounded in size, before anything else.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Socket } from 'node:net';
import { DaemonError } from './errors.js';

export const INSTANCE_MAGIC = 'cordum-provider/1';
export const STOP_MAGIC = 'cordum-provider-stop/1';
/** Terraform's environment is a few kilobytes; a megabyte leaves room and bounds memory. */
export const MAX_REQUEST_BYTES = 1 << 20;

export interface InstanceRequest {
  kind: 'instance';
  /** The launcher's folder: its lib/provider.cjs must be the daemon's build. */
  launcherDir: string;
  cwd: string;
  /** The launcher's parent (Terraform): the instance stops if it goes away. */
  parentPid: number;
  env: NodeJS.ProcessEnv;
}

export type DaemonRequest = InstanceRequest | { kind: 'stop' };

export function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function toRequest(fields: string[]): DaemonRequest {
  const [magic] = fields;
  if (magic === STOP_MAGIC && fields.length === 2) return { kind: 'stop' };
  const parentPid = Number(fields[4]);
  if (magic !== INSTANCE_MAGIC || fields.length < 5 || !Number.isInteger(parentPid)) {
    throw new DaemonError('request_invalid', 'The request is not a provider request.');
  }
  const env: NodeJS.ProcessEnv = {};
  for (const entry of fields.slice(5)) {
    const eq = entry.indexOf('=');
    if (eq <= 0) throw new DaemonError('request_invalid', 'An environment entry has no name.');
    env[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  const [, , launcherDir, cwd] = fields as [string, string, string, string];
  return { kind: 'instance', launcherDir, cwd, parentPid, env };
}

/**
 * Reads one request from chunks as they come: `push` answers the request
 * once its last field is in, null while more is needed, and throws a
 * DaemonError for a wrong secret or a malformed or oversized request.
 */
export function requestReader(secret: string): { push(chunk: Buffer): DaemonRequest | null } {
  const chunks: Buffer[] = [];
  let size = 0;
  let checked = false;
  return {
    push(chunk) {
      chunks.push(chunk);
      size += chunk.length;
      if (size > MAX_REQUEST_BYTES) {
        throw new DaemonError('request_invalid', 'The request is too large.');
      }
      const all = chunks.length === 1 ? chunk : Buffer.concat(chunks);
      const text = all.toString('latin1');
      if (!checked) {
        const fields = text.split('\0');
        if (fields.length < 3) return null;
        if (!sameSecret(fields[1] as string, secret)) {
          throw new DaemonError('secret_wrong', 'The secret does not match the daemon file.');
        }
        checked = true;
      }
      const end = text.indexOf('\0\0');
      if (end < 0) return null;
      // Split the bytes, not the latin1 text: values are UTF-8.
      const fields = all.subarray(0, end + 1).toString('utf8').split('\0').slice(0, -1);
      return toRequest(fields);
    },
  };
}

/** The request of one connection, within `timeoutMs`; rejects with a DaemonError. */
export function readRequest(socket: Socket, secret: string, timeoutMs: number) {
  return new Promise<DaemonRequest>((resolve, reject) => {
    const reader = requestReader(secret);
    const finish = () => {
      clearTimeout(timer);
      socket.off('data', onData);
    };
    const timer = setTimeout(() => {
      finish();
      reject(new DaemonError('request_invalid', 'The request took too long.'));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      try {
        const request = reader.push(chunk);
        if (!request) return;
        finish();
        resolve(request);
      } catch (err) {
        finish();
        reject(err);
      }
    };
    socket.on('data', onData);
  });
}
