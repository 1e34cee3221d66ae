/**
 * Policy bundles and deployment decisions: a refused bundle changes
 * nothing (not the bundle, not the deployment's hash), a bundle is checked
 * as a pack's fragment is, and a decision request is checked and decided
 * as the engine's decide does it.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backends } from '../helpers/databases.js';
import { raw, readProblem, startTestRegistry, type TestRegistry } from './helpers.js';

const put = (reg: TestRegistry, path: string, body: unknown) =>
  raw(reg, path, { method: 'PUT', body: JSON.stringify(body),
    headers: { 'content-type': 'application/json' } });
const post = (reg: TestRegistry, path: string, body: unknown) =>
  raw(reg, path, { method: 'POST', body: JSON.stringify(body),
    headers: { 'content-type': 'application/json' } });

const BUNDLES = '/v1/deployments/prod/policy-bundles';

describe.each(backends())('policy bundles on $name', (backend) => {
  let reg: TestRegistry;
  beforeEach(async () => {
    reg = await startTestRegistry(backend);
    const made = await put(reg, '/v1/deployments/prod', { tenant: 'acme', packs: [] });
    expect(made.status).toBe(200);
    const ops = await put(reg, `${BUNDLES}/ops`, { fragment: { version: 'v1', rules: [
      { id: 'stop', match: { topics: ['job.stop'] }, decision: 'deny' }] } });
    expect(ops.status).toBe(200);
  });
  afterEach(() => reg.close());

  it('keeps one of two bundles written at once with one rule id, and refuses the other',
    async () => {
    const fragment = { rules: [{ id: 'same', match: { topics: ['job.x'] }, decision: 'deny' }] };
    const both = await Promise.all(['left', 'right'].map((n) =>
      put(reg, `${BUNDLES}/${n}`, { fragment })));
    expect(both.map((r) => r.status).sort()).toEqual([200, 422]);
    // The deployment still composes: its hash and decisions answer.
    const decided = await post(reg, '/v1/deployments/prod/decisions', { topic: 'job.x' });
    expect(decided.status).toBe(200);
  });

  /** The deployment's hash and bundles, to prove a refusal changed nothing. */
  async function state() {
    const d = (await (await raw(reg, '/v1/deployments/prod')).json()) as { snapshot_hash: string };
    const list = (await (await raw(reg, BUNDLES)).json()) as { bundles: { name: string }[] };
    return { hash: d.snapshot_hash, bundles: list.bundles.map((b) => b.name) };
  }

  it.each([
    ['an unknown constraint template',
      { rules: [{ id: 't', match: { topics: ['job.t'] }, decision: 'allow_with_constraints',
        templates: ['nope'] }] },
      /constraint template "nope"/],
    ['a topic glob that does not parse (a deny that would never match)',
      { rules: [{ id: 'g', match: { topics: ['job.[x'] }, decision: 'deny' }] },
      /bad topic glob/],
    ['a bad glob in the legacy tenants form',
      { tenants: { acme: { deny_topics: ['job.secret.[x'] } } },
      /bad topic glob/],
    ['a rule id another bundle of the deployment already has',
      { rules: [{ id: 'stop', match: { topics: ['job.a'] }, decision: 'allow' }] },
      /policy bundle bad: rule id "stop" is in policy bundle ops already; give each rule an id/],
    ['a rule id with a line break in it',
      { rules: [{ id: 'a\nfake 1', match: { topics: ['job.a'] }, decision: 'allow' }] },
      /holds a control character/],
  ])('refuses %s with 422 and keeps nothing of it', async (_what, fragment, message) => {
    const before = await state();
    const res = await put(reg, `${BUNDLES}/bad`, { fragment: { version: 'v1', ...fragment } });
    expect(res.status).toBe(422);
    const problem = await readProblem(res);
    expect(problem.code).toBe('validation_failed');
    expect(`${problem.detail} ${JSON.stringify(problem.issues ?? [])}`).toMatch(message);
    expect((await raw(reg, `${BUNDLES}/bad`)).status).toBe(404);
    expect(await state()).toEqual(before);
  });

  it('keeps the deployment hash in step with every bundle change it accepts', async () => {
    const before = await state();
    const res = await put(reg, `${BUNDLES}/more`, { fragment: { version: 'v1', rules: [
      { id: 'go', match: { topics: ['job.go'] }, decision: 'allow' }] } });
    expect(res.status).toBe(200);
    const after = await state();
    expect(after.bundles).toEqual(['more', 'ops']);
    expect(after.hash).not.toBe(before.hash);
    expect((await raw(reg, `${BUNDLES}/more`, { method: 'DELETE' })).status).toBe(204);
    expect(await state()).toEqual(before);
  });

  it.each([
    [{ topic: 5 }, /request.topic: expected a string/],
    [{ tenantId: 5 }, /request.tenantId: expected a string/],
    [{ topic: 'job.stop', riskTags: 'prod' }, /request.riskTags: expected a list of strings/],
    [{ topic: 'job.stop', requires: 'net fs' }, /request.requires: expected a list of strings/],
  ])('refuses the decision request %j as request_invalid', async (body, message) => {
    const res = await post(reg, '/v1/deployments/prod/decisions', body);
    expect(res.status).toBe(400);
    const problem = await readProblem(res);
    expect(problem.code).toBe('request_invalid');
    expect(problem.detail).toMatch(message);
  });

  it('decides a request without a tenant for the snapshot default tenant, as the engine does',
    async () => {
      await put(reg, `${BUNDLES}/tenanted`, { fragment: { version: 'v1', rules: [
        { id: 'acme-only', match: { tenants: ['acme'], topics: ['job.t'] }, decision: 'deny' },
      ] } });
      const decide = async (body: object) =>
        (await (await post(reg, '/v1/deployments/prod/decisions', body)).json()) as
          { decision: string; rule_id: string | null };
      // The deployment's tenant (acme) is a label: the engine decides a request without a
      // tenant for the snapshot's default tenant, so the registry does too.
      expect(await decide({ topic: 'job.t' })).toMatchObject({ decision: 'allow', rule_id: null });
      expect(await decide({ topic: 'job.t', tenantId: 'acme' }))
        .toMatchObject({ decision: 'deny', rule_id: 'acme-only' });
      expect(await decide({ topic: 'job.stop' })).toMatchObject({ decision: 'deny',
        rule_id: 'stop' });
    });
});
