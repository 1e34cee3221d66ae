/**
 * The search column of `0100_marketplace` again, with `<`, `>` and `&` split
 * too. PostgreSQL's parser reads `<word>` as an XML tag and `&word;` as an
 * entity, and the `simple` configuration drops both, so a pack whose
 * description said "for <kubernetes> clusters" was not found by `kubernetes`.
 * Dropping and adding the column computes it again for every stored version.
 */
import type { Migration } from '../../../storage/migrate.js';

export const searchMarkupMigration: Migration = {
  id: '0900_search_markup',
  sql: `
ALTER TABLE registry_versions DROP COLUMN search;

ALTER TABLE registry_versions ADD COLUMN search tsvector GENERATED ALWAYS AS (
  setweight(to_tsvector('simple', translate(pack_id, '.-_/:', '     ')), 'A') ||
  setweight(to_tsvector('simple', translate(
    left(coalesce(manifest #>> '{metadata,title}', ''), 500), '.-_/:<>&', '        ')), 'A') ||
  setweight(to_tsvector('simple', translate(
    left(coalesce(manifest #>> '{metadata,description}', ''), 5000), '.-_/:<>&', '        ')),
    'B') ||
  setweight(to_tsvector('simple', translate(
    left(coalesce(jsonb_path_query_array(manifest, 'lax $.topics[*].*')::text, ''), 50000),
    '.-_/:"[],<>&', '            ')), 'C')
) STORED;

CREATE INDEX registry_versions_search ON registry_versions USING gin (search);
`,
};
