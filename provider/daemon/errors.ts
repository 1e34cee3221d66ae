/**
 * Errors of the warm provider daemon. Each has a stable code; an instance's
 * refusal reaches the launcher as one line, which then starts node itself.
 */
export type DaemonErrorCode =
  | 'usage'
  | 'daemon_running'
  | 'daemon_not_running'
  | 'daemon_file_invalid'
  | 'request_invalid'
  | 'secret_wrong'
  | 'build_mismatch'
  | 'not_terraform'
  | 'instance_failed';

export class DaemonError extends Error {
  override readonly name = 'DaemonError';

  constructor(
    readonly code: DaemonErrorCode,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
  }
}
