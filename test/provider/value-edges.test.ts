/**
 * Values a Terraform user can write that the provider must refuse at
 * validate with the attribute's path (else the apply fails or never
 * converges), and how its diagnostics and log lines read.
 */
import { describe, expect, it } from 'vitest';
import { atMissingDeployment, ProviderError } from '../../provider/errors.js';
import { validateConfig } from '../../provider/framework/rpc/validate.js';
import type { Diagnostic } from '../../provider/framework/diagnostics.js';
import { hclogTime } from '../../provider/plugin/log.js';
import { deployment } from '../../provider/resources/deployment.js';
import { policyBundle } from '../../provider/resources/policy_bundle.js';
import { token } from '../../provider/resources/token.js';

const brief = (d: Diagnostic[]) => d.map((x) => [x.summary, JSON.stringify(x.path ?? [])]);

describe('values refused at validate', () => {
  it('refuses an empty tenant and an empty publisher, which the registry stores as default', () => {
    const deploymentIssues = validateConfig(deployment.schema,
      { name: 'q', tenant: '', pack: [{ id: 'echo-tools', range: '^0.4.0' }] });
    expect(brief(deploymentIssues)).toEqual([['Empty Tenant', '["tenant"]']]);
    const tokenIssues = validateConfig(token.schema,
      { name: 'p', scopes: ['read'], publisher: '' });
    expect(brief(tokenIssues)).toEqual([['Empty Publisher', '["publisher"]']]);
  });

  it.each([
    ['2030-02-30T00:00:00Z', ['Invalid Timestamp']],
    ['2030-13-01T00:00:00Z', ['Invalid Timestamp']],
    ['2030-01-01T02:00:00+02:00', []],
    ['2030-01-01T00:00:00.123456789Z', []],
  ])('takes expires_at %s only when it is a real instant', (expires, summaries) => {
    const issues = validateConfig(token.schema, { name: 't', scopes: ['read'],
      expires_at: expires });
    expect(issues.map((d) => d.summary)).toEqual(summaries);
  });

  it.each([
    [9007199254740993, 1],
    [1e30, 1],
    [9007199254740991, 0],
    [5, 0],
  ])('takes a budget of %d only when a number holds it exactly', (n, count) => {
    const config = { deployment: 'd', name: 'b', rule: [{ id: 'r', decision: 'allow',
      constraints: { budgets: { max_runtime_ms: n } } }] };
    const issues = validateConfig(policyBundle.schema, config)
      .filter((d) => d.summary === 'Invalid Budget');
    expect(issues).toHaveLength(count);
    if (count) {
      expect(issues[0]!.path).toEqual(['rule', 0, 'constraints', 'budgets', 'max_runtime_ms']);
    }
  });
});

describe('diagnostics and logs', () => {
  it("points the registry's missing deployment at the deployment attribute", () => {
    const missing = new ProviderError('registry_not_found', 'The registry refused PUT ' +
      '/v1/deployments/nope/policy-bundles/b (404 [not_found]): no deployment nope in this ' +
      'registry.', { status: 404, remoteCode: 'not_found' });
    expect((atMissingDeployment(missing) as ProviderError).path).toEqual(['deployment']);
    const other = new ProviderError('registry_not_found', 'no policy bundle b on d',
      { status: 404, remoteCode: 'not_found' });
    expect(atMissingDeployment(other)).toBe(other);
  });

  it('writes @timestamp with the six fraction digits go-plugin parses', () => {
    expect(hclogTime(new Date('2026-12-05T14:21:27.758Z'))).toBe('2026-12-05T14:21:27.758000Z');
  });
});
