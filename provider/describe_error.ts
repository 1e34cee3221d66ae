/**
 * How the provider's errors read in Terraform: a Title-Case summary by
 * error code, the message and what to do as the detail, and the path.
 */
import { isPackError, type PackError } from '../packs/errors.js';
import { error, type Diagnostic } from './framework/diagnostics.js';
import { isProviderError, type ProviderErrorCode } from './errors.js';

const SUMMARIES: Record<ProviderErrorCode, string> = {
  config_missing: 'Missing Provider Configuration',
  config_invalid: 'Invalid Provider Configuration',
  registry_unreachable: 'Registry Unreachable',
  registry_untrusted: 'Registry Certificate Not Trusted',
  registry_timeout: 'Registry Timed Out',
  registry_unauthorized: 'Registry Authentication Failed',
  registry_forbidden: 'Registry Permission Denied',
  registry_not_found: 'Not Found In Registry',
  registry_conflict: 'Registry Conflict',
  registry_rate_limited: 'Registry Rate Limit Reached',
  registry_invalid_request: 'Registry Rejected The Request',
  registry_server_error: 'Registry Server Error',
  registry_error: 'Registry Error',
  file_unreadable: 'Cannot Read File',
  pack_invalid: 'Invalid Pack',
  import_id_invalid: 'Invalid Import ID',
  value_invalid: 'Invalid Value',
  state_invalid: 'Invalid State',
  stopped: 'Operation Interrupted',
};

function packDiagnostics(err: PackError): Diagnostic[] {
  if (err.issues.length === 0) return [error('Invalid Pack', `${err.message}.`)];
  return err.issues.map((i) =>
    error('Invalid Pack', `${i.file}: ${i.path || '/'}: ${i.message} [${err.code}].`),
  );
}

export function describeError(err: unknown): Diagnostic[] | undefined {
  if (isProviderError(err)) {
    const detail = err.hint ? `${err.message} ${err.hint}` : err.message;
    return [error(SUMMARIES[err.code], detail, err.path)];
  }
  if (isPackError(err)) return packDiagnostics(err);
  return undefined;
}
