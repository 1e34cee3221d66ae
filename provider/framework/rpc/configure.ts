/** ConfigureProvider: builds the client every later call uses. */
import { decodeState, type ServerContext } from '../context.js';
import { impliedType } from '../schema.js';

export async function configureProvider<C>(
  ctx: ServerContext<C>,
  req: { terraform_version?: string; config?: { msgpack?: Uint8Array } },
) {
  const config = decodeState(impliedType(ctx.definition.schema.block), req.config) ?? {};
  ctx.setClient(await ctx.definition.configure(config, req.terraform_version ?? ''));
  ctx.logger.log('debug', 'provider configured', { terraform_version: req.terraform_version });
  return { diagnostics: [] };
}
