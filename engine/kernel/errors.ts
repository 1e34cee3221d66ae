/**
 * Errors of the policy kernel: a closed set of codes, a message that names
 * the deployment, pack, version or file at fault, and the cause kept.
 */
export type KernelErrorCode =
  | 'deployment_unreachable'
  | 'deployment_not_found'
  | 'engine_unreachable'
  | 'deployment_invalid'
  | 'snapshot_unverified'
  | 'snapshot_hash_mismatch'
  | 'version_not_found'
  | 'snapshot_unavailable'
  | 'candidate_invalid'
  | 'request_invalid'
  | 'usage';

export class KernelError extends Error {
  override readonly name = 'KernelError';
  readonly code: KernelErrorCode;

  constructor(code: KernelErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
  }
}

export function isKernelError(err: unknown): err is KernelError {
  return err instanceof KernelError;
}

/** A short reason for a failure of any kind, for logs and the reload status. */
export function describeFailure(err: unknown): { code: string; message: string } {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return { code: typeof code === 'string' ? code : 'internal', message: err.message };
  }
  return { code: 'internal', message: String(err) };
}
