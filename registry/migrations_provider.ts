/**
 * Tables for what the Terraform provider manages beyond packs: yanked
 * versions, revoked keys, deployments and their policy bundles.
 */
import type { Migration } from '../storage/migrate.js';

export const providerMigration: Migration = {
  id: '0200_provider_objects',
  sql: `
CREATE TABLE registry_yanks (
  pack_id text NOT NULL,
  version text NOT NULL,
  reason text,
  yanked_at timestamptz NOT NULL,
  PRIMARY KEY (pack_id, version),
  FOREIGN KEY (pack_id, version) REFERENCES registry_versions (pack_id, version)
);

CREATE TABLE registry_key_revocations (
  key_id text PRIMARY KEY REFERENCES registry_keys (key_id),
  revoked_at timestamptz NOT NULL
);

CREATE TABLE registry_deployments (
  name text PRIMARY KEY,
  tenant text NOT NULL,
  description text NOT NULL,
  packs jsonb NOT NULL,
  packs_snapshot_hash text NOT NULL,
  snapshot_hash text NOT NULL,
  generation integer NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);

CREATE TABLE registry_policy_bundles (
  deployment text NOT NULL REFERENCES registry_deployments (name) ON DELETE CASCADE,
  name text NOT NULL,
  fragment jsonb NOT NULL,
  hash text NOT NULL,
  version integer NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (deployment, name)
);
`,
};
