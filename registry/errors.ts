/**
 * Errors of the registry. Every refusal carries a stable `code` from a closed
 * set; `problem.ts` turns it into an `application/problem+json` answer with
 * the status and title listed here.
 */
import type { Issue } from '../packs/errors.js';

interface CodeInfo {
  status: number;
  title: string;
}

/** Every code the registry answers with, its HTTP status and short title. */
export const REGISTRY_CODES = {
  // requests
  not_found: { status: 404, title: 'Not Found' },
  method_not_allowed: { status: 405, title: 'Method Not Allowed' },
  not_implemented: { status: 501, title: 'Not Implemented' },
  payload_too_large: { status: 413, title: 'Payload Too Large' },
  unsupported_media_type: { status: 415, title: 'Unsupported Media Type' },
  request_invalid: { status: 400, title: 'Invalid Request' },
  multipart_invalid: { status: 400, title: 'Invalid Multipart Body' },
  part_missing: { status: 400, title: 'Missing Multipart Part' },
  // auth
  unauthorized: { status: 401, title: 'Unauthorized' },
  token_invalid: { status: 401, title: 'Invalid Token' },
  forbidden: { status: 403, title: 'Forbidden' },
  pack_not_owned: { status: 403, title: 'Pack Owned By Another Publisher' },
  // packs, versions, keys
  pack_not_found: { status: 404, title: 'Pack Not Found' },
  version_not_found: { status: 404, title: 'Version Not Found' },
  version_exists: { status: 409, title: 'Version Already Published' },
  key_not_found: { status: 404, title: 'Key Not Found' },
  key_exists: { status: 409, title: 'Key Already Registered' },
  // a create-only write (`If-None-Match: *`) of a deployment or policy bundle that exists
  already_exists: { status: 412, title: 'Already Exists' },
  key_invalid: { status: 422, title: 'Invalid Public Key' },
  publisher_invalid: { status: 422, title: 'Invalid Publisher' },
  // checks of a published pack (codes of packs/errors.ts)
  validation_failed: { status: 422, title: 'Pack Validation Failed' },
  digest_mismatch: { status: 422, title: 'Digest Mismatch' },
  signature_missing: { status: 422, title: 'Signature Missing' },
  signature_invalid: { status: 422, title: 'Signature Invalid' },
  signature_unknown_key: { status: 403, title: 'Signing Key Not Registered' },
  semver_invalid: { status: 400, title: 'Invalid Semver' },
  range_unsatisfied: { status: 404, title: 'No Version Satisfies The Range' },
  bundle_invalid: { status: 422, title: 'Invalid Pack Bundle' },
  bundle_too_large: { status: 413, title: 'Pack Bundle Too Large' },
  // hardening, the transparency log, backups (registry/hardening, tlog, commands)
  rate_limited: { status: 429, title: 'Too Many Requests' },
  request_timeout: { status: 408, title: 'Request Timeout' },
  service_unavailable: { status: 503, title: 'Service Unavailable' },
  tarball_mismatch: { status: 422, title: 'Tarball Does Not Match The Request' },
  log_corrupt: { status: 500, title: 'Transparency Log Corrupt' },
  archive_invalid: { status: 422, title: 'Invalid Registry Archive' },
  registry_not_empty: { status: 409, title: 'Registry Not Empty' },
  // a mirror's evidence from the source registry's log (registry/routes/upstream_log.ts)
  upstream_entry_mismatch: { status: 422, title: 'Upstream Log Entry Does Not Match' },
  upstream_proof_invalid: { status: 422, title: 'Upstream Inclusion Proof Invalid' },
  upstream_signature_invalid: { status: 422, title: 'Upstream Tree Head Signature Invalid' },
  // storage
  blob_corrupt: { status: 500, title: 'Stored Blob Corrupt' },
  blob_missing: { status: 500, title: 'Stored Blob Missing' },
  internal: { status: 500, title: 'Internal Error' },
} as const satisfies Record<string, CodeInfo>;

export type RegistryErrorCode = keyof typeof REGISTRY_CODES;

export function isRegistryCode(code: string): code is RegistryErrorCode {
  return Object.hasOwn(REGISTRY_CODES, code);
}

export class RegistryError extends Error {
  override readonly name = 'RegistryError';
  readonly code: RegistryErrorCode;
  readonly issues: Issue[];
  readonly details: Record<string, unknown>;

  constructor(
    code: RegistryErrorCode,
    message: string,
    options: { issues?: Issue[]; details?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.issues = options.issues ?? [];
    this.details = options.details ?? {};
  }

  get status(): number {
    return REGISTRY_CODES[this.code].status;
  }
}

export function isRegistryError(err: unknown): err is RegistryError {
  return err instanceof RegistryError;
}
