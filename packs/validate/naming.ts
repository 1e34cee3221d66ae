/** Cordum's naming rules for what a pack declares, and for the packs it names. */
import { isPackError, type Issue } from '../errors.js';
import type { PackManifest } from '../manifest.js';
import { PACK_ID_RULE } from '../pack_id.js';
import { parseSpec } from '../resolve.js';

const SPEC_EXPECTED = 'expected "<id>" or "<id>@<semver range>", e.g. "deplib" or "deplib@^1.2.0"';

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
  return [...issues, ...releaseNameIssues(manifest)];
}

/**
 * Each `requires_packs` entry must be one the closure resolver can read
 * (it reads them with parseSpec, so this does too): otherwise the pack
 * publishes, and every install of it fails.
 */
export function requiresPacksIssues(manifest: PackManifest): Issue[] {
  const issues: Issue[] = [];
  (manifest.requires_packs ?? []).forEach((entry, i) => {
    const problem = specProblem(entry);
    const message = problem === undefined ? selfProblem(entry, manifest.metadata.id)
      : `${problem}; ${SPEC_EXPECTED}`;
    if (message !== undefined) {
      issues.push({ file: 'pack.yaml', path: `/requires_packs/${i}`, rule: 'requires_packs',
        message });
    }
  });
  return issues;
}

/** A pack that requires itself could never be installed (its closure is a cycle). */
function selfProblem(entry: string, id: string): string | undefined {
  if (parseSpec(entry).id !== id) return undefined;
  return `${JSON.stringify(entry)} names this pack itself: a pack that requires itself can ` +
    'never be installed; remove the entry';
}

/** What is wrong with one `id` or `id@range` entry, or undefined. */
function specProblem(entry: string): string | undefined {
  const quoted = JSON.stringify(entry);
  try {
    parseSpec(entry);
  } catch (err) {
    if (!isPackError(err)) throw err;
    if (err.code !== 'semver_invalid') return `${quoted} is not a pack id (${PACK_ID_RULE})`;
    // The id was good, so the range is all after its `@`.
    const range = entry.slice(entry.indexOf('@', 1) + 1);
    return `${quoted}: ${JSON.stringify(range)} is not a semver range`;
  }
  return undefined;
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

/** A file name's 255 bytes, less `.tmp-<pid>`, which outputs are written under first. */
const MAX_RELEASE_FILE_BYTES = 240;

/**
 * Build, sign and install name files `<id>-<version>.tgz(.sigstore.json)`: a pair too
 * long for a file name validated and published, then failed every build and install.
 */
function releaseNameIssues(manifest: PackManifest): Issue[] {
  const { id, version } = manifest.metadata;
  const bytes = Buffer.byteLength(`${id}-${version}.tgz.sigstore.json`);
  if (bytes <= MAX_RELEASE_FILE_BYTES) return [];
  return [{ file: 'pack.yaml', path: '/metadata/version', rule: 'file_name',
    message: `the id and version name files ${bytes} bytes long ` +
      `(<id>-<version>.tgz.sigstore.json); expected at most ${MAX_RELEASE_FILE_BYTES}, so ` +
      'they fit a file name (255 bytes) with room for a temporary suffix: shorten the version' }];
}
