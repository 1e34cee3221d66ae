/**
 * `data "cordum_policy_decision"`: simulates a request against a
 * deployment's merged policy snapshot (the registry evaluates it with the
 * same code the engine uses) and reports the decision.
 */
import { atMissingDeployment } from '../errors.js';
import type { CordumClient } from '../config.js';
import { bool, mustStr, str, stringMap, strings } from '../framework/access.js';
import type { DataSource } from '../framework/resource.js';
import { types } from '../framework/types.js';
import { name } from '../validators.js';

const input = (description: string) => ({ type: 'string' as const, optional: true, description });
const list = (description: string) => ({
  type: types.list('string'),
  optional: true,
  description,
});
const out = (description: string) => ({ type: 'string' as const, computed: true, description });

export const policyDecisionData: DataSource<CordumClient> = {
  name: 'cordum_policy_decision',
  schema: {
    version: 0,
    block: {
      description: "What a deployment's policy decides for a job request.",
      attributes: {
        deployment: {
          type: 'string',
          required: true,
          description: 'Deployment name.',
          validate: name,
        },
        tenant: input("Tenant. Default: the snapshot's default tenant, as the engine decides."),
        topic: input('Job topic, e.g. `job.hello-pack.echo`.'),
        capability: input('Capability the job needs.'),
        risk_tags: list('Risk tags of the job.'),
        requires: list('What the job requires.'),
        pack_id: input('Pack the job belongs to.'),
        actor_id: input('Who asks.'),
        actor_type: input('What kind of actor asks.'),
        labels: { type: types.map('string'), optional: true, description: 'Job labels.' },
        secrets_present: {
          type: 'bool',
          optional: true,
          description: 'Whether secrets are attached.',
        },
        decision: out('allow, deny, require_approval, allow_with_constraints or throttle.'),
        rule_id: out('The rule that decided; empty when none matched (default allow).'),
        reason: out("The rule's reason."),
        constraints_json: out('The constraints of the decision, as JSON (`null` when none).'),
        snapshot_hash: out('The snapshot the decision was made against.'),
      },
    },
  },

  async read(config, client) {
    const request: Record<string, unknown> = {};
    const set = (key: string, value: unknown) => {
      if (value !== null && value !== undefined) request[key] = value;
    };
    set('tenantId', str(config, 'tenant'));
    set('topic', str(config, 'topic'));
    set('capability', str(config, 'capability'));
    set('riskTags', strings(config, 'risk_tags'));
    set('requires', strings(config, 'requires'));
    set('packId', str(config, 'pack_id'));
    set('actorId', str(config, 'actor_id'));
    set('actorType', str(config, 'actor_type'));
    set('labels', stringMap(config, 'labels'));
    set('secretsPresent', bool(config, 'secrets_present'));

    const d = await client.registry.decide(mustStr(config, 'deployment'), request)
      .catch((err: unknown) => {
        throw atMissingDeployment(err);
      });
    return {
      ...config,
      decision: d.decision,
      rule_id: d.rule_id ?? '',
      reason: d.reason ?? '',
      constraints_json: JSON.stringify(d.constraints ?? null),
      snapshot_hash: d.snapshot_hash,
    };
  },
};
