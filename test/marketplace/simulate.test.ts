import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/databases.js';
import { normalizeDecision } from '../../packs/policy/decisions.js';
import { registeredKey, startTestRegistry, raw, type TestRegistry } from '../registry/helpers.js';
import { api, loadFixture, page, publishFixture, textOf } from './helpers.js';

const PACKS = ['hello-pack', 'github', 'slack', 'demo-guardrails'];
const SIMULATE = '/v1/packs/demo-guardrails/versions/0.1.0/simulate';

describe.each(backends())('policy simulation ($name)', (backend) => {
  let reg: TestRegistry;

  beforeAll(async () => {
    reg = await startTestRegistry(backend);
    const key = await registeredKey(reg);
    for (const name of PACKS) await publishFixture(reg, key, name);
  });
  afterAll(async () => {
    await reg?.close();
  });

  it("agrees with every pack's own policySimulations", async () => {
    let checked = 0;
    for (const name of PACKS) {
      const pack = loadFixture(name);
      for (const sim of pack.manifest.tests?.policySimulations ?? []) {
        const path = `/v1/packs/${name}/versions/${pack.manifest.metadata.version}/simulate`;
        const res = await api(reg, 'POST', path, sim.request);
        expect(res.status).toBe(200);
        expect([sim.name, res.json.decision]).toEqual([sim.name,
          normalizeDecision(sim.expectDecision)]);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(4);
  });

  it('names the deciding rule, its remediations and the rules passed before it', async () => {
    const res = await api(reg, 'POST', SIMULATE, { topic: 'job.demo-guardrails.dangerous',
      riskTags: ['write'] });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      pack: { id: 'demo-guardrails', version: '0.1.0' },
      decision: 'deny',
      rule_id: 'demo-guardrails-deny',
      reason: 'Dangerous operation blocked.',
      remediations: [{ id: 'use-safe', replacement_topic: 'job.demo-guardrails.safe' }],
      trace: [{ rule_id: 'demo-guardrails-approval', matched: false, mismatch: 'topics' },
        { rule_id: 'demo-guardrails-deny', matched: true }],
    });
    expect(res.json.snapshot_hash).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('takes a request as a job of the pack itself unless it names another', async () => {
    const path = '/v1/packs/hello-pack/versions/0.1.0/simulate';
    const own = await api(reg, 'POST', path, { topic: 'job.hello-pack.echo' });
    expect(own.json).toMatchObject({ decision: 'allow', rule_id: 'hello-pack-allow' });
    const other = await api(reg, 'POST', path, { topic: 'job.hello-pack.echo', packId: 'x' });
    expect(other.json.rule_id).toBeUndefined();
    // The page's form has no pack field: it decides as the API does for the pack's own job.
    const html = await page(reg, '/marketplace/packs/hello-pack/versions/0.1.0?simulate=1' +
      '&partial=simulation&topic=job.hello-pack.echo');
    expect(html.status).toBe(200);
    expect(html.text).toContain('hello-pack-allow');
    expect(html.text).not.toContain('nothing matched');
  });

  it('allows by default when no rule matches', async () => {
    const res = await api(reg, 'POST', SIMULATE, { topic: 'job.other.thing' });
    expect(res.json.decision).toBe('allow');
    expect(res.json.rule_id).toBeUndefined();
    expect((res.json.trace as unknown[]).length).toBe(3);
  });

  it.each([
    [{ topic: 'x', color: 'red' }, 400, 'request_invalid',
      'request.color: unknown field; expected one of tenantId, topic,'],
    [{ risk_tags: ['write'] }, 400, 'request_invalid',
      'request.risk_tags: unknown field; did you mean riskTags?'],
    [{ riskTags: 'write' }, 400, 'request_invalid', 'request.riskTags: expected a list of'],
    [{ labels: { a: 1 } }, 400, 'request_invalid', 'request.labels: expected an object of'],
    [{ mcp: { tool: 'rm', verb: 'x' } }, 400, 'request_invalid',
      'request.mcp.verb: unknown field; expected one of server, tool, resource, action'],
    [{ secretsPresent: 'yes' }, 400, 'request_invalid',
      'request.secretsPresent: expected a boolean'],
  ])('refuses the request %j', async (body, status, code, detail) => {
    const res = await api(reg, 'POST', SIMULATE, body);
    expect(res.status).toBe(status);
    expect(res.json.code).toBe(code);
    expect(String(res.json.detail)).toContain(detail);
  });

  it('answers unknown packs, versions, other bodies, missing tokens with problems', async () => {
    expect((await api(reg, 'POST', '/v1/packs/nope/versions/1.0.0/simulate', {})).json.code)
      .toBe('pack_not_found');
    expect((await api(reg, 'POST', '/v1/packs/slack/versions/9.0.0/simulate', {})).json.code)
      .toBe('version_not_found');
    const text = await raw(reg, SIMULATE, { method: 'POST', body: 'topic=x',
      headers: { 'content-type': 'text/plain' } });
    expect(text.status).toBe(415);
    expect((await api(reg, 'POST', SIMULATE, {}, '')).status).toBe(401);
  });

  it('runs from the page form, as a fragment for the script and as a whole page without it',
    async () => {
      const query = 'simulate=1&topic=job.demo-guardrails.write&risk=write&risk=prod';
      const fragment = await page(reg, `/marketplace/packs/demo-guardrails?${query}` +
        '&partial=simulation');
      expect(fragment.status).toBe(200);
      expect(fragment.text).toContain('data-summary="Decision: Needs approval, by rule ' +
        'demo-guardrails-approval"');
      expect(fragment.text).not.toContain('<html');
      const whole = await page(reg, `/marketplace/packs/demo-guardrails?${query}`);
      expect(textOf(whole.text, 'simulation-result')).toContain('Decision: Needs approval by ' +
        'rule demo-guardrails-approval Reason: Write operations require approval.');
      expect(whole.text).toContain('name="risk" value="prod" checked>');
      expect(whole.text).toContain('name="topic" value="job.demo-guardrails.write"');
    });
});
