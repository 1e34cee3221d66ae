/**
 * The URLs scaffolded YAML files name in their first line,
 * `# yaml-language-server: $schema=<URL>`, so VS Code's YAML extension
 * validates and completes them. A Cordum registry serves the schemas at
 * `<registry>/schemas/<file>`; without one, the schemas' own `$id`s.
 */
export const SCHEMA_FILES = {
  pack: 'pack.schema.json',
  workflow: 'workflow.schema.json',
  policyFragment: 'policy-fragment.schema.json',
} as const;

/** Where the schemas' `$id`s live (schemas/*.schema.json). */
export const SCHEMA_ID_BASE = 'https://schemas.cordum.dev/';

/** The base for `--schema-base`, else a registry's `/schemas/`, else the `$id` base. */
export function schemaBaseFrom(flag: string | undefined, registry: string | undefined): string {
  const base = flag ?? (registry ? `${registry.replace(/\/+$/, '')}/schemas/` : SCHEMA_ID_BASE);
  return base.endsWith('/') ? base : `${base}/`;
}

export function schemaLine(base: string, file: string): string {
  return `# yaml-language-server: $schema=${base}${file}`;
}
