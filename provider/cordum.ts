/** The Cordum provider: its configuration, resources and data sources, wired. */
import { configureClient, providerSchema, type CordumClient } from './config.js';
import type { ProviderDefinition } from './framework/resource.js';
import type { Logger } from './plugin/log.js';
import { catalogData } from './data_sources/catalog.js';
import { packData } from './data_sources/pack.js';
import { policyDecisionData } from './data_sources/policy_decision.js';
import { deployment } from './resources/deployment.js';
import { policyBundle } from './resources/policy_bundle.js';
import { token } from './resources/token.js';
import { packVersion } from './resources/pack_version.js';
import { publisherKey } from './resources/publisher_key.js';

export function cordumProvider(
  env: NodeJS.ProcessEnv,
  logger: Logger,
  cwd: string,
): ProviderDefinition<CordumClient> {
  return {
    name: 'cordum',
    schema: providerSchema,
    async configure(config, terraformVersion) {
      return configureClient(config, env, logger, terraformVersion, cwd);
    },
    stop: (client) => client.registry.stop(),
    resources: [publisherKey, packVersion, deployment, policyBundle, token],
    dataSources: [packData, catalogData, policyDecisionData],
  };
}
