/**
 * Errors of the provider. Each has a stable code; the framework turns them
 * into diagnostics whose detail says what to do next.
 */
import type { Path } from './framework/diagnostics.js';

export type ProviderErrorCode =
  | 'config_missing'
  | 'config_invalid'
  | 'registry_unreachable'
  | 'registry_untrusted'
  | 'registry_timeout'
  | 'registry_unauthorized'
  | 'registry_forbidden'
  | 'registry_not_found'
  | 'registry_conflict'
  | 'registry_rate_limited'
  | 'registry_invalid_request'
  | 'registry_server_error'
  | 'registry_error'
  | 'file_unreadable'
  | 'pack_invalid'
  | 'import_id_invalid'
  | 'value_invalid'
  | 'state_invalid'
  | 'stopped';

export class ProviderError extends Error {
  override readonly name = 'ProviderError';
  readonly code: ProviderErrorCode;
  /** What the user can do about it, one sentence. */
  readonly hint: string;
  readonly path: Path | undefined;
  /** The registry's own code (`version_exists`, `range_unsatisfied`), when any. */
  readonly remoteCode: string | undefined;
  readonly status: number | undefined;
  /** JSON pointers the registry's answer named (`/rules/1/id`), when it named any. */
  readonly remotePaths: readonly string[];

  constructor(
    code: ProviderErrorCode,
    message: string,
    options: {
      hint?: string;
      path?: Path;
      remoteCode?: string;
      status?: number;
      remotePaths?: readonly string[];
      cause?: unknown;
    } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.hint = options.hint ?? '';
    this.path = options.path;
    this.remoteCode = options.remoteCode;
    this.status = options.status;
    this.remotePaths = options.remotePaths ?? [];
  }

  /** The same error, pointed at an attribute. */
  at(path: Path): ProviderError {
    return new ProviderError(this.code, this.message, {
      hint: this.hint,
      path,
      ...(this.remoteCode ? { remoteCode: this.remoteCode } : {}),
      ...(this.status ? { status: this.status } : {}),
      remotePaths: this.remotePaths,
      cause: this,
    });
  }
}

export const isProviderError = (err: unknown): err is ProviderError => err instanceof ProviderError;

/**
 * The registry's "no deployment NAME" (404 `not_found`), pointed at the
 * `deployment` attribute that named it; any other error as it is.
 */
export function atMissingDeployment(err: unknown): unknown {
  return isProviderError(err) && err.status === 404 && err.remoteCode === 'not_found' &&
    err.path === undefined && /no deployment /.test(err.message) ? err.at(['deployment']) : err;
}
