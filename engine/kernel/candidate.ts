/**
 * A candidate policy for simulation, from HTTP (a fragment object) or from
 * disk: a fragment file (YAML or JSON), a pack folder (its fragments), or a
 * folder of pack folders (merged as installed packs are, after any fragment
 * files beside them, which stand for a deployment's policy bundles). Checked against
 * the fragment schema first; problems come back as `candidate_invalid`.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { readPackDir } from '../../packs/bundle/source.js';
import { parseJson, parseYaml } from '../../packs/documents.js';
import { loadPack, topicGlobIssues } from '../../packs/load.js';
import { toFragment, type RawFragment } from '../../packs/policy/fragment.js';
import { buildSnapshot, snapshotHash, type SnapshotInput } from '../../packs/policy/snapshot.js';
import type { PolicySnapshot } from '../../packs/policy/types.js';
import { LOCK_FILE } from '../../packs/lock.js';
import { checkFormat } from '../../packs/schemas.js';
import { meantField, unknownFieldText } from '../../packs/policy/request.js';
import { KernelError } from './errors.js';

/** The fields of a policy fragment (schemas/policy-fragment.schema.json). */
const FRAGMENT_FIELDS = ['version', 'default_tenant', 'rules', 'constraint_templates', 'tenants'];

/** A candidate sent over HTTP holds a fragment's fields only: a misspelt one is no policy. */
function refuseUnknownKeys(value: object, where: string): void {
  for (const key of Object.keys(value)) {
    if (FRAGMENT_FIELDS.includes(key)) continue;
    throw new KernelError('candidate_invalid', `${where}.${key}: ` +
      unknownFieldText(key, [...FRAGMENT_FIELDS, 'fragments']));
  }
}

/**
 * Whether a YAML or JSON file beside pack folders is meant as a fragment:
 * it has a fragment's `rules` or `tenants`, `version: v1`, or a key that is
 * one of those misspelt (`rule:`), so a typo is reported, not skipped.
 */
function meantAsFragment(raw: unknown): boolean {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return false;
  const doc = raw as Record<string, unknown>;
  return doc.version === 'v1' ||
    Object.keys(doc).some((k) => meantField(k, ['rules', 'tenants']) !== undefined);
}

/** Checked as a pack's fragment is: its format, its topic globs, its templates. */
function fragmentInput(raw: unknown, where: string, packId: string): SnapshotInput {
  const issues = checkFormat('policy-fragment', raw, where);
  if (issues.length === 0 && typeof raw === 'object' && raw !== null) {
    issues.push(...topicGlobIssues(raw as RawFragment, where));
  }
  if (issues.length > 0 || typeof raw !== 'object' || raw === null) {
    const first = issues[0];
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
    throw new KernelError('candidate_invalid', `${where} is not a policy fragment` +
      (first ? `: ${first.path || '/'} ${first.message}${more}` : ''));
  }
  try {
    return { packId, fragment: toFragment(raw as RawFragment, { packId, file: where }) };
  } catch (err) {
    // An unknown constraint template, named with its path.
    throw new KernelError('candidate_invalid', (err as Error).message, { cause: err });
  }
}

/**
 * A candidate from JSON made into a snapshot: one fragment document, or
 * `{ fragments: [...] }`, several tried in the order given (what the CLI
 * sends for a folder of packs and bundles). Each fragment is checked on its
 * own, so two packs, or a bundle and a pack, may share a rule id, as they
 * may when deployed; within one fragment an id is still used once.
 */
export function toCandidateSnapshot(value: unknown): PolicySnapshot {
  const isObject = value !== null && typeof value === 'object' && !Array.isArray(value);
  if (isObject && 'fragments' in value) {
    const extra = Object.keys(value).find((k) => k !== 'fragments');
    if (extra !== undefined) {
      throw new KernelError('candidate_invalid', `candidate.${extra}: a candidate of ` +
        '{ fragments: [...] } holds nothing else (each fragment holds its own fields)');
    }
  } else {
    if (isObject) refuseUnknownKeys(value, 'candidate');
    return buildSnapshot([fragmentInput(value, 'candidate', 'candidate')]);
  }
  const many = (value as { fragments: unknown }).fragments;
  if (!Array.isArray(many) || many.length === 0 || many.length > 10_000) {
    throw new KernelError('candidate_invalid', 'candidate.fragments must be a list of 1 to ' +
      '10000 policy fragments');
  }
  many.forEach((f, i) => {
    if (f !== null && typeof f === 'object' && !Array.isArray(f)) {
      refuseUnknownKeys(f, `candidate.fragments[${i}]`);
    }
  });
  const inputs = many.map((f, i) => fragmentInput(f, `candidate.fragments[${i}]`,
    `candidate-${i}`));
  const rules = inputs.flatMap((input) => input.fragment.rules);
  const tenants = new Set(inputs.flatMap((input) => input.fragment.default_tenant ?? []));
  if (tenants.size > 1) {
    throw new KernelError('candidate_invalid', `candidate.fragments name more than one ` +
      `default_tenant (${[...tenants].join(', ')}): a policy has one`);
  }
  const [defaultTenant] = tenants;
  return ruleSnapshot(rules, defaultTenant);
}

/**
 * A snapshot of rules already checked fragment by fragment, hashed as
 * buildSnapshot hashes (which would refuse an id two fragments share).
 */
function ruleSnapshot(rules: PolicySnapshot['rules'], defaultTenant: string | undefined,
  packs: PolicySnapshot['packs'] = []): PolicySnapshot {
  const snapshot: PolicySnapshot = { hash: snapshotHash(rules, defaultTenant), rules, packs };
  if (defaultTenant !== undefined) snapshot.defaultTenant = defaultTenant;
  return snapshot;
}

function packInputs(dir: string): SnapshotInput[] {
  try {
    const pack = loadPack(readPackDir(dir));
    return pack.fragments.map((f) => ({ packId: pack.manifest.metadata.id,
      version: pack.manifest.metadata.version, fragment: f.fragment }));
  } catch (err) {
    throw new KernelError('candidate_invalid', `${dir}: ${(err as Error).message}`,
      { cause: err });
  }
}

/** The snapshot a candidate file or folder stands for. */
export function loadCandidate(path: string): PolicySnapshot {
  if (!existsSync(path)) throw new KernelError('candidate_invalid', `${path} does not exist`);
  if (statSync(path).isFile()) {
    return buildSnapshot([fragmentOf(path, basename(path).replace(/\..*$/, ''))]);
  }
  if (existsSync(join(path, 'pack.yaml'))) return buildSnapshot(packInputs(path));
  const entries = readdirSync(path, { withFileTypes: true });
  const dirs = entries
    .filter((e) => e.isDirectory() && existsSync(join(path, e.name, 'pack.yaml')));
  if (dirs.length === 0) {
    // Every caller also takes a project (loadCandidateOrProject): name all four, or a user in
    // the wrong folder is not told that a cordum.lock would do.
    throw new KernelError('candidate_invalid', `${path} holds no pack.yaml, no pack folders ` +
      'and no cordum.lock: give a fragment file, a pack folder, a folder of packs or a project');
  }
  const packs = buildSnapshot(dirs.flatMap((e) => packInputs(join(path, e.name))));
  // Fragment files beside the packs stand for a deployment's policy bundles: first, by name,
  // as the registry composes a deployment. Other files there (dotfiles, a package.json, a
  // compose file: no `rules` or `tenants`) are not fragments and are left alone.
  const bundles = entries
    .filter((e) => e.isFile() && !e.name.startsWith('.') && /\.(ya?ml|json)$/.test(e.name))
    .map((e) => e.name).sort()
    .flatMap((name) => {
      const raw = documentOf(join(path, name));
      if (!meantAsFragment(raw)) return [];
      refuseUnknownKeys(raw as object, join(path, name));
      return fragmentInput(raw, join(path, name), `bundle:${name.replace(/\..*$/, '')}`)
        .fragment.rules;
    });
  if (bundles.length === 0) return packs;
  return ruleSnapshot([...bundles, ...packs.rules], packs.defaultTenant, packs.packs);
}

function documentOf(file: string): unknown {
  const text = readFileSync(file, 'utf8');
  return file.endsWith('.json') ? parseJson(text, file) : parseYaml(text, file);
}

/**
 * A fragment file named on its own: held to a fragment's fields as an HTTP candidate is, so a
 * pack's manifest, a workflow or a misspelt `rules` is refused, not taken as an empty policy.
 */
function fragmentOf(file: string, packId: string): SnapshotInput {
  if (basename(file) === 'pack.yaml') {
    throw new KernelError('candidate_invalid', `${file} is a pack's manifest, not a policy ` +
      `fragment: give the pack's folder (${dirname(file)})`);
  }
  const raw = documentOf(file);
  if (raw !== null && typeof raw === 'object' && !Array.isArray(raw)) refuseUnknownKeys(raw, file);
  return fragmentInput(raw, file, packId);
}

/**
 * As `loadCandidate`, and a project folder (one holding `cordum.lock`) stands for the packs
 * it pins, verified as the engine loads them: `cordum policy lint` in a project lints what
 * `engine run` would decide with.
 */
export async function loadCandidateOrProject(path: string): Promise<PolicySnapshot> {
  if (!existsSync(join(path, LOCK_FILE)) || existsSync(join(path, 'pack.yaml'))) {
    return loadCandidate(path);
  }
  const { loadInstalledPacks, snapshotOfInstalled } = await import('../../packs/installed.js');
  return snapshotOfInstalled(await loadInstalledPacks(path));
}
