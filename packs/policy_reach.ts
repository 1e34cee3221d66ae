/**
 * After an install: where a rule of one pack now hides or overrules a rule
 * of another in the project's merged policy (packs' rules are tried in pack
 * id order), said as warnings naming both packs and rules. Only pairs that
 * involve a pack just installed are said; `cordum policy lint` lists all.
 */
import { loadCandidateOrProject } from '../engine/kernel/candidate.js';
import { lintRules, type LintFinding } from './policy/lint.js';

function described(f: LintFinding): string {
  const rule = `${f.packId}'s rule ${f.ruleId}`;
  const by = `${f.byPackId}'s rule ${f.byRuleId}`;
  if (f.kind === 'shadowed') {
    return `policy: ${by} comes first and matches every request ${rule} would, so ${f.ruleId} ` +
      'never decides';
  }
  return `policy: ${by} and ${rule} decide on opposite sides for requests both may match; ` +
    `${f.byRuleId} wins there`;
}

export async function crossPackPolicyWarnings(project: string,
  installed: Iterable<string>): Promise<string[]> {
  const fresh = new Set(installed);
  let findings: LintFinding[];
  try {
    findings = lintRules((await loadCandidateOrProject(project)).rules);
  } catch (err) {
    return [`policy: the project's merged policy could not be checked: ${
      err instanceof Error ? err.message : String(err)}`];
  }
  return findings
    .filter((f) => f.packId !== undefined && f.byPackId !== undefined &&
      f.packId !== f.byPackId && (fresh.has(f.packId) || fresh.has(f.byPackId)))
    .map((f) => `${described(f)} (see cordum policy lint)`);
}
