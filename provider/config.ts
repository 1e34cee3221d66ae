/**
 * The provider block: where the registry (and engine) are and how to
 * authenticate. Unset attributes fall back to CORDUM_REGISTRY, CORDUM_TOKEN
 * and CORDUM_ENGINE.
 */
import { resolve } from 'node:path';
import { RegistryApi } from './clients/registry.js';
import { EXTRA_CA_VARIABLE } from './clients/transport.js';
import { ProviderError } from './errors.js';
import { num, str } from './framework/access.js';
import type { Schema } from './framework/schema.js';
import { error } from './framework/diagnostics.js';
import { isUnknown } from './framework/values.js';
import type { State } from './framework/resource.js';
import { httpUrl } from './validators.js';
import { isHttpUrl } from '../packs/http_url.js';
import type { Logger } from './plugin/log.js';

export const PROVIDER_VERSION = '0.1.0';

export const providerSchema: Schema = {
  version: 0,
  block: {
    description: 'Declares Cordum packs, deployments, policy and publishers in a Cordum registry.',
    attributes: {
      registry_url: {
        type: 'string',
        optional: true,
        description: 'Base URL of the Cordum registry. Default: `CORDUM_REGISTRY`.',
        validate: httpUrl,
      },
      token: {
        type: 'string',
        optional: true,
        sensitive: true,
        description: 'Registry token (a bearer token). Default: `CORDUM_TOKEN`.',
      },
      engine_url: {
        type: 'string',
        optional: true,
        description: 'Base URL of the Cordum engine, when one runs. Default: `CORDUM_ENGINE`.',
        validate: httpUrl,
      },
      timeout_seconds: {
        type: 'number',
        optional: true,
        description: 'Deadline of each registry request, in seconds (1 to 86400). Default: 30.',
        validate: (value, path) =>
          typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 86_400
            ? []
            : [error('Invalid Timeout', `timeout_seconds ${String(value)} is not a whole ` +
              'number of seconds from 1 to 86400.', path)],
      },
    },
  },
};

/** What every resource and data source of this provider is handed. */
export interface CordumClient {
  registry: RegistryApi;
  engineUrl: string | null;
  logger: Logger;
  /** Terraform's working folder: relative file paths resolve against it. */
  cwd: string;
}

/** The NODE_EXTRA_CA_CERTS file the launcher set aside (Node trusts it when still set). */
function extraCa(env: NodeJS.ProcessEnv, cwd: string): { extraCaFile?: string } {
  const file = env[EXTRA_CA_VARIABLE];
  return file && !env.NODE_EXTRA_CA_CERTS ? { extraCaFile: resolve(cwd, file) } : {};
}

/**
 * The registry's base URL, from the attribute or the environment: http(s), and nothing
 * after the path, since request paths are appended to it. CORDUM_REGISTRY is not seen by
 * the attribute's validator, and without a scheme ("127.0.0.1:7800") it failed every
 * request as a provider bug.
 */
function checkBaseUrl(url: string, from: string): void {
  const parsed = isHttpUrl(url) ? new URL(url) : undefined;
  if (parsed && parsed.search === '' && parsed.hash === '') return;
  throw new ProviderError('config_invalid',
    `${from} "${url}" is not the base URL of a registry: an http(s) URL with no query or ` +
      'fragment was expected.', {
      hint: `Set ${from} to a URL such as "http://127.0.0.1:7800".`,
      path: ['registry_url'],
    });
}

/**
 * The token, without the spaces and line end around it (`file("token.txt")` keeps the
 * file's newline, which Node refuses in a header: every request then failed as "Registry
 * Unreachable", pointing at the URL). A registry token holds no space, so none is dropped
 * from a real one; one still holding a character a header cannot carry is refused, unnamed.
 */
function bearerToken(config: State, env: NodeJS.ProcessEnv): string | undefined {
  const own = str(config, 'token');
  const from = own === null ? 'CORDUM_TOKEN' : 'token';
  const token = (own ?? env.CORDUM_TOKEN)?.trim();
  // A space or control character (no token has one), or one past Latin-1 (no header has one).
  if (token && /[\u0000-\u0020\u007f]|[^\u0000-\u00ff]/.test(token)) {
    throw new ProviderError('config_invalid',
      `The provider's ${from} holds a space, a control character or a character past ` +
        'Latin-1 inside it, which no registry token has and an HTTP header cannot carry.', {
        hint: `Set ${from} to the token alone, as the registry gave it.`,
        path: ['token'],
      });
  }
  return token || undefined;
}

export function configureClient(
  config: State,
  env: NodeJS.ProcessEnv,
  logger: Logger,
  terraformVersion: string,
  cwd: string = process.cwd(),
): CordumClient {
  // Terraform configures a provider before it applies anything; a setting taken from a
  // resource is not known yet.
  for (const name of ['registry_url', 'token', 'engine_url', 'timeout_seconds']) {
    if (isUnknown(config[name])) {
      throw new ProviderError('config_invalid',
        `The provider's ${name} is known only after apply, but the provider needs it to plan.`, {
          hint: `Set ${name} from a variable, a literal or the environment, not from a resource.`,
          path: [name],
        });
    }
  }
  const registryUrl = str(config, 'registry_url') ?? env.CORDUM_REGISTRY ?? '';
  if (!registryUrl) {
    throw new ProviderError('config_missing', 'No Cordum registry is configured.', {
      hint: 'Set `registry_url` in the provider block or the CORDUM_REGISTRY variable.',
      path: ['registry_url'],
    });
  }
  const from = str(config, 'registry_url') === null ? 'CORDUM_REGISTRY' : 'registry_url';
  checkBaseUrl(registryUrl, from);
  const token = bearerToken(config, env);
  const timeoutMs = (num(config, 'timeout_seconds') ?? 30) * 1000;
  const registry = new RegistryApi({
    baseUrl: registryUrl.replace(/\/+$/, ''),
    timeoutMs,
    userAgent: `terraform/${terraformVersion} terraform-provider-cordum/${PROVIDER_VERSION}`,
    ...(token ? { token } : {}),
    ...extraCa(env, cwd),
  });
  const engineUrl = str(config, 'engine_url') ?? env.CORDUM_ENGINE ?? null;
  return { registry, engineUrl, logger, cwd };
}
