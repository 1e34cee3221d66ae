import { describe, expect, it } from 'vitest';
import { diffPacks, isEmptyChangelog } from '../../registry/marketplace/changelog/diff.js';
import { changelogHtml } from '../../registry/marketplace/render/changelog.js';
import { loadFixture } from './helpers.js';

const ADMIN_RULE = `  - id: github-deny-admin
    match:
      topics:
        - job.github.admin
    decision: deny
    reason: "Admin actions are never allowed"
`;

const ADMIN_TOPIC = `  - name: job.github.admin
    requires: ["network:egress", "secrets:github"]
    riskTags: ["admin", "network"]
    capability: github.admin
  - name: job.github.write`;

/** github 0.2.0: an admin topic and a deny rule for it; writes now need no approval. */
function upgraded() {
  return loadFixture('github', {
    version: '0.2.0',
    edit: (y) => y.replace('  - name: job.github.write', ADMIN_TOPIC),
    files: {
      'overlays/policy.fragment.yaml': `version: v1
rules:
  - id: github-write
    match:
      topics:
        - job.github.write
    decision: allow
    reason: "GitHub write actions are allowed"
  - id: github-read
    match:
      topics:
        - job.github.read
      risk_tags:
        - read
    decision: allow
${ADMIN_RULE}`,
    },
  });
}

describe('changelog between versions', () => {
  it('lists rules added, changed and reordered, and topics and capabilities added', () => {
    const c = diffPacks(loadFixture('github'), upgraded());

    expect(c.from).toBe('0.1.0');
    expect(c.to).toBe('0.2.0');
    expect(c.rules.added.map((r) => [r.id, r.decision])).toEqual([['github-deny-admin', 'deny']]);
    expect(c.rules.removed).toEqual([]);
    expect(c.rules.changed.map((r) => [r.id, r.fields, r.before.decision, r.after.decision]))
      .toEqual([['github-write', ['decision', 'match', 'reason'], 'require_approval', 'allow']]);
    expect(c.rules.reordered).toBe(true);
    expect(c.topics.added.map((t) => t.name)).toEqual(['job.github.admin']);
    expect(c.capabilities).toEqual({ added: ['github.admin'], removed: [] });
    expect(c.riskTags).toEqual({ added: ['admin'], removed: [] });
    expect(c.requires).toEqual({ added: ['secrets:github'], removed: [] });
    expect(c.workflows).toEqual({ added: [], removed: [], changed: [] });
    expect(isEmptyChangelog(c)).toBe(false);
  });

  it('reads the other way as removals', () => {
    const c = diffPacks(upgraded(), loadFixture('github'));
    expect(c.rules.removed.map((r) => r.id)).toEqual(['github-deny-admin']);
    expect(c.topics.removed.map((t) => t.name)).toEqual(['job.github.admin']);
    expect(c.capabilities.removed).toEqual(['github.admin']);
  });

  it('sees a changed topic, workflow and schema, and nothing when only the version moves', () => {
    const before = loadFixture('github');
    expect(isEmptyChangelog(diffPacks(before, loadFixture('github', { version: '0.1.1' }))))
      .toBe(true);
    const after = loadFixture('github', {
      edit: (y) => y.replace('riskTags: ["read", "network"]', 'riskTags: ["read"]'),
      files: {
        'schemas/GitHubActionResult.json': '{"type": "object"}',
        'workflows/github_issue_create.yaml': `id: github.issue.create
steps:
  create:
    type: worker
    topic: job.github.write
`,
      },
    });
    const c = diffPacks(before, after);
    expect(c.topics.changed.map((t) => [t.name, t.fields])).toEqual([['job.github.read',
      ['riskTags']]]);
    expect(c.workflows.changed).toEqual(['github.issue.create']);
    expect(c.schemas.changed).toEqual(['github/GitHubActionResult']);
    expect(c.riskTags).toEqual({ added: [], removed: [] });
  });

  it('renders the change set with decisions in colour and words', () => {
    const out = changelogHtml(diffPacks(loadFixture('github'), upgraded()), 2).value;
    expect(out).toContain('<h2 id="change-0.1.0-0.2.0">0.1.0 → 0.2.0</h2>');
    expect(out).toContain('<span class="diff-added">added</span> <code>github-deny-admin</code> ' +
      '<span class="decision decision-deny">Deny</span>');
    expect(out).toContain('<span class="decision decision-require_approval">Needs approval</span>' +
      ' → <span class="decision decision-allow">Allow</span>');
    expect(out).toContain('The order of rules changed');
  });
});
