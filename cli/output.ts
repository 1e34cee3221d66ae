/**
 * How every `cordum` command reports: a human line on stdout (or one JSON
 * document with `--json`), errors as `error[code]: message` on stderr and a
 * non-zero exit. Library code never prints; only this layer does.
 */
import { accessSync, constants } from 'node:fs';

export interface CommandError {
  code: string;
  message: string;
  issues?: { file: string; path: string; message: string }[];
  details?: Record<string, unknown>;
}

interface CodedError {
  code?: unknown;
  message?: unknown;
  issues?: unknown;
  details?: unknown;
}

/**
 * Node's own file-system errors, as codes of ours with what to do. Node
 * names the path in its message (`EISDIR: illegal operation on a directory,
 * open 'out'`); the message keeps it.
 */
const SYSTEM_ERRORS: Record<string, { code: string; what: string }> = {
  ENOENT: { code: 'file_missing', what: 'no such file or folder' },
  EISDIR: { code: 'file_unwritable', what: 'a folder is where a file was expected' },
  ENOTDIR: { code: 'file_unwritable', what: 'a file is where a folder was expected' },
  EACCES: { code: 'file_unwritable', what: 'permission denied' },
  EPERM: { code: 'file_unwritable', what: 'operation not permitted' },
  EEXIST: { code: 'file_exists', what: 'it exists already' },
  // Writing a name too long (an install of a pack whose paths are long) is not a usage error.
  ENAMETOOLONG: { code: 'file_unwritable', what: 'a file name is too long for this file system' },
  ENOSPC: { code: 'file_unwritable', what: 'the disk is full' },
  // A file past the process's size limit (ulimit -f) or the file system's; printed as
  // error[EFBIG] with no file named, a code of no table.
  EFBIG: { code: 'file_unwritable', what: 'the file is larger than this process or file ' +
    'system may write' },
  EDQUOT: { code: 'file_unwritable', what: 'the disk quota is used up' },
  EROFS: { code: 'file_unwritable', what: 'the file system is read-only' },
};

/** System calls that only read: a refusal there is of a file that cannot be read. */
const READ_CALLS = new Set(['scandir', 'opendir', 'read', 'stat', 'lstat', 'access',
  'readlink', 'realpath']);

/** Whether `path` exists and this process may not read it. */
function unreadable(path: string): boolean {
  try {
    accessSync(path, constants.R_OK);
    return false;
  } catch (err) {
    return (err as { code?: unknown }).code !== 'ENOENT';
  }
}

/**
 * Whether a refused file operation was a read. `open` serves reads and writes
 * alike: refused on a file that exists and cannot be read, it was a read (a
 * write would have been refused by a missing write permission instead).
 */
function wasRead(e: { code?: unknown; syscall?: unknown; path?: unknown },
  isUnreadable: (path: string) => boolean): boolean {
  if (typeof e.syscall !== 'string') return false;
  if (READ_CALLS.has(e.syscall)) return true;
  return e.syscall === 'open' && (e.code === 'EACCES' || e.code === 'EPERM') &&
    typeof e.path === 'string' && isUnreadable(e.path);
}

interface NetworkError {
  code?: unknown;
  syscall?: unknown;
  address?: unknown;
  port?: unknown;
  hostname?: unknown;
}

/**
 * A server that could not listen (`registry serve`, `engine serve`): the
 * address taken, not this machine's, or refused to this user; or a host
 * name that does not resolve. Node's bare codes (EADDRNOTAVAIL) said none
 * of that, and a refused port read as a file that could not be written.
 */
function networkError(e: NetworkError): CommandError | undefined {
  const port = e.port === undefined ? '' : `:${String(e.port)}`;
  const where = e.address === undefined && port === '' ? '' : ` ${String(e.address ?? '')}${port}`;
  if (e.code === 'EADDRINUSE') {
    return { code: 'port_in_use', message: `the address${where} is in use (another server, ` +
      'or an earlier one still running): stop it, or pick another with --port' };
  }
  if (e.code === 'EADDRNOTAVAIL') {
    return { code: 'address_unavailable', message: `the address${where} is not one of this ` +
      "machine's: give --host one of its addresses (127.0.0.1 for loopback)" };
  }
  if ((e.code === 'EACCES' || e.code === 'EPERM') && e.syscall === 'listen') {
    return { code: 'port_forbidden', message: `listening on${where} is not permitted to this ` +
      'user (ports under 1024 need privileges): pick another with --port' };
  }
  if ((e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN') && e.syscall === 'getaddrinfo') {
    return { code: 'host_unknown', message: `the host name "${String(e.hostname ?? '')}" does ` +
      'not resolve: give an IP address, or a name this machine can resolve' };
  }
  return undefined;
}

/**
 * Turns anything thrown into a stable, printable error. `isUnreadable` is the
 * probe of a refused `open` (tests give their own: root reads every file).
 */
export function toCommandError(err: unknown,
  isUnreadable: (path: string) => boolean = unreadable): CommandError {
  if (err && typeof err === 'object') {
    const e = err as CodedError & { path?: unknown; syscall?: unknown };
    // Before the file table: a refused listen is EACCES too.
    const network = networkError(err as NetworkError);
    if (network) return network;
    const system = typeof e.code === 'string' ? SYSTEM_ERRORS[e.code] : undefined;
    if (system && typeof e.message === 'string') {
      const path = typeof e.path === 'string' ? ` (${e.path})` : '';
      // A file that cannot be read is file_missing, as the docs say, never "unwritable".
      const code = system.code === 'file_unwritable' && wasRead(e, isUnreadable)
        ? 'file_missing' : system.code;
      return { code, message: `${system.what}${path}: ${e.message}` };
    }
    if (e.code === 'ERR_INVALID_URL') {
      const input = (err as { input?: unknown }).input;
      return { code: 'usage', message: `"${String(input)}" is not a URL: give one such as ` +
        'http://127.0.0.1:8080 (--registry, --engine or the matching environment variable)' };
    }
    if (typeof e.code === 'string' && typeof e.message === 'string') {
      // What to do, when the error says it apart (a ProviderError's `hint`, which
      // Terraform shows in the diagnostic's detail): the CLI's one line says it too.
      const hint = (err as { hint?: unknown }).hint;
      const message = typeof hint === 'string' && hint !== '' ? `${e.message} ${hint}` : e.message;
      const out: CommandError = { code: e.code, message };
      if (Array.isArray(e.issues) && e.issues.length > 0) out.issues = e.issues;
      if (e.details && typeof e.details === 'object') {
        const details = e.details as Record<string, unknown>;
        if (Object.keys(details).length > 0) out.details = details;
      }
      return out;
    }
  }
  return { code: 'internal', message: err instanceof Error ? err.message : String(err) };
}

export interface Reporter {
  json: boolean;
  /** Progress for long work: stderr, never in `--json` output. */
  progress(line: string): void;
}

/**
 * Runs one command body. `render` turns the result into lines for people;
 * with `--json` the result itself is printed. A result may ask for a
 * non-zero exit (a failing `pack test`) with `exitCode`.
 */
export async function runCommand<T>(
  options: { json?: boolean; quiet?: boolean },
  body: (reporter: Reporter) => Promise<T>,
  render: (result: T) => string | string[],
  exitCode: (result: T) => number = () => 0,
): Promise<void> {
  const json = options.json === true;
  const reporter: Reporter = {
    json,
    progress(line) {
      if (!json && !options.quiet) process.stderr.write(`${line}\n`);
    },
  };
  try {
    const result = await body(reporter);
    if (json) {
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    } else {
      const text = render(result);
      const lines = Array.isArray(text) ? text : [text];
      if (lines.length > 0) process.stdout.write(`${lines.join('\n')}\n`);
    }
    process.exitCode = exitCode(result);
  } catch (err) {
    reportFailure(err, json);
  }
}

/**
 * Prints a failure as every command does (`error[code]: message` on stderr, or the
 * `{ ok: false, error }` document on stdout with `--json`) and sets the exit code:
 * 2 for a usage error, else 1.
 */
export function reportFailure(err: unknown, json: boolean): void {
  const error = toCommandError(err);
  if (json) {
    process.stdout.write(`${JSON.stringify({ ok: false, error }, null, 2)}\n`);
  } else {
    process.stderr.write(`error[${error.code}]: ${error.message}\n`);
    for (const issue of error.issues ?? []) {
      const where = `${issue.path || '/'}: ${issue.message}`;
      // A message often names the first problem itself ("... (and 2 more)"): once is enough.
      if (error.message.includes(where)) continue;
      process.stderr.write(`  ${issue.file}: ${where}\n`);
    }
  }
  process.exitCode = error.code === 'usage' ? 2 : 1;
}

/**
 * A path or argument as one word of a next-step command printed for people to
 * paste: single-quoted when the shell would split or expand it.
 */
export function shellWord(text: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(text)) return text;
  return `'${text.replace(/'/g, "'\\''")}'`;
}

/**
 * A flag naming a file or folder to write (`--out`, `--junit`): an empty value
 * (`--out "$UNSET"`) would resolve to the current folder, where keygen wrote the
 * private key, so it is a usage error naming the flag.
 */
export function assertPathFlag(value: string | undefined, flag: string): void {
  if (value === undefined || value.trim() !== '') return;
  throw Object.assign(new Error(`${flag} must name a file or folder, not "${value}"`),
    { code: 'usage' });
}

/** Registry connection flags shared by publish, install and key commands. */
export interface RegistryFlags {
  registry?: string;
  token?: string;
}

export function registryFrom(flags: RegistryFlags): { url: string; token?: string } {
  const url = flags.registry ?? process.env.CORDUM_REGISTRY;
  if (!url) {
    throw Object.assign(new Error('no registry: pass --registry URL or set CORDUM_REGISTRY'), {
      code: 'usage',
    });
  }
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('scheme');
  } catch {
    throw Object.assign(new Error(`registry "${url}" is not an http(s) URL: pass --registry ` +
      'such as http://127.0.0.1:8080 (or set CORDUM_REGISTRY)'), { code: 'usage' });
  }
  const token = flags.token ?? process.env.CORDUM_TOKEN;
  return token ? { url: url.replace(/\/+$/, ''), token } : { url: url.replace(/\/+$/, '') };
}
