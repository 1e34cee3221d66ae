/**
 * The `cordum policy` command bodies against a real kernel on loopback:
 * history, rollback with and without the admin token, simulate of a
 * candidate pack folder, explain, and lint of the compliance presets.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgliteBackend } from '../helpers/databases.js';
import { ROOT } from '../helpers/cli.js';
import { loadCandidate } from '../../engine/kernel/candidate.js';
import { startRouteServer, type RunningRouteServer } from '../../engine/kernel/http_server.js';
import { policyRoutes } from '../../engine/http/policy.js';
import { explanationLines } from '../../engine/kernel/explain.js';
import { explainBody, historyBody, lintBody, lintLines, rollbackBody, simulateBody }
  from '../../engine/commands/policy.js';
import { layout } from '../../packs/lock.js';
import { installedProject } from '../engine/project.js';
import { openTestKernel, type TestKernel } from './helpers.js';

const SOC2 = join(ROOT, 'examples', 'packs', 'soc2-change-control');
const PCI = join(ROOT, 'examples', 'packs', 'pci-secrets');
let k: TestKernel;
let server: RunningRouteServer;
let flags: { engine: string; token: string };

beforeAll(async () => {
  k = await openTestKernel(pgliteBackend, loadCandidate(SOC2));
  server = await startRouteServer(policyRoutes(k.kernel, { adminToken: 't0ken' }));
  flags = { engine: server.url, token: 't0ken' };
});

afterAll(async () => {
  await server?.close();
  await k?.close();
});

describe('cordum policy bodies', () => {
  it('lints the compliance presets: nothing shadowed, overlaps named by rule id', async () => {
    const soc2 = await lintBody(SOC2);
    expect(soc2.rules).toBe(5);
    expect(soc2.findings.filter((f) => f.kind === 'shadowed')).toEqual([]);
    expect(soc2.findings.map((f) => [f.kind, f.ruleId, f.byRuleId])).toContainEqual(
      ['conflict', 'soc2-staging-change-window', 'soc2-prod-change-approval']);
    expect((await lintBody(PCI)).findings.filter((f) => f.kind === 'shadowed')).toEqual([]);
  });

  it('says what a path may hold when it holds none of it', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'cordum-lint-empty-'));
    await expect(lintBody(empty)).rejects.toMatchObject({ code: 'candidate_invalid',
      message: `${empty} holds no pack.yaml, no pack folders and no cordum.lock: give a ` +
        'fragment file, a pack folder, a folder of packs or a project' });
  });

  it('lints a project as the packs its cordum.lock pins', async () => {
    const project = await installedProject([SOC2, PCI]);
    const both = await lintBody(project);
    expect(both.rules).toBe((await lintBody(SOC2)).rules + (await lintBody(PCI)).rules);
    // The same rules as the folder the packs were unpacked into.
    const unpacked = dirname(layout.unpacked(project, 'pci-secrets'));
    expect(both.snapshotHash).toBe(loadCandidate(unpacked).hash);
  });

  it('explains against the engine and against a candidate folder', async () => {
    const request = JSON.stringify({ topic: 'job.soc2-change-control.deploy',
      riskTags: ['write'] });
    const remote = await explainBody({ ...flags, request });
    expect(remote).toMatchObject({ decision: 'deny', ruleId: 'soc2-unknown-change-denied',
      reason: 'every change goes through a known, reviewed path' });
    expect(remote.skipped.map((s) => [s.ruleId, s.field])).toEqual([
      ['soc2-audit-log-immutable', 'topics'], ['soc2-prod-change-approval', 'risk_tags'],
      ['soc2-staging-change-window', 'labels'], ['soc2-reads', 'topics']]);
    // A workflow may add risk tags to a step: `read` on a deploy does not make it free.
    const tagged = await explainBody({ candidate: SOC2, request: JSON.stringify({
      topic: 'job.soc2-change-control.deploy', riskTags: ['write', 'read'] }) });
    expect(tagged).toMatchObject({ decision: 'deny', ruleId: 'soc2-unknown-change-denied' });
    const local = await explainBody({ request: JSON.stringify({ topic: 'job.pci-secrets.x' }),
      candidate: PCI });
    expect(local).toMatchObject({ decision: 'deny', ruleId: 'pci-default-deny' });
    // The constraints the request gets, templates merged as policy-kernel.md says.
    const staging = await explainBody({ candidate: SOC2, request: JSON.stringify({
      topic: 'job.soc2-change-control.deploy', labels: { env: 'staging' } }) });
    expect(staging).toMatchObject({ decision: 'allow_with_constraints', constraints: {
      budgets: { max_runtime_ms: 1_800_000, max_retries: 0 },
      diff: { max_files: 200, max_lines: 2000 }, redaction_level: 'standard' } });
    expect(explanationLines(staging).slice(1, 3)).toEqual([
      'reason:   staging changes run inside the change window, with a bounded diff',
      'constraints: {"budgets":{"max_runtime_ms":1800000,"max_retries":0},' +
        '"diff":{"max_files":200,"max_lines":2000},"redaction_level":"standard"}']);
    // No secretsPresent is decided as false, and said so.
    const logs = await explainBody({ request: JSON.stringify({
      topic: 'job.pci-secrets.log-write' }), candidate: PCI });
    expect(logs).toMatchObject({ decision: 'allow', ruleId: 'pci-clean-logs' });
    expect(logs.skipped[1]).toEqual({ ruleId: 'pci-no-secrets-in-logs',
      field: 'secrets_present', wanted: true, got: false });
  });

  it('explains the constraints a decision carries, its templates applied', async () => {
    // The example of docs/policy-kernel.md (Constraint templates), with its stated result.
    const file = join(mkdtempSync(join(tmpdir(), 'cordum-explain-')), 'staging.yaml');
    writeFileSync(file, [
      'constraint_templates:',
      '  change-window:',
      '    budgets: { max_runtime_ms: 1800000, max_retries: 0 }',
      '    diff: { max_files: 50, max_lines: 2000 }',
      '  audited:',
      '    redaction_level: standard',
      'rules:',
      '  - id: staging-deploy',
      '    match: { topics: [job.ops.deploy], labels: { env: staging } }',
      '    decision: allow_with_constraints',
      '    templates: [change-window, audited]',
      '    constraints:',
      '      diff: { max_files: 200 }',
      ''].join('\n'));
    const request = JSON.stringify({ topic: 'job.ops.deploy', labels: { env: 'staging' } });
    const explained = await explainBody({ request, candidate: file });
    expect(explained.constraints).toEqual({ budgets: { max_runtime_ms: 1800000, max_retries: 0 },
      diff: { max_files: 200, max_lines: 2000 }, redaction_level: 'standard' });
    expect(explanationLines(explained).slice(0, 2)).toEqual([
      'decision: allow_with_constraints (rule staging-deploy)',
      'constraints: {"budgets":{"max_runtime_ms":1800000,"max_retries":0},' +
        '"diff":{"max_files":200,"max_lines":2000},"redaction_level":"standard"}']);
  });

  it('takes fragment files beside pack folders as policy bundles, tried first', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cordum-candidate-'));
    cpSync(SOC2, join(dir, 'soc2-change-control'), { recursive: true });
    // The bundle overrides a pack rule by taking its id, as a deployment allows.
    writeFileSync(join(dir, 'hotfix.yaml'), 'rules:\n  - id: soc2-reads\n' +
      '    match: { topics: ["job.soc2-change-control.*"] }\n    decision: deny\n');
    const alone = loadCandidate(join(dir, 'soc2-change-control'));
    const together = loadCandidate(dir);
    expect(together.rules.map((r) => r.id)).toEqual(['soc2-reads',
      ...alone.rules.map((r) => r.id)]);
    // Simulated as it would be deployed: the shared id is no error.
    const impact = await simulateBody({ ...flags, candidate: dir });
    expect(impact.candidateHash).toBe(together.hash);
    expect(together.hash).not.toBe(alone.hash);
    // Files that are no fragments are left alone: dotfiles, and documents with no rules.
    writeFileSync(join(dir, '.yamllint.yaml'), 'extends: default\nrules: {line-length: disable}\n');
    writeFileSync(join(dir, 'package.json'), '{"name":"site"}');
    expect(loadCandidate(dir).hash).toBe(together.hash);
    writeFileSync(join(dir, 'compose.yaml'), 'version: "3"\nservices: {}\n');
    expect(loadCandidate(dir).hash).toBe(together.hash);
    // A fragment with a misspelt key is reported, not skipped.
    writeFileSync(join(dir, 'typo.yaml'), 'version: v1\nrule: []\n');
    expect(() => loadCandidate(dir))
      .toThrow(/typo\.yaml\.rule: unknown field; did you mean rules\?/);
    rmSync(join(dir, 'typo.yaml'));
    writeFileSync(join(dir, 'broken.yaml'), 'rules: 5\n');
    expect(() => loadCandidate(dir)).toThrow(/broken\.yaml is not a policy fragment/);
  });

  it.each([
    ['a misspelt rules key', 'typo.yaml', 'rulez: []\n',
      /typo\.yaml\.rulez: unknown field; did you mean rules\?/],
    ['a workflow', 'flow.yaml', 'id: a.b\nsteps: {}\n', /flow\.yaml\.id: unknown field/],
    ['a pack manifest', 'pack.yaml', 'apiVersion: cordum.io/v1alpha1\nkind: Pack\n',
      /pack\.yaml is a pack's manifest, not a policy fragment: give the pack's folder/],
  ])('refuses a candidate file that is not a fragment (%s), not an empty policy',
    async (_name, file, text, error) => {
      const path = join(mkdtempSync(join(tmpdir(), 'cordum-candidate-')), file);
      writeFileSync(path, text);

      expect(() => loadCandidate(path)).toThrow(error);
      await expect(lintBody(path)).rejects.toMatchObject({ code: 'candidate_invalid' });
      await expect(simulateBody({ ...flags, candidate: path }))
        .rejects.toMatchObject({ code: 'candidate_invalid' });
    });

  it('names both packs in lint lines when the rules come from two', () => {
    const lines = lintLines({ rules: 3, snapshotHash: 'sha256:x', findings: [
      { kind: 'shadowed', ruleId: 'github-write', byRuleId: 'aaa-allow', message: 'm',
        packId: 'github', byPackId: 'aaa' },
      { kind: 'conflict', ruleId: 'b', byRuleId: 'a', message: 'n', packId: 'p', byPackId: 'p' },
    ] });
    expect(lines).toEqual(['shadowed: github/github-write (by aaa/aaa-allow): m',
      'conflict: b (by a): n', '3 rules, 1 shadowed, 1 conflicting']);
  });

  it('counts one rule as one rule', () => {
    expect(lintLines({ rules: 1, snapshotHash: 'sha256:x', findings: [] }))
      .toEqual(['1 rule, 0 shadowed, 0 conflicting']);
  });

  it('refuses a request field it does not know, naming the one meant', async () => {
    // risk_tags ignored would decide as if no tag were given.
    const request = JSON.stringify({ topic: 'job.soc2-change-control.deploy',
      risk_tags: ['write'] });
    await expect(explainBody({ request, candidate: PCI })).rejects.toMatchObject({
      code: 'request_invalid',
      message: '--request.risk_tags: unknown field; did you mean riskTags?' });
  });

  it('refuses explain with both --candidate and --engine, which it would not ask', async () => {
    await expect(explainBody({ request: '{"topic":"job.x"}', candidate: SOC2,
      engine: 'http://127.0.0.1:1' })).rejects.toMatchObject({ code: 'usage',
      message: expect.stringContaining('--candidate or --engine, not both') });
  });

  it('refuses a simulate --limit out of range as a usage error, asking nothing', async () => {
    for (const limit of ['0', '-1', '1.5', '2000000']) {
      await expect(simulateBody({ ...flags, candidate: PCI, limit })).rejects.toMatchObject({
        code: 'usage',
        message: `--limit must be a whole number from 1 to 1000000, not "${limit}"` });
    }
  });

  it('refuses an --engine that is no URL, and says when what answered is no engine',
    async () => {
    await expect(historyBody({ engine: 'notaurl' })).rejects.toMatchObject({ code: 'usage',
      message: '--engine must be the engine\'s http(s) URL such as http://127.0.0.1:8787, not ' +
        '"notaurl"' });
    const secret = historyBody({ engine: 'http://u:s3cret@127.0.0.1:1' });
    await expect(secret).rejects.toMatchObject({ code: 'usage',
      message: expect.stringMatching(/^--engine must not carry a user or password/) });
    await expect(secret).rejects.not.toMatchObject({ message: expect.stringContaining('s3cret') });
    // Something that answers 404 to every route, as a registry does to /v1/policy/history.
    const other = await startRouteServer([]);
    try {
      await expect(historyBody({ engine: other.url })).rejects.toMatchObject({
        code: 'engine_error', message: expect.stringContaining(`is ${other.url} an engine ` +
          '(`cordum engine serve`)? A registry\'s URL is not one') });
    } finally {
      await other.close();
    }
    // A 404 the engine means (a version it does not keep) keeps its own code.
    await expect(rollbackBody({ ...flags, version: '99' })).rejects.toMatchObject({
      code: 'version_not_found' });
  });

  it('simulates a candidate folder against the recorded decisions', async () => {
    k.kernel.decide({ topic: 'job.soc2-change-control.deploy', riskTags: ['write', 'prod'] });
    k.kernel.decide({ topic: 'job.soc2-change-control.config-read', riskTags: ['read'] });
    const impact = await simulateBody({ ...flags, candidate: PCI });
    // explain above recorded one decision too: three in all. Under the PCI pack none of these
    // topics has a rule, so all three become `allow` with no rule: two change their decision,
    // one keeps `allow` under no rule (counted apart, not as a change).
    expect(impact).toMatchObject({ total: 3, changed: 2, ruleOnly: 1, recorded: 3 });
    expect(impact.transitions).toHaveLength(2);
    expect(impact.transitions).toEqual(expect.arrayContaining([
      { from: 'require_approval', to: 'allow', count: 1 },
      { from: 'deny', to: 'allow', count: 1 }]));
    expect(impact.changes.map((c) => c.after)).toEqual([
      { decision: 'allow', ruleId: null }, { decision: 'allow', ruleId: null }]);
  });

  it('lists history and rolls back with the token only', async () => {
    await k.kernel.activate(loadCandidate(PCI), { kind: 'project' });
    const history = await historyBody(flags);
    expect(history).toMatchObject({ active: 2, snapshots: [{ version: 2, rules: 7 },
      { version: 1, rules: 5 }] });
    await expect(rollbackBody({ engine: server.url, token: 'wrong', version: '1' }))
      .rejects.toMatchObject({ code: 'forbidden', message: expect.stringContaining(
        'needs the engine admin token; the token sent is not it') });
    expect(await rollbackBody({ ...flags, version: 'v1' })).toMatchObject({ version: 3,
      hash: history.snapshots[1]!.hash });
    // The same rollback again changes nothing and adds no row.
    expect(await rollbackBody({ ...flags, version: '1' })).toMatchObject({ version: 3 });
    expect((await historyBody(flags)).snapshots.map((r) => r.version)).toEqual([3, 2, 1]);
    const nowhere = { engine: 'http://127.0.0.1:9', token: 'x' };
    await expect(historyBody(nowhere)).rejects.toMatchObject({ code: 'engine_unreachable',
      message: expect.stringContaining('start one with `cordum engine serve`') });
    for (const version of ['latest', '1.5', '1abc', '0']) {
      expect(() => rollbackBody({ ...flags, version })).toThrow(
        expect.objectContaining({ code: 'usage' }));
    }
  });
});
