/**
 * First-match evaluation with Cordum's semantics: rules in order, the first
 * whose every given match field holds decides; no match means `allow`.
 */
import { globMatch } from './glob.js';
import { firstMatchIndex, indexOf } from './index.js';
import { mcpMatches } from './mcp.js';
import type { DecisionResult, PolicyRequest, PolicySnapshot, Rule } from './types.js';

export const DEFAULT_TENANT = 'default';

/** The tenant a request is decided for: its own, else the snapshot's default, lower-cased. */
export function tenantOf(snapshot: PolicySnapshot, request: PolicyRequest): string {
  return (request.tenantId || snapshot.defaultTenant || DEFAULT_TENANT).toLowerCase();
}

/** Decides one request against a snapshot. */
export function decide(snapshot: PolicySnapshot, request: PolicyRequest): DecisionResult {
  const tenant = tenantOf(snapshot, request);
  const i = firstMatchIndex(indexOf(snapshot), request, tenant);
  if (i >= 0) return resultOf(snapshot.rules[i]!, snapshot.hash);
  return { decision: 'allow', snapshotHash: snapshot.hash };
}

export function resultOf(rule: Rule, snapshotHash: string): DecisionResult {
  const result: DecisionResult = { decision: rule.decision, ruleId: rule.id, snapshotHash };
  if (rule.reason !== undefined) result.reason = rule.reason;
  if (rule.constraints !== undefined) result.constraints = rule.constraints;
  if (rule.remediations !== undefined) result.remediations = rule.remediations;
  return result;
}

/** Why a rule did or did not match: the first field that failed, if any. */
export function firstMismatch(rule: Rule, request: PolicyRequest, tenant: string) {
  const m = rule.match;
  const has = <T>(list: T[] | undefined): list is T[] => list !== undefined && list.length > 0;
  if (has(m.tenants) && !m.tenants.some((t) => t.toLowerCase() === tenant)) return 'tenants';
  if (has(m.topics)) {
    const topic = request.topic;
    if (topic === undefined || !m.topics.some((g) => globMatch(g, topic))) return 'topics';
  }
  if (has(m.capabilities) && !inList(m.capabilities, request.capability)) return 'capabilities';
  if (has(m.risk_tags) && !m.risk_tags.some((t) => request.riskTags?.includes(t))) {
    return 'risk_tags';
  }
  if (has(m.requires) && !m.requires.every((r) => request.requires?.includes(r))) {
    return 'requires';
  }
  if (has(m.pack_ids) && !inList(m.pack_ids, request.packId)) return 'pack_ids';
  if (has(m.actor_ids) && !inList(m.actor_ids, request.actorId)) return 'actor_ids';
  if (has(m.actor_types) && !inList(m.actor_types, request.actorType)) return 'actor_types';
  if (m.labels && !Object.entries(m.labels).every(([k, v]) => request.labels?.[k] === v)) {
    return 'labels';
  }
  if (m.secrets_present !== undefined && m.secrets_present !== (request.secretsPresent ?? false)) {
    return 'secrets_present';
  }
  if (m.mcp && !mcpMatches(m.mcp, request.mcp)) return 'mcp';
  return undefined;
}

function inList(list: string[], value: string | undefined): boolean {
  return value !== undefined && list.includes(value);
}
