/**
 * Policy rules that reach past their pack's own jobs, said as warnings by
 * `pack validate` (packs/load.ts).
 */
import type { Issue } from '../errors.js';
import type { RawFragment } from '../policy/fragment.js';

/**
 * A rule not held to the pack's own jobs (topics under `job.<id>.`, or
 * `pack_ids: [<id>]`) decides other packs' jobs too. That is allowed (a
 * guardrail pack does it on purpose) but said, since installed packs' rules
 * are tried in pack id order and such a rule may overrule another pack's.
 */
export function policyReachWarnings(raw: RawFragment, file: string, packId: string): Issue[] {
  const warnings: Issue[] = [];
  const own = `job.${packId}.`;
  (raw.rules ?? []).forEach((rule, i) => {
    const { topics, pack_ids: packIds } = rule.match ?? {};
    const byTopic = Array.isArray(topics) && topics.length > 0 &&
      topics.every((t) => typeof t === 'string' && t.startsWith(own));
    const byPack = Array.isArray(packIds) && packIds.length > 0 &&
      packIds.every((p) => p === packId);
    if (byTopic || byPack) return;
    warnings.push({ file, path: `/rules/${i}/match`, rule: 'policy_reaches_other_packs',
      message: `rule "${String(rule.id)}" can decide other packs' jobs: no topic under ` +
        `${own} or pack_ids [${packId}] holds it to this pack's own; installed packs' ` +
        'rules are tried in pack id order, so it may overrule theirs' });
  });
  // The legacy form's lists are rules too (used when there are no `rules`).
  if ((raw.rules ?? []).length > 0) return warnings;
  for (const [tenant, lists] of Object.entries(raw.tenants ?? {})) {
    for (const key of ['deny_topics', 'allow_topics'] as const) {
      (lists[key] ?? []).forEach((topic, i) => {
        if (typeof topic !== 'string' || topic.startsWith(own)) return;
        warnings.push({ file, path: `/tenants/${tenant}/${key}/${i}`,
          rule: 'policy_reaches_other_packs', message: `topic "${topic}" can decide other ` +
            `packs' jobs (it is not under ${own}); installed packs' rules are tried in pack ` +
            'id order, so it may overrule theirs' });
      });
    }
  }
  return warnings;
}
