/** Cordum's naming rules for what a pack declares. */
import type { Issue } from '../errors.js';
import type { PackManifest } from '../manifest.js';

export function namingIssues(manifest: PackManifest): Issue[] {
  const id = manifest.metadata.id;
  const issues: Issue[] = [];
  const add = (path: string, message: string, rule: string) =>
    issues.push({ file: 'pack.yaml', path, message, rule });

  (manifest.topics ?? []).forEach((t, i) => {
    if (!t.name.startsWith(`job.${id}.`) || t.name.length <= `job.${id}.`.length) {
      add(`/topics/${i}/name`, `topic "${t.name}" must be named job.${id}.<name>`,
        'naming_topic');
    }
  });
  (manifest.resources?.workflows ?? []).forEach((w, i) => {
    if (!w.id.startsWith(`${id}.`) || w.id.length <= id.length + 1) {
      add(`/resources/workflows/${i}/id`, `workflow id "${w.id}" must be named ${id}.<name>`,
        'naming_workflow');
    }
  });
  (manifest.resources?.schemas ?? []).forEach((s, i) => {
    if (!s.id.startsWith(`${id}/`) || s.id.length <= id.length + 1) {
      add(`/resources/schemas/${i}/id`, `schema id "${s.id}" must be named ${id}/<name>`,
        'naming_schema');
    }
  });
  return issues;
}

/** Pools that a config overlay creates must start with the pack id. */
export function poolIssues(id: string, file: string, patch: unknown): Issue[] {
  if (!patch || typeof patch !== 'object') return [];
  const pools = (patch as { pools?: unknown }).pools;
  if (!pools || typeof pools !== 'object') return [];
  return Object.keys(pools)
    .filter((name) => !name.startsWith(id))
    .map((name) => ({
      file,
      path: `/pools/${name}`,
      message: `pool "${name}" must start with the pack id "${id}"`,
      rule: 'naming_pool',
    }));
}

/** Duplicate ids in a list of resources. */
export function duplicateIssues(list: { id: string }[], path: string): Issue[] {
  const seen = new Set<string>();
  const issues: Issue[] = [];
  list.forEach((r, i) => {
    if (seen.has(r.id)) {
      issues.push({ file: 'pack.yaml', path: `${path}/${i}/id`,
        message: `id "${r.id}" is declared twice`, rule: 'duplicate_id' });
    }
    seen.add(r.id);
  });
  return issues;
}
