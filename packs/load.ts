/**
 * Validates a pack's files and loads them into typed values: the manifest,
 * its workflows, policy fragments and JSON Schemas. Every problem is
 * collected, each naming its file and field path, before anything fails.
 */
import { gt as semverGt, valid as validSemver } from 'semver';
import type { PackFiles } from './bundle/read.js';
import { leftOutWhy } from './bundle/source.js';
import {
  NON_FINITE_MESSAGE, nonFiniteAt, parseJson, parseYaml, pointerToken, utf8Text,
  UNSTORABLE_MESSAGE, unstorableTextAt,
} from './documents.js';
import { isPackError, PackError, type Issue } from './errors.js';
import type { PackManifest } from './manifest.js';
import { toFragment, type RawFragment } from './policy/fragment.js';
import { checkGlob } from './policy/glob.js';
import { normalizeDecision } from './policy/decisions.js';
import type { PolicyFragment } from './policy/types.js';
import { checkFormat, compilePackSchema } from './schemas.js';
import {
  duplicateIssues, namingIssues, poolIssues, requiresPacksIssues,
} from './validate/naming.js';
import { workflowIssues } from './validate/workflow.js';
import { subworkflowCycle } from './workflow/graph.js';
import { planWorkflow } from '../engine/plan.js';
import type { Workflow } from './workflow/types.js';
import { linkIssues, linkScheme } from './validate/display.js';
import { legacyTenantWarnings } from './validate/legacy.js';
import { policyReachWarnings } from './validate/reach.js';
import { simulationFieldWarnings } from './validate/simulations.js';
import { parameterDefaultIssues, retryWarnings } from './validate/parameters.js';
import { unknownFieldWarnings } from './validate/manifest_fields.js';

export interface LoadedPack {
  manifest: PackManifest;
  workflows: Workflow[];
  fragments: { file: string; fragment: PolicyFragment }[];
  /** JSON Schemas by their pack schema id (`<pack_id>/<Name>`). */
  schemas: Map<string, object>;
}

export interface ValidationResult {
  ok: boolean;
  issues: Issue[];
  warnings: Issue[];
  pack?: LoadedPack;
}

class Collector {
  issues: Issue[] = [];
  warnings: Issue[] = [];

  /** Reads and parses one file of the pack, or records why it could not. */
  document(files: PackFiles, path: string, from: Issue): unknown {
    // As bundle entries are: another reader would take these from outside the pack.
    if (path.startsWith('/') || /^[A-Za-z]:/.test(path) || path.split(/[/\\]/).includes('..')) {
      this.issues.push({ ...from, message: `names "${path}": expected a path inside the pack, ` +
        'relative to pack.yaml, with no ".." (such as workflows/main.yaml)', rule: 'path' });
      return undefined;
    }
    const body = files.files.get(normalize(path));
    if (body === undefined) {
      this.issues.push({ ...from, message: `names "${path}", which is not in the pack${
        leftOutWhy(path)}`, rule: 'file_missing' });
      return undefined;
    }
    let doc: unknown;
    try {
      const text = utf8Text(body, path);
      doc = path.endsWith('.json') ? parseJson(text, path) : parseYaml(text, path);
    } catch (err) {
      if (!isPackError(err)) throw err;
      this.issues.push(...err.issues.map((i) => ({ ...i, rule: err.code })));
      return undefined;
    }
    this.storable(doc, path);
    return doc;
  }

  /**
   * Records the first key or string of a document that PostgreSQL cannot
   * store (a NUL, an unpaired surrogate), and the first number JSON cannot
   * hold. Every document of a pack ends up in a row somewhere (the manifest
   * in the registry, workflows in each run, fragments in the policy
   * snapshot), so a pack holding the one would validate, publish and install,
   * then fail with the database's own error when it runs, and the other would
   * be stored as `null`, unlike the signed file. The document is still
   * returned, so its other problems are found too.
   */
  private storable(doc: unknown, file: string): void {
    const at = unstorableTextAt(doc);
    if (at !== undefined) this.issues.push({ file, path: at, message: UNSTORABLE_MESSAGE,
      rule: 'text' });
    // The schemas' `integer` takes Infinity, and the registry would store pack.yaml's as null.
    const huge = nonFiniteAt(doc);
    if (huge !== undefined) this.issues.push({ file, path: huge, message: NON_FINITE_MESSAGE,
      rule: 'number' });
  }
}

function normalize(path: string): string {
  return path.split('/').filter((s) => s !== '' && s !== '.').join('/');
}

export function validatePack(files: PackFiles): ValidationResult {
  const c = new Collector();
  const raw = c.document(files, 'pack.yaml', { file: 'pack.yaml', path: '', message: '' });
  if (raw === undefined) return { ok: false, issues: c.issues, warnings: c.warnings };
  const schemaIssues = checkFormat('pack', raw, 'pack.yaml');
  if (schemaIssues.length > 0) {
    // What reading pack.yaml found (unstorable text) stands beside its schema problems.
    return { ok: false, issues: [...c.issues, ...schemaIssues], warnings: [] };
  }
  const manifest = raw as PackManifest;
  c.warnings.push(...unknownFieldWarnings(raw));
  manifestIssues(c, manifest);
  const schemas = loadSchemas(c, files, manifest);
  // Declared ids, loaded or not: a schema file that fails is reported once, as itself, not
  // again as an unknown id in every workflow naming it.
  const declared = new Set((manifest.resources?.schemas ?? []).map((ref) => ref.id));
  const workflows = loadWorkflows(c, files, manifest, declared);
  c.issues.push(...cycleIssues(workflows));
  const fragments = loadFragments(c, files, manifest);
  loadConfigOverlays(c, files, manifest);
  readmeIssues(c, files);
  imageIssues(c, files, manifest);
  const pack: LoadedPack = { manifest, workflows, fragments, schemas };
  if (c.issues.length > 0) return { ok: false, issues: c.issues, warnings: c.warnings };
  return { ok: true, issues: [], warnings: c.warnings, pack };
}

/** Like validatePack, but throws one PackError carrying every issue. */
export function loadPack(files: PackFiles): LoadedPack {
  const result = validatePack(files);
  if (result.pack) return result.pack;
  // A document-level attack (an alias bomb) keeps its own code.
  const bomb = result.issues.find((i) => i.rule === 'yaml_alias_limit');
  const first = result.issues[0];
  const summary = first ? `${first.file}: ${first.path || '/'}: ${first.message}` : 'invalid';
  const more = result.issues.length > 1 ? ` (and ${result.issues.length - 1} more)` : '';
  throw new PackError(bomb ? 'yaml_alias_limit' : 'validation_failed',
    `pack is invalid: ${summary}${more}`, { issues: result.issues });
}

function manifestIssues(c: Collector, manifest: PackManifest) {
  const at = (path: string, message: string, rule: string) =>
    c.issues.push({ file: 'pack.yaml', path, message, rule });
  const version = manifest.metadata.version;
  const plain = validSemver(version);
  if (!plain) {
    at('/metadata/version', `"${version}" is not a semver version (expected e.g. 1.2.3)`,
      'semver');
  } else if (plain !== version) {
    // 1.2.3, v1.2.3 and 1.2.3+x are one version to semver: only one spelling may exist.
    at('/metadata/version', `"${version}" is version ${plain} written another way: write ` +
      `${plain} (no leading "v", no "+build" metadata)`, 'semver');
  }
  for (const field of ['minCoreVersion', 'maxCoreVersion'] as const) {
    const v = manifest.compatibility?.[field];
    if (v !== undefined && !validSemver(v)) {
      at(`/compatibility/${field}`, `"${v}" is not a semver version`, 'semver');
    }
  }
  const { minCoreVersion: min, maxCoreVersion: max } = manifest.compatibility ?? {};
  if (min && max && validSemver(min) && validSemver(max) && semverGt(min, max)) {
    // No core version lies between them: the pack could be installed nowhere.
    at('/compatibility/maxCoreVersion', `"${max}" is below minCoreVersion "${min}"`, 'semver');
  }
  c.issues.push(...namingIssues(manifest));
  c.issues.push(...linkIssues(manifest));
  c.issues.push(...requiresPacksIssues(manifest));
  c.issues.push(...duplicateIssues(manifest.resources?.workflows ?? [], '/resources/workflows'));
  c.issues.push(...duplicateIssues(manifest.resources?.schemas ?? [], '/resources/schemas'));
  (manifest.tests?.policySimulations ?? []).forEach((s, i) => {
    c.warnings.push(...simulationFieldWarnings(s.request, i));
    if (!normalizeDecision(s.expectDecision)) {
      at(`/tests/policySimulations/${i}/expectDecision`, `"${s.expectDecision}" is not a ` +
        'decision (expected ALLOW, DENY, REQUIRE_APPROVAL, ALLOW_WITH_CONSTRAINTS or THROTTLE)',
        'decision');
    }
  });
}

function loadSchemas(c: Collector, files: PackFiles, manifest: PackManifest) {
  const schemas = new Map<string, object>();
  (manifest.resources?.schemas ?? []).forEach((ref, i) => {
    const from = { file: 'pack.yaml', path: `/resources/schemas/${i}/path`, message: '' };
    const doc = c.document(files, ref.path, from);
    if (doc === undefined) return;
    if (!doc || typeof doc !== 'object' || Array.isArray(doc)) {
      c.issues.push({ file: ref.path, path: '', message: 'a JSON Schema must be an object',
        rule: 'schema' });
      return;
    }
    try {
      compilePackSchema(doc);
      schemas.set(ref.id, doc);
    } catch (err) {
      c.issues.push({ file: ref.path, path: '', rule: 'schema',
        message: `is not a valid JSON Schema: ${err instanceof Error ? err.message : err}` });
    }
  });
  return schemas;
}

function loadWorkflows(c: Collector, files: PackFiles, manifest: PackManifest,
  schemaIds: Set<string>): Workflow[] {
  const workflows: Workflow[] = [];
  (manifest.resources?.workflows ?? []).forEach((ref, i) => {
    const from = { file: 'pack.yaml', path: `/resources/workflows/${i}/path`, message: '' };
    const doc = c.document(files, ref.path, from);
    if (doc === undefined) return;
    const issues = checkFormat('workflow', doc, ref.path);
    if (issues.length > 0) {
      c.issues.push(...issues);
      return;
    }
    const wf = doc as Workflow;
    if (wf.id !== ref.id) {
      c.issues.push({ file: ref.path, path: '/id', rule: 'workflow_id',
        message: `workflow id "${wf.id}" differs from "${ref.id}" in pack.yaml` });
    }
    const found = [...workflowIssues(wf, ref.path, schemaIds), ...inputSchemaIssues(wf, ref.path)];
    if (found.length === 0) found.push(...parameterDefaultIssues(wf, ref.path));
    c.warnings.push(...retryWarnings(wf, ref.path));
    c.issues.push(...found);
    const steps = Object.fromEntries(
      Object.entries(wf.steps).map(([key, step]) => [key, { ...step, id: key }]),
    );
    const workflow = { ...wf, steps, file: ref.path };
    // Then what the engine checks before it runs one (expressions, routes, branches, step
    // fields): a pack that validates is one the engine accepts. Schema references were
    // checked above against this pack's own schemas.
    if (found.length === 0) c.issues.push(...engineIssues(workflow, schemaIds));
    workflows.push(workflow);
    warnUndeclaredTopics(c, manifest, wf, ref.path);
  });
  return workflows;
}

/**
 * A workflow's own `input_schema` (an object, not a schema id) compiles as
 * the engine compiles it before every run: one that does not would fail
 * every run of the workflow.
 */
function inputSchemaIssues(wf: Workflow, file: string): Issue[] {
  const schema = (wf as { input_schema?: unknown }).input_schema;
  if (!schema || typeof schema !== 'object' || Array.isArray(schema)) return [];
  try {
    compilePackSchema(schema);
    return [];
  } catch (err) {
    return [{ file, path: '/input_schema', rule: 'schema',
      message: `is not a valid JSON Schema: ${err instanceof Error ? err.message : err}` }];
  }
}

/** Workflows of the pack that start themselves through subworkflow steps, once a cycle. */
function cycleIssues(workflows: Workflow[]): Issue[] {
  const byId = new Map(workflows.map((w) => [w.id, w]));
  const seen = new Set<string>();
  const done = new Set<string>();
  const issues: Issue[] = [];
  for (const w of workflows) {
    const cycle = subworkflowCycle(w.id, byId, done);
    if (!cycle || cycle[0] !== w.id) continue;
    const key = [...new Set(cycle)].sort().join(' ');
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push({ file: w.file ?? w.id, path: '/steps', rule: 'subworkflow_cycle',
      message: `starts itself through subworkflow steps: ${cycle.join(' -> ')}` });
  }
  return issues;
}

function engineIssues(workflow: Workflow, schemaIds: Set<string>): Issue[] {
  try {
    planWorkflow(workflow, schemaIds);
    return [];
  } catch (err) {
    const issues = (err as { issues?: Issue[] }).issues;
    if (Array.isArray(issues)) return issues;
    throw err;
  }
}

function warnUndeclaredTopics(c: Collector, manifest: PackManifest, wf: Workflow, file: string) {
  const own = `job.${manifest.metadata.id}.`;
  const declared = new Set((manifest.topics ?? []).map((t) => t.name));
  for (const [key, step] of Object.entries(wf.steps)) {
    if (step.topic && step.topic.startsWith(own) && !declared.has(step.topic)) {
      c.warnings.push({ file, path: `/steps/${pointerToken(key)}/topic`, rule: 'topic_undeclared',
        message: `topic "${step.topic}" is not declared in pack.yaml topics` });
    }
    if (step.output_path !== undefined) {
      // The format has the field, but says nothing of what it does: it is not guessed at.
      c.warnings.push({ file, path: `/steps/${pointerToken(key)}/output_path`, rule: 'field_unused',
        message: 'output_path is not used by this engine: the step\'s whole output is ' +
          `steps.${key}.output; read the part you need from there` });
    }
  }
}

function loadFragments(c: Collector, files: PackFiles, manifest: PackManifest) {
  const fragments: LoadedPack['fragments'] = [];
  (manifest.overlays?.policy ?? []).forEach((ref, i) => {
    const from = { file: 'pack.yaml', path: `/overlays/policy/${i}/path`, message: '' };
    const doc = c.document(files, ref.path, from);
    if (doc === undefined) return;
    const issues = checkFormat('policy-fragment', doc, ref.path);
    if (issues.length > 0) {
      c.issues.push(...issues);
      return;
    }
    const raw = doc as RawFragment;
    globIssues(c, raw, ref.path);
    c.warnings.push(...policyReachWarnings(raw, ref.path, manifest.metadata.id));
    c.warnings.push(...legacyTenantWarnings(raw, ref.path));
    let fragment;
    try {
      fragment = toFragment(raw, { packId: manifest.metadata.id, file: ref.path });
    } catch (err) {
      // A rule id, template or field the fragment gets wrong: one problem among the pack's.
      if (!isPackError(err)) throw err;
      c.issues.push(...err.issues.map((i) => ({ ...i, rule: 'policy_fragment' })));
      return;
    }
    fragments.push({ file: ref.path, fragment });
  });
  return fragments;
}

/** An `image` that is not a link names a file in the pack (links: validate/display.ts). */
function imageIssues(c: Collector, files: PackFiles, manifest: PackManifest) {
  const image = manifest.metadata.image;
  if (image === undefined || linkScheme(image) !== undefined) return;
  if (!files.files.has(normalize(image)) || image.startsWith('/') || image.includes('..')) {
    c.issues.push({ file: 'pack.yaml', path: '/metadata/image', rule: 'file_missing',
      message: `names "${image}", which is not a file in the pack; give an http(s) link or a ` +
        'path inside the pack' });
  }
}

/** A README is text the marketplace shows: UTF-8, like every file Cordum reads. */
function readmeIssues(c: Collector, files: PackFiles) {
  for (const [name, body] of files.files) {
    if (!/^readme(\.md|\.markdown)?$/i.test(name)) continue;
    try {
      utf8Text(body, name);
    } catch (err) {
      if (!isPackError(err)) throw err;
      c.issues.push(...err.issues.map((i) => ({ ...i, rule: err.code })));
    }
  }
}

function globIssues(c: Collector, raw: RawFragment, file: string) {
  c.issues.push(...topicGlobIssues(raw, file));
}

/**
 * Topic globs of a fragment that do not parse, each with its path: those of
 * its rules, and those of the legacy `tenants` form (its allow and deny lists).
 */
export function topicGlobIssues(raw: RawFragment, file: string): Issue[] {
  const issues: Issue[] = [];
  const check = (globs: unknown, path: string) => {
    if (!Array.isArray(globs)) return;
    globs.forEach((glob, j) => {
      if (typeof glob !== 'string') return;
      try {
        checkGlob(glob);
      } catch (err) {
        issues.push({ file, path: `${path}/${j}`, rule: 'glob',
          message: `bad topic glob: ${(err as Error).message}` });
      }
    });
  };
  (raw.rules ?? []).forEach((rule, i) => check(rule.match?.topics, `/rules/${i}/match/topics`));
  for (const [tenant, t] of Object.entries(raw.tenants ?? {})) {
    const at = `/tenants/${pointerToken(tenant)}`;
    check(t?.deny_topics, `${at}/deny_topics`);
    check(t?.allow_topics, `${at}/allow_topics`);
  }
  return issues;
}

function loadConfigOverlays(c: Collector, files: PackFiles, manifest: PackManifest) {
  (manifest.overlays?.config ?? []).forEach((ref, i) => {
    const from = { file: 'pack.yaml', path: `/overlays/config/${i}/path`, message: '' };
    const doc = c.document(files, ref.path, from);
    if (doc === undefined) return;
    if (!doc || typeof doc !== 'object' || Array.isArray(doc)) {
      c.issues.push({ file: ref.path, path: '', rule: 'overlay',
        message: 'a json_merge_patch overlay must be a mapping' });
      return;
    }
    if (ref.key === 'pools') c.issues.push(...poolIssues(manifest.metadata.id, ref.path, doc));
  });
}
