/**
 * Everything behind the RPCs: the provider definition, its resources, data
 * sources and registry client. main.ts loads this after the handshake line
 * is out, so start-up reads only the plugin plumbing.
 */
import { cordumProvider } from './cordum.js';
import { describeError } from './describe_error.js';
import { createProviderHandlers, type Handler } from './framework/server.js';
import type { Logger } from './plugin/log.js';

/**
 * A fresh provider. `cwd` is Terraform's working folder, against which
 * relative file paths resolve (a daemon instance is not run in it).
 */
export function providerHandlers(
  env: NodeJS.ProcessEnv,
  logger: Logger,
  cwd: string = process.cwd(),
): Record<string, Handler> {
  return createProviderHandlers(cordumProvider(env, logger, cwd), logger, describeError);
}
