/** Cordum's policy model: fragments of rules, merged into snapshots. */
export type Decision =
  | 'allow'
  | 'deny'
  | 'require_approval'
  | 'allow_with_constraints'
  | 'throttle';

export interface McpMatch {
  allow_servers?: string[];
  deny_servers?: string[];
  allow_tools?: string[];
  deny_tools?: string[];
  allow_resources?: string[];
  deny_resources?: string[];
  allow_actions?: string[];
  deny_actions?: string[];
}

export interface RuleMatch {
  tenants?: string[];
  topics?: string[];
  capabilities?: string[];
  risk_tags?: string[];
  requires?: string[];
  pack_ids?: string[];
  actor_ids?: string[];
  actor_types?: string[];
  labels?: Record<string, string>;
  secrets_present?: boolean;
  mcp?: McpMatch;
}

export interface Constraints {
  budgets?: {
    max_runtime_ms?: number;
    max_retries?: number;
    max_artifact_bytes?: number;
    max_concurrent_jobs?: number;
  };
  sandbox?: {
    isolated?: boolean;
    network_allowlist?: string[];
    fs_read_only?: string[];
    fs_read_write?: string[];
  };
  toolchain?: { allowed_tools?: string[]; allowed_commands?: string[] };
  diff?: { max_files?: number; max_lines?: number; deny_path_globs?: string[] };
  redaction_level?: string;
}

export interface Remediation {
  id?: string;
  title?: string;
  summary?: string;
  replacement_topic?: string;
  replacement_capability?: string;
  add_labels?: Record<string, string>;
  remove_labels?: string[];
}

/** A rule after loading: its decision is canonical, its id always set. */
export interface Rule {
  id: string;
  match: RuleMatch;
  decision: Decision;
  reason?: string;
  constraints?: Constraints;
  remediations?: Remediation[];
  /** Where the rule came from, for explanations. */
  source?: { packId?: string; file?: string; index: number };
}

/** A fragment after loading (legacy `tenants` already turned into rules). */
export interface PolicyFragment {
  version?: string;
  default_tenant?: string;
  rules: Rule[];
}

/** What a job asks to do; field names as in Cordum's policy simulations. */
export interface PolicyRequest {
  tenantId?: string;
  topic?: string;
  capability?: string;
  riskTags?: string[];
  requires?: string[];
  packId?: string;
  actorId?: string;
  actorType?: string;
  labels?: Record<string, string>;
  secretsPresent?: boolean;
  mcp?: { server?: string; tool?: string; resource?: string; action?: string };
}

/** The merged, hashed policy that decisions are made against. */
export interface PolicySnapshot {
  /** `sha256:<hex>` of the canonical JSON of `rules` and `defaultTenant`. */
  hash: string;
  defaultTenant?: string;
  rules: Rule[];
  packs: { id: string; version?: string }[];
}

export interface DecisionResult {
  decision: Decision;
  ruleId?: string;
  reason?: string;
  constraints?: Constraints;
  remediations?: Remediation[];
  snapshotHash: string;
}
