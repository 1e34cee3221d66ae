/**
 * Conflict detection over a snapshot's rules, in order: a rule is
 * `shadowed` when an earlier rule matches every request it matches (so it
 * can never decide), and two rules `conflict` when some request can match
 * both and they decide differently, one letting the job run and one not.
 * The checks are conservative per field: a glob is taken to cover another
 * only when that is certain, so a shadow report is always real; a conflict
 * report may name rules whose overlap no real topic reaches.
 */
import { globMatch, globTokens } from './glob.js';
import { globCovers } from './glob_cover.js';
import type { Decision, McpMatch, Rule, RuleMatch } from './types.js';

export interface LintFinding {
  kind: 'shadowed' | 'conflict';
  ruleId: string;
  byRuleId: string;
  message: string;
  /** The packs the two rules came from, when known. */
  packId?: string;
  byPackId?: string;
}

/** The packs of `rule` and `by`, for a finding. */
function packsOf(rule: Rule, by: Rule): Pick<LintFinding, 'packId' | 'byPackId'> {
  const packs: Pick<LintFinding, 'packId' | 'byPackId'> = {};
  if (rule.source?.packId !== undefined) packs.packId = rule.source.packId;
  if (by.source?.packId !== undefined) packs.byPackId = by.source.packId;
  return packs;
}

const GLOB = /[*?[\\]/;
const PERMITS: ReadonlySet<Decision> = new Set(['allow', 'allow_with_constraints']);
const some = <T>(l: T[] | undefined): l is T[] => l !== undefined && l.length > 0;
const lower = (l: string[]) => l.map((s) => s.toLowerCase());
const subset = (a: string[], b: string[]) => a.every((x) => b.includes(x));

/** Does topic pattern `a` match every topic that pattern `b` matches? */
function topicCovers(a: string, b: string): boolean {
  if (a === b) return true;
  if (!GLOB.test(b)) return globMatch(a, b);
  const laid = globCovers(a, b);
  if (laid !== undefined) return laid;
  const prefixA = a.endsWith('*') && !GLOB.test(a.slice(0, -1)) ? a.slice(0, -1) : undefined;
  const prefixB = b.endsWith('*') && !GLOB.test(b.slice(0, -1)) ? b.slice(0, -1) : undefined;
  return prefixA !== undefined && prefixB !== undefined && prefixB.startsWith(prefixA) &&
    !prefixB.includes('/', prefixA.length);
}

/** The characters every topic a pattern matches starts with (its escapes undone). */
function literalPrefix(p: string): string {
  let out = '';
  for (const t of globTokens(p) ?? []) {
    if (t.kind !== 'char') break;
    out += String.fromCodePoint(t.cp);
  }
  return out;
}

/**
 * Can some topic match both patterns? Unsure cases answer yes, but two
 * globs whose literal prefixes part ways (`job.a.*`, `job.b.*`) cannot meet.
 */
function topicsMeet(a: string, b: string): boolean {
  if (!GLOB.test(a)) return GLOB.test(b) ? globMatch(b, a) : a === b;
  if (!GLOB.test(b)) return globMatch(a, b);
  const [pa, pb] = [literalPrefix(a), literalPrefix(b)];
  return pa.startsWith(pb) || pb.startsWith(pa);
}

/** Every request `b` matches, `a` matches too (field by field, certain cases only). */
export function covers(a: RuleMatch, b: RuleMatch): boolean {
  const exact = (x: string[] | undefined, y: string[] | undefined) =>
    !some(x) || (some(y) && subset(y, x));
  return (!some(a.tenants) || (some(b.tenants) && subset(lower(b.tenants), lower(a.tenants)))) &&
    (!some(a.topics) || (some(b.topics) && b.topics.every((t) =>
      a.topics!.some((p) => topicCovers(p, t))))) &&
    exact(a.capabilities, b.capabilities) &&
    // risk_tags: b's request holds one of b's tags; each must be one of a's.
    exact(a.risk_tags, b.risk_tags) &&
    // requires: the request holds all of b's, so a's must be among them.
    (!some(a.requires) || (some(b.requires) && subset(a.requires, b.requires))) &&
    exact(a.pack_ids, b.pack_ids) && exact(a.actor_ids, b.actor_ids) &&
    exact(a.actor_types, b.actor_types) &&
    Object.entries(a.labels ?? {}).every(([k, v]) => b.labels?.[k] === v) &&
    (a.secrets_present === undefined || a.secrets_present === b.secrets_present) &&
    mcpCovers(a.mcp, b.mcp);
}

const MCP_PARTS = ['servers', 'tools', 'resources', 'actions'] as const;

/** No `mcp` block, or one of only empty lists: it matches every request. */
function mcpEmpty(m: McpMatch | undefined): boolean {
  return m === undefined || Object.values(m).every((list) => !some(list));
}

/**
 * Every MCP call block `b` matches, `a` matches too. A block matches a call
 * that breaks any one of its parts (a value outside its allow list, or in
 * its deny list), and a call may leave the other parts out; so `a` covers
 * `b` when, part by part, every value that breaks `b` breaks `a`. A value
 * outside `b`'s allow list (there are endless such) breaks `a` only when
 * `a` allows no more than `b` does, its deny list aside.
 */
export function mcpCovers(a: McpMatch | undefined, b: McpMatch | undefined): boolean {
  if (mcpEmpty(a)) return true;
  // `b` matches requests with no MCP call at all, which `a` does not.
  if (mcpEmpty(b)) return false;
  return MCP_PARTS.every((part) => {
    const aAllow = a![`allow_${part}`] ?? [];
    const aDeny = a![`deny_${part}`] ?? [];
    const bAllow = b![`allow_${part}`] ?? [];
    const breaksA = (v: string) => (aAllow.length > 0 && !aAllow.includes(v)) ||
      aDeny.includes(v);
    if (!(b![`deny_${part}`] ?? []).every(breaksA)) return false;
    if (bAllow.length === 0) return true;
    return aAllow.length > 0 && aAllow.every((v) => aDeny.includes(v) || bAllow.includes(v));
  });
}

/** Can one request match both? */
export function overlaps(a: RuleMatch, b: RuleMatch): boolean {
  const meet = (x: string[] | undefined, y: string[] | undefined) =>
    !some(x) || !some(y) || x.some((v) => y.includes(v));
  return (!some(a.tenants) || !some(b.tenants) ||
      lower(a.tenants).some((t) => lower(b.tenants!).includes(t))) &&
    (!some(a.topics) || !some(b.topics) ||
      a.topics.some((x) => b.topics!.some((y) => topicsMeet(x, y)))) &&
    meet(a.capabilities, b.capabilities) && meet(a.pack_ids, b.pack_ids) &&
    meet(a.actor_ids, b.actor_ids) && meet(a.actor_types, b.actor_types) &&
    Object.entries(a.labels ?? {}).every(([k, v]) => b.labels?.[k] === undefined ||
      b.labels[k] === v) &&
    (a.secrets_present === undefined || b.secrets_present === undefined ||
      a.secrets_present === b.secrets_present);
}

export function lintRules(rules: Rule[]): LintFinding[] {
  const findings: LintFinding[] = [];
  // Rules found shadowed: they never decide, so they win no overlap either.
  const shadowed = new Set<number>();
  rules.forEach((rule, j) => {
    const shadow = rules.slice(0, j).find((earlier) => covers(earlier.match, rule.match));
    if (shadow) {
      shadowed.add(j);
      findings.push({ kind: 'shadowed', ruleId: rule.id, byRuleId: shadow.id,
        message: `rule ${rule.id} can never match: ${shadow.id} comes first and matches ` +
          'every request it would', ...packsOf(rule, shadow) });
      return;
    }
    for (const [i, earlier] of rules.slice(0, j).entries()) {
      if (shadowed.has(i)) continue;
      if (PERMITS.has(earlier.decision) === PERMITS.has(rule.decision)) continue;
      if (!overlaps(earlier.match, rule.match)) continue;
      findings.push({ kind: 'conflict', ruleId: rule.id, byRuleId: earlier.id,
        message: `rules ${earlier.id} (${earlier.decision}) and ${rule.id} (${rule.decision}) ` +
          `overlap with opposite decisions; ${earlier.id} wins where both match`,
        ...packsOf(rule, earlier) });
    }
  });
  return findings;
}
