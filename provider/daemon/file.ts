/**
 * The daemon file: where a running `cordum provider daemon` listens and the
 * secret a launcher must present. One JSON line, keys in a fixed order so
 * the bash launcher can read it with one pattern; mode 0600 so that only
 * its owner can read the secret. Written on start, removed on exit.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { DaemonError } from './errors.js';
import { makeFolders } from '../../packs/folders.js';

/** Overrides the daemon file's place (tests, or several daemons side by side). */
export const DAEMON_FILE_VARIABLE = 'CORDUM_PROVIDER_DAEMON_FILE';
/** `0` makes the launcher start node itself even when a daemon runs. */
export const DAEMON_SWITCH_VARIABLE = 'CORDUM_PROVIDER_DAEMON';

export interface DaemonFile {
  port: number;
  /** 64 hex characters; a launcher sends it first. */
  secret: string;
  pid: number;
}

/** `$CORDUM_PROVIDER_DAEMON_FILE`, else `~/.cordum/provider-daemon.json`. */
export function daemonFilePath(env: NodeJS.ProcessEnv, home: string = homedir()): string {
  return env[DAEMON_FILE_VARIABLE] || join(home, '.cordum', 'provider-daemon.json');
}

export function newSecret(): string {
  return randomBytes(32).toString('hex');
}

/** The line the launcher parses: `{"port":N,"secret":"HEX","pid":N}`. */
export function daemonFileText(file: DaemonFile): string {
  return `${JSON.stringify({ port: file.port, secret: file.secret, pid: file.pid })}\n`;
}

/** Writes the file with mode 0600 beside its final name, then renames it into place. */
export function writeDaemonFile(path: string, file: DaemonFile): void {
  makeFolders(dirname(path), 0o700);
  const next = `${path}.${process.pid}.tmp`;
  rmSync(next, { force: true });
  writeFileSync(next, daemonFileText(file), { mode: 0o600, flag: 'wx' });
  renameSync(next, path);
}

/** The file's contents, or null when there is none. */
export function readDaemonFile(path: string): DaemonFile | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return null;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new DaemonError('daemon_file_invalid', `${path} is not JSON.`, { cause: err });
  }
  const f = parsed as Partial<DaemonFile> | null;
  const ok =
    f !== null &&
    Number.isInteger(f.port) &&
    Number.isInteger(f.pid) &&
    typeof f.secret === 'string' &&
    /^[0-9a-f]{64}$/.test(f.secret);
  if (!ok) throw new DaemonError('daemon_file_invalid', `${path} is not a daemon file.`);
  return { port: f.port as number, secret: f.secret as string, pid: f.pid as number };
}

/** Removes the file if it is still this daemon's (a newer daemon may have replaced it). */
export function removeDaemonFile(path: string, pid: number): void {
  try {
    if (readDaemonFile(path)?.pid === pid) rmSync(path, { force: true });
  } catch {
    // Not ours to remove when it is not a daemon file.
  }
}

/** True when a process with this id exists and may be signalled by us. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    // ESRCH: gone; EPERM: another user's process, so not our daemon.
    return false;
  }
}
