/**
 * Turns a validated policy fragment document into typed rules: decisions in
 * canonical form, ids filled in, and the legacy `tenants` form (allow and
 * deny topic lists) turned into ordinary rules.
 */
import { PackError } from '../errors.js';
import { normalizeDecision } from './decisions.js';
import { pointerToken } from '../documents.js';
import { misspeltField } from './request.js';
import { constraintSlip, mergeConstraints, templateProblem } from './templates.js';
import type { Constraints, PolicyFragment, Remediation, Rule, RuleMatch } from './types.js';

interface RawRule {
  id?: string;
  match?: RuleMatch;
  decision: string;
  reason?: string;
  constraints?: Constraints;
  /** Names of the fragment's `constraint_templates`, merged in order before `constraints`. */
  templates?: string[];
  remediations?: Remediation[];
}

interface RawTenant {
  allow_topics?: string[];
  deny_topics?: string[];
}

export interface RawFragment {
  version?: string | number;
  default_tenant?: string;
  rules?: RawRule[];
  tenants?: Record<string, RawTenant>;
  constraint_templates?: Record<string, Constraints>;
}

// C0 and C1 controls, DEL, and the line and paragraph separators.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const MAX_ID_CHARS = 256;
const RULE_FIELDS = ['id', 'match', 'decision', 'reason', 'constraints', 'templates',
  'remediations'];
const CONTROLS = new RegExp(CONTROL.source, 'g');

/** An id quoted with its control characters written as `\uXXXX`, so none reaches a terminal. */
function shownId(id: string): string {
  const escaped = id.replace(/[\\"]/g, (c) => `\\${c}`)
    .replace(CONTROLS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `"${escaped}"`;
}

export function toFragment(raw: RawFragment, origin: { packId?: string; file?: string }) {
  const prefix = origin.packId ?? 'rule';
  const rules: Rule[] = [];
  const from = (index: number) => ({ ...origin, index });
  const ids = new Set<string>();
  checkTemplates(raw, origin.file);
  (raw.rules ?? []).forEach((r, index) => {
    // A rule id names one rule: explanations, lint and decisions report it.
    const where = { file: origin.file ?? 'policy fragment', path: `/rules/${index}/id` };
    const refuse = (message: string, why: string) => {
      throw new PackError('validation_failed', `${where.file}: ${where.path}: ${message}${why}`,
        { issues: [{ ...where, message }] });
    };
    if (r.id !== undefined && ids.has(r.id)) {
      refuse(`rule id "${r.id}" is used by an earlier rule`, '; each rule needs its own id');
    }
    // Ids are printed in logs, metrics, lint and CLI lines, where a line break could forge one.
    if (typeof r.id === 'string' && (CONTROL.test(r.id) || r.id.length > MAX_ID_CHARS)) {
      refuse(`rule id ${shownId(r.id.slice(0, 80))} holds a control character or ` +
        `passes ${MAX_ID_CHARS} characters`, '; write it on one line, in printable characters');
    }
    if (r.id !== undefined) ids.add(r.id);
    checkSlips(r, index, origin.file);
    const rule: Rule = {
      id: r.id ?? `${prefix}-rule-${index + 1}`,
      match: r.match ?? {},
      // The schema admits only known names, so this is always defined.
      decision: normalizeDecision(r.decision) ?? 'deny',
      source: from(index),
    };
    if (r.reason !== undefined) rule.reason = r.reason;
    const constraints = resolveConstraints(raw, r, index, origin.file);
    if (constraints !== undefined) rule.constraints = constraints;
    if (r.remediations !== undefined) rule.remediations = r.remediations;
    rules.push(rule);
  });
  if (!raw.rules || raw.rules.length === 0) rules.push(...legacyRules(raw.tenants ?? {}, from));

  const fragment: PolicyFragment = { rules };
  if (raw.version !== undefined) fragment.version = String(raw.version);
  if (raw.default_tenant !== undefined) fragment.default_tenant = raw.default_tenant;
  return fragment;
}

/**
 * A rule may carry fields of its own (packs written for Cordum), but not one a slip away
 * from a field it has: `template: [audited]` would leave the rule with no constraints.
 */
function checkSlips(r: RawRule, index: number, file = 'policy fragment'): void {
  const meant = (key: string) => RULE_FIELDS.includes(key) ? undefined
    : misspeltField(key, RULE_FIELDS);
  const key = Object.keys(r).find((k) => meant(k) !== undefined);
  const slip = r.constraints === undefined ? undefined : constraintSlip(r.constraints);
  const problem = key !== undefined
    ? { path: [key], message: `"${key}" is not a rule field; did you mean ${meant(key)}?` }
    : slip && { path: ['constraints', ...slip.path], message: slip.message };
  if (problem) throw fragmentProblem(file, ['rules', String(index), ...problem.path], problem);
}

/** Every template's body holds constraint fields only (templates.ts says why). */
function checkTemplates(raw: RawFragment, file = 'policy fragment'): void {
  for (const [name, body] of Object.entries(raw.constraint_templates ?? {})) {
    const problem = templateProblem(body);
    if (!problem) continue;
    throw fragmentProblem(file, ['constraint_templates', name, ...problem.path], problem);
  }
}

/** `validation_failed` at `tokens` (a JSON pointer's, unescaped) of the fragment `file`. */
function fragmentProblem(file: string, tokens: string[], problem: { message: string }) {
  const path = ['', ...tokens].map(pointerToken).join('/');
  return new PackError('validation_failed', `${file}: ${path}: ${problem.message}`,
    { issues: [{ file, path, message: problem.message }] });
}

/** A rule's constraints with its templates merged in (see templates.ts for the order). */
function resolveConstraints(raw: RawFragment, r: RawRule, index: number, file?: string) {
  if (!r.templates || r.templates.length === 0) return r.constraints;
  const layers = r.templates.map((name, t) => {
    // Own keys only: `constructor` or `toString` is not a template a fragment defined.
    const templates = raw.constraint_templates;
    const found = templates && Object.hasOwn(templates, name) ? templates[name] : undefined;
    if (found === undefined) {
      const where = { file: file ?? 'policy fragment', path: `/rules/${index}/templates/${t}` };
      throw new PackError('validation_failed', `${where.file}: ${where.path}: rule ${
        r.id ?? index + 1} uses constraint template "${name}", which the fragment does not ` +
        'define',
      { issues: [{ ...where, message: `unknown constraint template "${name}"` }] });
    }
    return found;
  });
  return mergeConstraints([...layers, ...(r.constraints ? [r.constraints] : [])]);
}

/**
 * Legacy form: per tenant, its deny topics come first, then its allow
 * topics, each one rule, in tenant-name order so the result is stable.
 */
function legacyRules(
  tenants: Record<string, RawTenant>,
  from: (index: number) => Rule['source'],
): Rule[] {
  const rules: Rule[] = [];
  for (const tenant of Object.keys(tenants).sort()) {
    const t = tenants[tenant]!;
    if (t.deny_topics && t.deny_topics.length > 0) {
      rules.push({
        id: `legacy-${tenant}-deny`,
        match: { tenants: [tenant], topics: t.deny_topics },
        decision: 'deny',
        reason: `topic denied for tenant ${tenant}`,
        source: from(rules.length),
      });
    }
    if (t.allow_topics && t.allow_topics.length > 0) {
      rules.push({
        id: `legacy-${tenant}-allow`,
        match: { tenants: [tenant], topics: t.allow_topics },
        decision: 'allow',
        source: from(rules.length),
      });
    }
  }
  return rules;
}
