/**
 * What an upgrade from one version of a pack to another changes, for a
 * reviewer: rules added, removed or changed (and whether their order did,
 * which matters under first-match), topics, capabilities, risk tags and
 * requirements added or removed, workflows and schemas added, removed or
 * changed. Pure: two loaded packs in, a change set out.
 */
import { canonicalJson } from '../../../packs/canonical.js';
import type { LoadedPack } from '../../../packs/load.js';
import type { PackTopic } from '../../../packs/manifest.js';
import type { Rule } from '../../../packs/policy/types.js';

export interface Delta<T> {
  added: T[];
  removed: T[];
}

export interface RuleChange {
  id: string;
  before: Rule;
  after: Rule;
  /** Which parts differ: `decision`, `match`, `reason`, `constraints`, `remediations`. */
  fields: string[];
}

export interface TopicChange {
  name: string;
  before: PackTopic;
  after: PackTopic;
  fields: string[];
}

export interface PackChangelog {
  from: string;
  to: string;
  rules: Delta<Rule> & { changed: RuleChange[]; reordered: boolean };
  topics: Delta<PackTopic> & { changed: TopicChange[] };
  capabilities: Delta<string>;
  riskTags: Delta<string>;
  requires: Delta<string>;
  workflows: Delta<string> & { changed: string[] };
  schemas: Delta<string> & { changed: string[] };
  requiresPacks: Delta<string>;
}

const RULE_FIELDS = ['decision', 'match', 'reason', 'constraints', 'remediations'] as const;
const TOPIC_FIELDS = ['capability', 'riskTags', 'requires'] as const;

function setDelta(before: Iterable<string>, after: Iterable<string>): Delta<string> {
  const a = new Set(before);
  const b = new Set(after);
  return { added: [...b].filter((x) => !a.has(x)).sort(),
    removed: [...a].filter((x) => !b.has(x)).sort() };
}

export function rulesOf(pack: LoadedPack): Rule[] {
  return pack.fragments.flatMap((f) => f.fragment.rules);
}

function ruleDelta(before: Rule[], after: Rule[]): PackChangelog['rules'] {
  const old = new Map(before.map((r) => [r.id, r]));
  const now = new Map(after.map((r) => [r.id, r]));
  const changed: RuleChange[] = [];
  for (const rule of after) {
    const prior = old.get(rule.id);
    if (!prior) continue;
    const fields = RULE_FIELDS.filter((f) => canonicalJson(prior[f]) !== canonicalJson(rule[f]));
    if (fields.length > 0) changed.push({ id: rule.id, before: prior, after: rule, fields });
  }
  const common = (list: Rule[], other: Map<string, Rule>) =>
    list.filter((r) => other.has(r.id)).map((r) => r.id).join('\n');
  return {
    added: after.filter((r) => !old.has(r.id)),
    removed: before.filter((r) => !now.has(r.id)),
    changed,
    reordered: common(before, now) !== common(after, old),
  };
}

function topicDelta(before: PackTopic[], after: PackTopic[]): PackChangelog['topics'] {
  const old = new Map(before.map((t) => [t.name, t]));
  const now = new Map(after.map((t) => [t.name, t]));
  const norm = (v: string | string[] | undefined) =>
    canonicalJson(Array.isArray(v) ? [...v].sort() : v);
  const changed: TopicChange[] = [];
  for (const topic of after) {
    const prior = old.get(topic.name);
    if (!prior) continue;
    const fields = TOPIC_FIELDS.filter((f) => norm(prior[f]) !== norm(topic[f]));
    if (fields.length > 0) changed.push({ name: topic.name, before: prior, after: topic, fields });
  }
  return {
    added: after.filter((t) => !old.has(t.name)),
    removed: before.filter((t) => !now.has(t.name)),
    changed,
  };
}

function documentDelta(before: Map<string, unknown>, after: Map<string, unknown>) {
  const delta = setDelta(before.keys(), after.keys());
  const changed = [...after.keys()].filter((id) => before.has(id) &&
    canonicalJson(before.get(id)) !== canonicalJson(after.get(id))).sort();
  return { ...delta, changed };
}

const topicsOf = (p: LoadedPack) => p.manifest.topics ?? [];
const unionOf = (p: LoadedPack, pick: (t: PackTopic) => string[] | undefined) =>
  topicsOf(p).flatMap((t) => pick(t) ?? []);
const workflowsOf = (p: LoadedPack) =>
  new Map<string, unknown>(p.workflows.map(({ file: _file, ...wf }) => [wf.id, wf]));

export function diffPacks(before: LoadedPack, after: LoadedPack): PackChangelog {
  return {
    from: before.manifest.metadata.version,
    to: after.manifest.metadata.version,
    rules: ruleDelta(rulesOf(before), rulesOf(after)),
    topics: topicDelta(topicsOf(before), topicsOf(after)),
    capabilities: setDelta(unionOf(before, (t) => (t.capability ? [t.capability] : [])),
      unionOf(after, (t) => (t.capability ? [t.capability] : []))),
    riskTags: setDelta(unionOf(before, (t) => t.riskTags), unionOf(after, (t) => t.riskTags)),
    requires: setDelta(unionOf(before, (t) => t.requires), unionOf(after, (t) => t.requires)),
    workflows: documentDelta(workflowsOf(before), workflowsOf(after)),
    schemas: documentDelta(before.schemas, after.schemas),
    requiresPacks: setDelta(before.manifest.requires_packs ?? [],
      after.manifest.requires_packs ?? []),
  };
}

/** True when the two versions differ in nothing the changelog reports. */
export function isEmptyChangelog(c: PackChangelog): boolean {
  const deltas = [c.rules, c.topics, c.capabilities, c.riskTags, c.requires, c.workflows,
    c.schemas, c.requiresPacks];
  return !c.rules.reordered && deltas.every((d) => d.added.length === 0 &&
    d.removed.length === 0 && (!('changed' in d) || d.changed.length === 0));
}
