/**
 * Tables of tenancy (issue 5): members of publishers and their roles, the
 * subject a token stands for, private packs, dist-tags and deprecations.
 */
import type { Migration } from '../../storage/migrate.js';

export const tenancyMigration: Migration = {
  id: '0500_tenancy',
  sql: `
CREATE TABLE registry_members (
  publisher text NOT NULL REFERENCES registry_publishers (id),
  subject text NOT NULL,
  role text NOT NULL CHECK (role IN ('owner', 'maintainer', 'reader')),
  created_at timestamptz NOT NULL,
  PRIMARY KEY (publisher, subject)
);

CREATE INDEX registry_members_subject ON registry_members (subject);

ALTER TABLE registry_tokens ADD COLUMN subject text;

ALTER TABLE registry_packs ADD COLUMN private boolean NOT NULL DEFAULT false;

CREATE TABLE registry_dist_tags (
  pack_id text NOT NULL REFERENCES registry_packs (id),
  tag text NOT NULL,
  version text NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (pack_id, tag),
  FOREIGN KEY (pack_id, version) REFERENCES registry_versions (pack_id, version)
);

CREATE TABLE registry_deprecations (
  pack_id text NOT NULL,
  version text NOT NULL,
  message text NOT NULL,
  deprecated_at timestamptz NOT NULL,
  PRIMARY KEY (pack_id, version),
  FOREIGN KEY (pack_id, version) REFERENCES registry_versions (pack_id, version)
);
`,
};
