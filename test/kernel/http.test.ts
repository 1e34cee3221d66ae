/**
 * The kernel over real HTTP on loopback: decide, decide-batch, explain,
 * history and rollback (admin only), simulate against recorded decisions,
 * `/metrics`, and the CPU profile endpoint that is off unless enabled.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgliteBackend } from '../helpers/databases.js';
import { buildSnapshot } from '../../packs/policy/snapshot.js';
import type { Rule } from '../../packs/policy/types.js';
import { startRouteServer, type RunningRouteServer } from '../../engine/kernel/http_server.js';
import { policyRoutes } from '../../engine/http/policy.js';
import { metricsRoutes } from '../../engine/http/metrics.js';
import { createEngineMetrics } from '../../engine/observability/metrics.js';
import { profileRoutes } from '../../engine/observability/profile.js';
import { DecisionRecorder } from '../../engine/kernel/recorder.js';
import { openTestKernel, type TestKernel } from './helpers.js';

const ADMIN = 'engine-admin-secret';
const RULES: Rule[] = [
  { id: 'deny-prod-delete', match: { topics: ['job.ops.delete'], labels: { env: 'prod' } },
    decision: 'deny', reason: 'no deletes in prod' },
  { id: 'approve-ops', match: { topics: ['job.ops.*'] }, decision: 'require_approval' },
];

let k: TestKernel;
let server: RunningRouteServer;

async function post(path: string, body: unknown, token?: string) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(`${server.url}${path}`, { method: 'POST', headers,
    body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  k = await openTestKernel(pgliteBackend,
    buildSnapshot([{ packId: 'ops', fragment: { rules: RULES } }]));
  const metrics = createEngineMetrics(k.kernel, k.db);
  server = await startRouteServer([...policyRoutes(k.kernel, { adminToken: ADMIN }),
    ...metricsRoutes(metrics.registry), ...profileRoutes({ enabled: true, adminToken: ADMIN })]);
});

afterAll(async () => {
  await server?.close();
  await k?.close();
});

describe('policy over HTTP', () => {
  it('decides one request and says which snapshot decided', async () => {
    const r = await post('/v1/policy/decide', { topic: 'job.ops.delete', labels: { env: 'prod' } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ decision: 'deny', rule_id: 'deny-prod-delete',
      reason: 'no deletes in prod', snapshot_hash: k.kernel.current().snapshot.hash,
      snapshot_version: 1 });
  });

  it('explains a decision: the match and why each earlier rule did not', async () => {
    const r = await post('/v1/policy/decide?explain=1', { topic: 'job.ops.delete' });
    expect(r.body.explanation).toMatchObject({ decision: 'require_approval',
      ruleId: 'approve-ops', skipped: [{ ruleId: 'deny-prod-delete', field: 'labels',
        wanted: { env: 'prod' }, got: null }] });
  });

  it('decides a batch against one snapshot and refuses bad requests with a code', async () => {
    const r = await post('/v1/policy/decide-batch', { requests: [{ topic: 'job.ops.x' },
      { topic: 'job.web.get' }] });
    expect(r.body).toMatchObject({ snapshot_version: 1, decisions: [
      { decision: 'require_approval', rule_id: 'approve-ops' },
      { decision: 'allow', rule_id: null }] });
    const bad = await post('/v1/policy/decide-batch', { requests: [{ topic: 7 }] });
    expect(bad).toMatchObject({ status: 400, body: { code: 'request_invalid',
      detail: 'requests[0].topic: expected a string' } });
    const typo = await post('/v1/policy/decide-batch', { requets: [] });
    expect(typo.body.detail).toBe('body.requets: unknown field; did you mean requests?');
    const extra = await post('/v1/policy/decide-batch', { requests: [], explain: true });
    expect(extra).toMatchObject({ status: 400, body: { code: 'request_invalid',
      detail: 'body.explain: unknown field; expected one of requests' } });
    // The admin and simulate bodies hold only their own fields too.
    for (const [path, body] of [['/v1/policy/rollback', { version: 1, force: true }],
      ['/v1/policy/simulate', { candidate: { rules: [] }, limit: 'abc' }]] as const) {
      const r = await post(path, body, ADMIN);
      expect([r.status, r.body.code], path).toEqual([400, 'request_invalid']);
      expect(r.body.detail, path).toMatch(/^body\.(force|limit): unknown field/);
    }
    const prefix = await post('/v1/policy/decide', { tenant: 'acme' });
    expect(prefix).toMatchObject({ status: 400, body: { code: 'request_invalid',
      detail: 'request.tenant: unknown field; did you mean tenantId?' } });
    // Bounded: every request is kept for simulation, and its topic cached.
    const long = 'x'.repeat(1025);
    for (const [request, where] of [[{ topic: long }, 'request.topic'],
      [{ riskTags: Array(65).fill('t') }, 'request.riskTags'],
      [{ labels: { [long]: 'v' } }, 'request.labels']] as const) {
      const r = await post('/v1/policy/decide', request);
      expect(r).toMatchObject({ status: 400, body: { code: 'request_invalid',
        detail: expect.stringMatching(new RegExp(`^${where.replace('.', '\\.')}: expected`)) } });
    }
  });

  it('simulates a candidate against the decisions recorded so far', async () => {
    const candidate = { rules: [{ id: 'allow-ops', match: { topics: ['job.ops.*'] },
      decision: 'allow' }] };
    const r = await post('/v1/policy/simulate', { candidate });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ total: 4, changed: 3, transitions: [
      { from: 'require_approval', to: 'allow', count: 2 }, { from: 'deny', to: 'allow', count: 1 },
    ] });
  });

  it('rolls back only for the admin', async () => {
    await k.kernel.activate(buildSnapshot([]), { kind: 'project' });
    const none = await post('/v1/policy/rollback', { version: 1 });
    expect(none).toMatchObject({ status: 403, body: { code: 'forbidden',
      detail: expect.stringContaining('send it with --token or CORDUM_ENGINE_ADMIN_TOKEN') } });
    const ok = await post('/v1/policy/rollback', { version: 1 }, ADMIN);
    expect(ok.body).toMatchObject({ version: 3, source: { kind: 'rollback', restored: 1 } });
    const missing = await post('/v1/policy/rollback', { version: 42 }, ADMIN);
    expect(missing).toMatchObject({ status: 404, body: { code: 'version_not_found' } });
    const history = await (await fetch(`${server.url}/v1/policy/history`)).json();
    expect(history).toMatchObject({ active: 3, snapshots: [{ version: 3 }, { version: 2 },
      { version: 1 }] });
  });

  it('serves Prometheus metrics for decisions, latency, reloads and the snapshot', async () => {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    expect(text).toContain(
      'cordum_policy_decisions_total{decision="deny",rule="deny-prod-delete"} 1');
    expect(text).toContain('cordum_policy_decisions_total{decision="allow",rule=""} 1');
    expect(text).toMatch(/cordum_policy_decision_seconds_count 4/);
    expect(text).toContain('cordum_policy_reloads_total 2');
    expect(text).toContain('# TYPE cordum_policy_reloads_total counter');
    const hash = k.kernel.current().snapshot.hash;
    expect(text).toContain(`cordum_policy_snapshot_info{hash="${hash}",version="3"} 1`);
  });

  it('echoes the caller\'s x-request-id, or a new one, on answers and problems alike', async () => {
    const ask = (path: string, init: RequestInit = {}) => fetch(`${server.url}${path}`, init);
    const given = await ask('/v1/policy/decide', { method: 'POST',
      headers: { 'x-request-id': 'req-42' }, body: JSON.stringify({ topic: 'job.ops.x' }) });
    expect([given.status, given.headers.get('x-request-id')]).toEqual([200, 'req-42']);
    const problem = await ask('/v1/policy/decide', { method: 'POST',
      headers: { 'x-request-id': 'req-43' }, body: '{' });
    expect([problem.status, problem.headers.get('x-request-id'),
      problem.headers.get('content-type')]).toEqual([400, 'req-43', 'application/problem+json']);
    const metrics = await ask('/metrics', { headers: { 'x-request-id': 'req-44' } });
    expect(metrics.headers.get('x-request-id')).toBe('req-44');
    const fresh = await ask('/v1/policy/status');
    expect(fresh.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const missing = await ask('/v1/nothing');
    expect([missing.status, missing.headers.get('x-request-id')]).toEqual(
      [404, expect.stringMatching(/^[0-9a-f-]{36}$/)]);
  });

  it('profiles the CPU for the admin only, and not at all unless enabled', async () => {
    expect((await post('/v1/admin/profile?seconds=0.2', {})).status).toBe(403);
    const r = await post('/v1/admin/profile?seconds=0.2', {}, ADMIN);
    expect(r.status).toBe(200);
    expect(Array.isArray(r.body.nodes)).toBe(true);
    expect(profileRoutes({ adminToken: ADMIN })).toEqual([]);
  });
});

describe('text the database cannot store', () => {
  const raw = async (path: string, text: string) => {
    const res = await fetch(`${server.url}${path}`, { method: 'POST',
      headers: { 'content-type': 'application/json' }, body: text });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('refuses a NUL or a lone surrogate in a decide body, naming where', async () => {
    const nul = await raw('/v1/policy/decide', '{"topic":"job.ops.x\\u0000"}');
    expect(nul.status).toBe(400);
    expect(nul.body.code).toBe('request_invalid');
    expect(nul.body.detail).toContain('the body at /topic holds a NUL character');
    const batch = await raw('/v1/policy/decide-batch',
      '{"requests":[{"topic":"job.a"},{"topic":"job.b","labels":{"k":"\\ud83d"}}]}');
    expect(batch.status).toBe(400);
    expect(batch.body.detail).toContain('/requests/1/labels/k');
    // An ordinary escape is fine.
    expect((await raw('/v1/policy/decide', '{"topic":"job.ops.\\u0078"}')).status).toBe(200);
  });

  it('drops and counts a recorded batch the database refuses, and goes on', async () => {
    const recorder = new DecisionRecorder(k.db, { batchSize: 2 });
    const decided = { decision: 'allow' as const, snapshotHash: 'sha256:x' };
    const before = (await recorder.list({ limit: 100_000 })).length;
    // Two to a batch: the bad one fails its batch in the background, unhandled before.
    recorder.record({ topic: 'job.bad\u0000' }, decided, 1);
    recorder.record({ topic: 'job.fine' }, decided, 1);
    recorder.record({ topic: 'job.later' }, decided, 1);
    await recorder.flush();
    expect(recorder.dropped).toBe(2);
    expect(recorder.lastError?.message).toMatch(/Unicode|\\u0000/);
    const topics = (await recorder.list({ limit: 100_000 })).slice(before)
      .map((d) => d.request.topic);
    expect(topics).toEqual(['job.later']);
  });
});

describe('simulate and rollback with bad or telling input', () => {
  it('counts a candidate that only moves decisions to other rules apart from changes', async () => {
    const active = k.kernel.current().snapshot.hash;
    await post('/v1/policy/decide', { topic: 'job.ops.ping' });
    // Same decisions as the running policy, by another rule.
    const candidate = { rules: [
      { id: 'no-prod-deletes', match: { topics: ['job.ops.delete'], labels: { env: 'prod' } },
        decision: 'deny' },
      { id: 'gate-ops', match: { topics: ['job.ops.*'] }, decision: 'require_approval' }] };
    const r = await post('/v1/policy/simulate', { candidate });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ changed: 0, transitions: [], changes: [] });
    expect(r.body.ruleOnly).toBeGreaterThan(0);
    expect(r.body.recorded).toBe(r.body.total);
    // The newest first when there are more than the limit.
    const newest = await post('/v1/policy/simulate?limit=1', { candidate: { rules: [
      { id: 'allow-all', match: {}, decision: 'allow' }] } });
    expect(newest.body).toMatchObject({ total: 1, recorded: r.body.total,
      changes: [{ request: { topic: 'job.ops.ping' } }] });
    expect(k.kernel.current().snapshot.hash).toBe(active);
  });

  it('refuses a bad limit, version or candidate with 400 and a code', async () => {
    const allow = { rules: [{ id: 'a', match: {}, decision: 'allow' }] };
    for (const limit of ['abc', '-1', '0']) {
      const r = await post(`/v1/policy/simulate?limit=${limit}`, { candidate: allow });
      expect(r).toMatchObject({ status: 400, body: { code: 'request_invalid' } });
    }
    for (const version of [1.5, 99_999_999_999, 0]) {
      const r = await post('/v1/policy/rollback', { version }, ADMIN);
      expect(r).toMatchObject({ status: 400, body: { code: 'request_invalid' } });
    }
    const glob = await post('/v1/policy/simulate', { candidate: { rules: [
      { id: 'g', match: { topics: ['job.[x'] }, decision: 'deny' }] } });
    expect(glob).toMatchObject({ status: 400, body: { code: 'candidate_invalid' } });
    expect(glob.body.detail).toContain('/rules/0/match/topics/0 bad topic glob');
    for (const name of ['missing', 'constructor', 'toString']) {
      const r = await post('/v1/policy/simulate', { candidate: { constraint_templates: {},
        rules: [{ id: 't', match: {}, decision: 'allow', templates: [name] }] } });
      expect(r).toMatchObject({ status: 400, body: { code: 'candidate_invalid' } });
      expect(r.body.detail).toContain(`constraint template "${name}"`);
    }
  });
});

describe('a body past the limit', () => {
  it('gets a 413 the client reads, not a reset connection', async () => {
    const big = JSON.stringify({ topic: 'job.ops.x', labels: { pad: 'x'.repeat(1_200_000) } });
    const res = await fetch(`${server.url}/v1/policy/decide`, { method: 'POST', body: big,
      headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { code: string }).code).toBe('payload_too_large');
  });
});

describe('decide-batch with ?explain=1', () => {
  it('explains each decision, as a single decide does', async () => {
    const own = await openTestKernel(pgliteBackend,
      buildSnapshot([{ packId: 'ops', fragment: { rules: RULES } }]));
    const at = await startRouteServer(policyRoutes(own.kernel));
    try {
      const res = await fetch(`${at.url}/v1/policy/decide-batch?explain=1`, { method: 'POST',
        body: JSON.stringify({ requests: [{ topic: 'job.ops.delete' }] }) });
      expect(await res.json()).toMatchObject({ decisions: [{ decision: 'require_approval',
        explanation: { decision: 'require_approval', ruleId: 'approve-ops', skipped: [
          { ruleId: 'deny-prod-delete', field: 'labels' }] } }] });
    } finally {
      await at.close();
      await own.close();
    }
  });
});

describe('?explain, read as ?wait is', () => {
  it('explains for true, not for false, and refuses yes', async () => {
    const own = await openTestKernel(pgliteBackend,
      buildSnapshot([{ packId: 'ops', fragment: { rules: RULES } }]));
    const at = await startRouteServer(policyRoutes(own.kernel));
    const call = async (path: string, body: unknown) => {
      const res = await fetch(`${at.url}${path}`, { method: 'POST', body: JSON.stringify(body) });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    try {
      const asTrue = await call('/v1/policy/decide?explain=true', { topic: 'job.ops.delete' });
      expect(asTrue.body.explanation).toMatchObject({ ruleId: 'approve-ops' });
      const asFalse = await call('/v1/policy/decide?explain=false', { topic: 'job.ops.delete' });
      expect(asFalse.status).toBe(200);
      expect(asFalse.body).not.toHaveProperty('explanation');
      for (const [path, body] of [['/v1/policy/decide?explain=yes', { topic: 'job.x' }],
        ['/v1/policy/decide-batch?explain=yes', { requests: [] }]] as const) {
        expect(await call(path, body)).toMatchObject({ status: 400, body: {
          code: 'request_invalid',
          detail: '?explain must be 1 or 0 (true or false), not "yes"' } });
      }
    } finally {
      await at.close();
      await own.close();
    }
  });
});

describe('simulate, candidate bodies that are no policy', () => {
  it('refuses a misspelt or stray field, and fragments that disagree on the tenant', async () => {
    const own = await openTestKernel(pgliteBackend);
    const at = await startRouteServer(policyRoutes(own.kernel));
    const call = async (candidate: unknown) => {
      const res = await fetch(`${at.url}/v1/policy/simulate`, { method: 'POST',
        body: JSON.stringify({ candidate }) });
      return [res.status, ((await res.json()) as { detail?: string }).detail];
    };
    try {
      expect(await call({ fragment: [{ rules: [] }] })).toEqual([400,
        'candidate.fragment: unknown field; did you mean fragments?']);
      expect(await call({ fragments: [{ rules: [] }], default_tenant: 'x' })).toEqual([400,
        'candidate.default_tenant: a candidate of { fragments: [...] } holds nothing else ' +
        '(each fragment holds its own fields)']);
      expect(await call({ fragments: [{ rules: [], default_tenant: 'a' },
        { rules: [], default_tenant: 'b' }] })).toEqual([400, 'candidate.fragments name more ' +
        'than one default_tenant (a, b): a policy has one']);
      expect(await call({ fragments: [{ rules: [], tenant: 'a' }] })).toEqual([400,
        'candidate.fragments[0].tenant: unknown field; did you mean tenants?']);
      expect((await call({ fragments: [{ rules: [] }, { version: 'v1', rules: [] }] }))[0])
        .toBe(200);
    } finally {
      await at.close();
      await own.close();
    }
  });
});

describe('simulate, a candidate that only changes constraints', () => {
  it('counts and lists the decisions that keep their outcome with other constraints', async () => {
    const tight: Rule = { id: 'deploy', match: { topics: ['job.ops.deploy'] },
      decision: 'allow_with_constraints', constraints: { budgets: { max_runtime_ms: 1000 } } };
    const own = await openTestKernel(pgliteBackend,
      buildSnapshot([{ packId: 'ops', fragment: { rules: [tight] } }]));
    const at = await startRouteServer(policyRoutes(own.kernel));
    const call = async (path: string, body: unknown) => (await fetch(`${at.url}${path}`, {
      method: 'POST', body: JSON.stringify(body) })).json() as Promise<Record<string, unknown>>;
    try {
      await call('/v1/policy/decide', { topic: 'job.ops.deploy' });
      await own.kernel.recorder!.flush();
      const loose = { ...tight, constraints: { budgets: { max_runtime_ms: 999_999_999 } } };
      const impact = await call('/v1/policy/simulate', { candidate: { rules: [loose] } });
      expect(impact).toMatchObject({ total: 1, changed: 0, ruleOnly: 0, constraintsOnly: 1,
        changes: [{ before: { decision: 'allow_with_constraints', ruleId: 'deploy',
          constraints: { budgets: { max_runtime_ms: 1000 } } },
        after: { constraints: { budgets: { max_runtime_ms: 999_999_999 } } } }] });
      const same = await call('/v1/policy/simulate', { candidate: { rules: [tight] } });
      expect(same).toMatchObject({ constraintsOnly: 0, changes: [] });
    } finally {
      await at.close();
      await own.close();
    }
  });

  it('counts each kept decision once: other constraints by another rule are not ruleOnly too',
    async () => {
      const tight: Rule = { id: 'deploy', match: { topics: ['job.ops.deploy'] },
        decision: 'allow_with_constraints', constraints: { budgets: { max_runtime_ms: 1000 } } };
      const read: Rule = { id: 'read', match: { topics: ['job.ops.read'] }, decision: 'allow' };
      const own = await openTestKernel(pgliteBackend,
        buildSnapshot([{ packId: 'ops', fragment: { rules: [tight, read] } }]));
      const at = await startRouteServer(policyRoutes(own.kernel));
      const call = async (path: string, body: unknown) => (await fetch(`${at.url}${path}`, {
        method: 'POST', body: JSON.stringify(body) })).json() as Promise<Record<string, unknown>>;
      try {
        await call('/v1/policy/decide', { topic: 'job.ops.deploy' });
        await call('/v1/policy/decide', { topic: 'job.ops.read' });
        await own.kernel.recorder!.flush();
        // Both kept decisions come from renamed rules; the deploy's budget is loosened too.
        const candidate = { rules: [
          { ...tight, id: 'deploy-v2', constraints: { budgets: { max_runtime_ms: 5000 } } },
          { ...read, id: 'read-v2' }] };
        const impact = await call('/v1/policy/simulate', { candidate });
        expect(impact).toMatchObject({ total: 2, changed: 0, ruleOnly: 1, constraintsOnly: 1 });
        expect(impact.changes).toMatchObject([{ before: { ruleId: 'deploy' },
          after: { ruleId: 'deploy-v2', constraints: { budgets: { max_runtime_ms: 5000 } } } }]);
      } finally {
        await at.close();
        await own.close();
      }
    });
});
