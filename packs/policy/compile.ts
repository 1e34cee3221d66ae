/**
 * Rules compiled once per snapshot into predicates: tenant sets lower-cased
 * ahead of time, literal topics as a set, globs with a prefix fast path.
 * Same semantics as `firstMismatch`, which stays the readable reference.
 */
import { globMatch } from './glob.js';
import type { PolicyRequest, PolicySnapshot, Rule } from './types.js';
import { mcpMatches } from './mcp.js';

export type RulePredicate = (request: PolicyRequest, tenant: string) => boolean;

const GLOB_CHARS = /[*?[\\]/;

function topicMatcher(patterns: string[]): (topic: string) => boolean {
  const exact = new Set(patterns.filter((p) => !GLOB_CHARS.test(p)));
  // `job.pack.*`: a literal prefix and one trailing star, the common shape.
  const prefixes = patterns
    .filter((p) => p.endsWith('*') && !GLOB_CHARS.test(p.slice(0, -1)))
    .map((p) => p.slice(0, -1));
  const globs = patterns.filter((p) => GLOB_CHARS.test(p) &&
    !(p.endsWith('*') && !GLOB_CHARS.test(p.slice(0, -1))));
  return (topic) => exact.has(topic) ||
    prefixes.some((p) => topic.startsWith(p) && !topic.includes('/', p.length)) ||
    globs.some((g) => globMatch(g, topic));
}

function setOf(list: string[] | undefined): Set<string> | undefined {
  return list && list.length > 0 ? new Set(list) : undefined;
}

export function compileRule(rule: Rule): RulePredicate {
  const m = rule.match;
  const tenants = setOf(m.tenants?.map((t) => t.toLowerCase()));
  const topics = m.topics && m.topics.length > 0 ? topicMatcher(m.topics) : undefined;
  const capabilities = setOf(m.capabilities);
  const riskTags = m.risk_tags && m.risk_tags.length > 0 ? m.risk_tags : undefined;
  const requires = m.requires && m.requires.length > 0 ? m.requires : undefined;
  const packIds = setOf(m.pack_ids);
  const actorIds = setOf(m.actor_ids);
  const actorTypes = setOf(m.actor_types);
  const labels = m.labels ? Object.entries(m.labels) : undefined;
  const secrets = m.secrets_present;
  const mcp = m.mcp;
  const has = (set: Set<string> | undefined, v: string | undefined) =>
    set === undefined || (v !== undefined && set.has(v));

  return (r, tenant) =>
    (tenants === undefined || tenants.has(tenant)) &&
    (topics === undefined || (r.topic !== undefined && topics(r.topic))) &&
    has(capabilities, r.capability) &&
    (riskTags === undefined || riskTags.some((t) => r.riskTags?.includes(t) === true)) &&
    (requires === undefined || requires.every((t) => r.requires?.includes(t) === true)) &&
    has(packIds, r.packId) &&
    has(actorIds, r.actorId) &&
    has(actorTypes, r.actorType) &&
    (labels === undefined || labels.every(([k, v]) => r.labels?.[k] === v)) &&
    (secrets === undefined || secrets === (r.secretsPresent ?? false)) &&
    (mcp === undefined || mcpMatches(mcp, r.mcp));
}

const compiled = new WeakMap<PolicySnapshot, RulePredicate[]>();

/** The snapshot's rules as predicates, compiled on first use. */
export function predicatesOf(snapshot: PolicySnapshot): RulePredicate[] {
  let list = compiled.get(snapshot);
  if (!list) {
    list = snapshot.rules.map(compileRule);
    compiled.set(snapshot, list);
  }
  return list;
}
