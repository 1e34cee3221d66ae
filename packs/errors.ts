/**
 * Errors of the pack toolkit. Every failure carries a stable `code` from a
 * closed set, a message that names the file, field or path and what was
 * expected, and, for validation, every problem found at once.
 */
export type PackErrorCode =
  // bundle safety (checked before anything else)
  | 'bundle_too_large'
  | 'bundle_too_many_files'
  | 'bundle_file_too_large'
  | 'bundle_uncompressed_too_large'
  | 'bundle_ratio_exceeded'
  | 'bundle_path_absolute'
  | 'bundle_path_traversal'
  | 'bundle_path_invalid'
  | 'bundle_link'
  | 'bundle_special_file'
  | 'bundle_duplicate_entry'
  | 'bundle_corrupt'
  | 'bundle_no_manifest'
  // documents
  | 'yaml_syntax'
  | 'yaml_alias_limit'
  | 'json_syntax'
  | 'file_missing'
  | 'file_exists'
  // validation of manifest, workflows, fragments, schemas
  | 'validation_failed'
  // signatures and digests
  | 'key_invalid'
  | 'key_exists'
  | 'signature_missing'
  | 'signature_invalid'
  | 'signature_unknown_key'
  | 'digest_mismatch'
  // resolution and locks
  | 'semver_invalid'
  | 'range_unsatisfied'
  | 'lock_invalid'
  | 'lock_mismatch'
  | 'lock_busy'
  // requires_packs resolution (packs/closure)
  | 'closure_conflict'
  | 'closure_cycle'
  // policy evaluation and tests
  | 'policy_invalid'
  | 'simulation_failed'
  // documents past the nesting or key-count limits (packs/documents.ts)
  | 'document_too_deep'
  | 'document_too_many_keys'
  | 'document_not_utf8'
  // the registry's transparency log, as a client checks it (packs/tlog)
  | 'log_signature_invalid'
  | 'log_proof_invalid'
  | 'log_inconsistent'
  | 'log_entry_missing'
  // talking to a registry
  | 'registry_unreachable'
  | 'registry_error'
  | 'pack_not_found'
  // npm packages and offline bundles (packs/npm, packs/offline)
  | 'npm_package_invalid'
  | 'offline_bundle_invalid'
  | 'offline_bundle_too_large'
  | 'usage';

/** One problem found while validating, with where it is. */
export interface Issue {
  /** File inside the pack, e.g. `workflows/echo.yaml`. */
  file: string;
  /** JSON-pointer-like field path, e.g. `/steps/echo/topic`. */
  path: string;
  /** What was wrong and what was expected. */
  message: string;
  /** A finer code for this one issue, e.g. `naming_topic`. */
  rule?: string;
}

export class PackError extends Error {
  override readonly name = 'PackError';
  readonly code: PackErrorCode;
  readonly issues: Issue[];
  /** Extra machine-readable facts (both hashes of a mismatch, a limit). */
  readonly details: Record<string, unknown>;

  constructor(
    code: PackErrorCode,
    message: string,
    options: { issues?: Issue[]; details?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.issues = options.issues ?? [];
    this.details = options.details ?? {};
  }
}

export function isPackError(err: unknown): err is PackError {
  return err instanceof PackError;
}

/** Formats issues one a line: `file: path: message`. */
export function formatIssues(issues: Issue[]): string {
  return issues.map((i) => `${i.file}: ${i.path || '/'}: ${i.message}`).join('\n');
}
