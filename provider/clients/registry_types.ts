/** The registry's answers, as the provider reads them (see docs/registry-api.md). */
export interface PackVersionInfo {
  version: string;
  sha256: string;
  key_id: string;
  published_at: string;
  tarball_url: string;
  bundle_url: string;
  yanked?: boolean;
}

export interface PackInfo {
  id: string;
  publisher: string;
  title?: string;
  description?: string;
  latest?: string;
  versions: PackVersionInfo[];
}

export interface Resolved {
  id: string;
  version: string;
  sha256: string;
  key_id: string;
  tarball_url: string;
  bundle_url: string;
}

export interface Published extends Resolved {}

export interface YankStatus {
  id: string;
  version: string;
  yanked: boolean;
  yanked_at?: string | null;
  reason?: string | null;
}

export interface KeyInfo {
  key_id: string;
  publisher: string;
  public_key: string;
  created_at?: string;
}

export interface CatalogEntry {
  id: string;
  version: string;
  title?: string;
  description?: string;
  url: string;
  sha256: string;
  capabilities?: string[];
  requires?: string[];
  risk_tags?: string[];
  [field: string]: unknown;
}

export interface Catalog {
  updated_at: string;
  packs: CatalogEntry[];
}

export interface TokenInfo {
  id: string;
  name: string;
  publisher?: string;
  scopes: string[];
  expires_at: string | null;
  created_at: string;
  /** Only in the answer to create. */
  token?: string;
}

export interface DeploymentPackInput {
  id: string;
  range: string;
}

export interface DeploymentPack extends DeploymentPackInput {
  version: string;
  sha256: string;
  key_id: string;
}

export interface DeploymentInfo {
  name: string;
  tenant: string;
  description: string;
  packs: DeploymentPack[];
  packs_snapshot_hash: string;
  snapshot_hash: string;
  generation: number;
  updated_at: string;
}

export interface PolicyBundleInfo {
  deployment: string;
  name: string;
  /** Policy fragment document (rules etc.), canonical JSON. */
  fragment: Record<string, unknown>;
  hash: string;
  version: number;
  updated_at: string;
}

export interface DecisionInfo {
  decision: string;
  rule_id?: string | null;
  reason?: string | null;
  constraints?: Record<string, unknown> | null;
  snapshot_hash: string;
}
