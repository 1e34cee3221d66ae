/** The audit log: one row per write and per denied request. */
import type { Migration } from '../../storage/migrate.js';

export const auditMigration: Migration = {
  id: '0310_audit_log',
  sql: `
CREATE TABLE registry_audit (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL,
  request_id text NOT NULL,
  actor text NOT NULL,
  publisher text,
  action text NOT NULL,
  target text NOT NULL,
  result text NOT NULL,
  status integer NOT NULL,
  code text,
  address text,
  method text NOT NULL,
  path text NOT NULL
);

CREATE INDEX registry_audit_at ON registry_audit (at);
`,
};
