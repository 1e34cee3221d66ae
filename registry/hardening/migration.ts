/**
 * A counter every write request of any process bumps, so the read caches
 * of every process serving the database notice a change that the
 * transparency log does not record (a dist-tag, a role, a curation).
 */
import type { Migration } from '../../storage/migrate.js';

export const readGenerationMigration: Migration = {
  id: '0320_read_generation',
  sql: `
CREATE TABLE registry_read_generation (
  id integer PRIMARY KEY CHECK (id = 1),
  n bigint NOT NULL
);

INSERT INTO registry_read_generation (id, n) VALUES (1, 0);
`,
};
