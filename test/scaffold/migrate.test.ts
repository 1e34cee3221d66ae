/**
 * `cordum pack migrate`: the legacy policy form (tenants with allow and
 * deny topic lists) becomes rules, and both forms decide every request of
 * a table identically (same decision, rule and reason, same snapshot
 * hash). Through the real CLI: the diff, --write, and a pack that still
 * validates and passes its simulations.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseYaml } from '../../packs/documents.js';
import { migrateFragment } from '../../packs/migrate/legacy.js';
import { decide } from '../../packs/policy/evaluate.js';
import { toFragment, type RawFragment } from '../../packs/policy/fragment.js';
import { buildSnapshot } from '../../packs/policy/snapshot.js';
import type { PolicyRequest } from '../../packs/policy/types.js';
import { cordum, json, ROOT } from '../helpers/cli.js';

const LEGACY = `# the ops pack's policy, before rules existed
version: v1
default_tenant: default
tenants:
  default:
    deny_topics: ["job.ops.delete*", "job.ops.drop"]
    allow_topics: ["job.ops.*"]
  Sandbox:
    deny_topics: ["job.ops.*"]
  audit:
    allow_topics: ["job.ops.read", "job.ops.list"]
`;

const REQUESTS: [string, PolicyRequest, string][] = [
  ['default may read', { tenantId: 'default', topic: 'job.ops.read' }, 'allow'],
  ['default may not delete', { tenantId: 'default', topic: 'job.ops.delete-user' }, 'deny'],
  ['default may not drop', { tenantId: 'default', topic: 'job.ops.drop' }, 'deny'],
  ['no tenant is the default tenant', { topic: 'job.ops.drop' }, 'deny'],
  ['tenants match case-insensitively', { tenantId: 'SANDBOX', topic: 'job.ops.read' }, 'deny'],
  ['sandbox may not read', { tenantId: 'sandbox', topic: 'job.ops.read' }, 'deny'],
  ['audit may list', { tenantId: 'audit', topic: 'job.ops.list' }, 'allow'],
  ['audit may delete (no rule)', { tenantId: 'audit', topic: 'job.ops.delete' }, 'allow'],
  ['other topics fall through', { tenantId: 'default', topic: 'job.other.x' }, 'allow'],
  ['a glob does not cross /', { tenantId: 'sandbox', topic: 'job.ops.a/b' }, 'allow'],
  ['no topic', { tenantId: 'default' }, 'allow'],
];

function snapshotOf(text: string) {
  const fragment = toFragment(parseYaml(text, 'f.yaml') as RawFragment, { packId: 'ops' });
  return buildSnapshot([{ packId: 'ops', version: '1.0.0', fragment }]);
}

describe('legacy policy migration', () => {
  const migrated = migrateFragment('overlays/policy.fragment.yaml', LEGACY);

  it('turns tenants into rules and keeps the rest of the document', () => {
    expect(migrated.changed).toBe(true);
    expect(migrated.notes).toEqual(['turned 3 tenants into 4 rules']);
    const doc = parseYaml(migrated.after, 'after') as Record<string, unknown>;
    expect(doc.tenants).toBeUndefined();
    expect(doc.version).toBe('v1');
    expect(doc.default_tenant).toBe('default');
    expect((doc.rules as { id: string }[]).map((r) => r.id)).toEqual(['legacy-Sandbox-deny',
      'legacy-audit-allow', 'legacy-default-deny', 'legacy-default-allow']);
    expect(migrated.after.startsWith("# the ops pack's policy, before rules existed\n"))
      .toBe(true);
  });

  it.each(REQUESTS)('decides identically in both forms: %s', (_name, request, expected) => {
    const before = decide(snapshotOf(LEGACY), request);
    const after = decide(snapshotOf(migrated.after), request);
    expect(after).toEqual(before);
    expect(after.decision).toBe(expected);
  });

  it('keeps the snapshot hash', () => {
    expect(snapshotOf(migrated.after).hash).toBe(snapshotOf(LEGACY).hash);
    expect(migrated.hashAfter).toBe(migrated.hashBefore);
  });

  it('drops tenants that the loader ignores when rules exist, and leaves rules alone', () => {
    const both = 'rules:\n  - id: r1\n    decision: deny\ntenants:\n  a:\n    allow_topics: [x]\n';
    const m = migrateFragment('f.yaml', both);
    expect(m.after).toBe('rules:\n  - id: r1\n    decision: deny\n');
    expect(m.notes[0]).toMatch(/it was ignored, because the fragment has rules/);
    const plain = migrateFragment('f.yaml', 'rules:\n  - id: r1\n    decision: deny\n');
    expect(plain.changed).toBe(false);
  });
});

describe('cordum pack migrate', () => {
  it('shows the diff, writes with --write, and the pack still passes', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'cordum-migrate-')), 'ops');
    cpSync(join(ROOT, 'examples', 'packs', 'echo-tools'), dir, { recursive: true });
    mkdirSync(join(dir, 'overlays'), { recursive: true });
    const legacy = 'version: v1\ntenants:\n  sandbox:\n    deny_topics: ["job.echo-tools.*"]\n' +
      '  default:\n    allow_topics: ["job.echo-tools.*"]\n';
    writeFileSync(join(dir, 'overlays', 'policy.fragment.yaml'), legacy);
    const before = json<{ passed: number; failed: number; results: unknown[] }>(
      await cordum(['pack', 'test', dir, '--json']));

    const dry = await cordum(['pack', 'migrate', dir]);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('--- a/overlays/policy.fragment.yaml\n' +
      '+++ b/overlays/policy.fragment.yaml\n');
    expect(dry.stdout).toMatch(/^-tenants:$/m);
    expect(dry.stdout).toMatch(/^\+rules:$/m);
    expect(dry.stdout).toMatch(/^dry run: pass --write to apply$/m);
    expect(readFileSync(join(dir, 'overlays', 'policy.fragment.yaml'), 'utf8')).toBe(legacy);

    const wrote = await cordum(['pack', 'migrate', dir, '--write']);
    expect(wrote.stdout).toMatch(/^wrote 1 fragment\(s\)$/m);
    const after = json<{ passed: number; failed: number; results: unknown[] }>(
      await cordum(['pack', 'test', dir, '--json']));
    expect(after.results).toEqual(before.results);
    expect(after).toMatchObject({ passed: 2, failed: 0 });
    expect((await cordum(['pack', 'migrate', dir])).stdout).toMatch(/nothing to migrate/);
  });
});
