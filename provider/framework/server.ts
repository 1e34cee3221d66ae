/**
 * The tfplugin6.Provider service: one handler per RPC, each in its own file
 * under rpc/. A throw anywhere becomes diagnostics on the response, so
 * Terraform shows a clear error instead of a broken connection.
 */
import type { Logger } from '../plugin/log.js';
import { createContext, type ServerContext } from './context.js';
import { toProtoDiagnostic, type Diagnostic } from './diagnostics.js';
import type { ProviderDefinition } from './resource.js';
import { applyResourceChange } from './rpc/apply.js';
import { configureProvider } from './rpc/configure.js';
import { readDataSource } from './rpc/data.js';
import { importResourceState } from './rpc/import.js';
import { planResourceChange } from './rpc/plan.js';
import { readResource } from './rpc/read.js';
import { getMetadata, getProviderSchema } from './rpc/schema.js';
import { upgradeResourceState } from './rpc/upgrade.js';
import { validate } from './rpc/validate.js';
import type { RpcName } from './rpc_names.js';

/** An RPC as a function of its request. */
export type Handler = (request: never) => Promise<object>;

// Keyed by RpcName, so a new RPC cannot be answered here but unknown to main.ts.
type Handlers<C> = Record<RpcName, (ctx: ServerContext<C>, request: never) => object>;

function table<C>(): Handlers<C> {
  return {
    GetMetadata: (ctx) => getMetadata(ctx),
    GetProviderSchema: (ctx) => getProviderSchema(ctx),
    ValidateProviderConfig: (ctx, req) => validate(ctx, 'provider', req),
    ValidateResourceConfig: (ctx, req) => validate(ctx, 'resource', req),
    ValidateDataResourceConfig: (ctx, req) => validate(ctx, 'data', req),
    UpgradeResourceState: (ctx, req) => upgradeResourceState(ctx, req),
    ConfigureProvider: (ctx, req) => configureProvider(ctx, req),
    ReadResource: (ctx, req) => readResource(ctx, req),
    PlanResourceChange: (ctx, req) => planResourceChange(ctx, req),
    ApplyResourceChange: (ctx, req) => applyResourceChange(ctx, req),
    ImportResourceState: (ctx, req) => importResourceState(ctx, req),
    ReadDataSource: (ctx, req) => readDataSource(ctx, req),
    StopProvider: (ctx) => {
      ctx.stop();
      return {};
    },
  };
}

/** Builds the handlers for one provider process. */
export function createProviderHandlers<C>(
  definition: ProviderDefinition<C>,
  logger: Logger,
  describeError: (err: unknown) => Diagnostic[] | undefined = () => undefined,
): Record<string, Handler> {
  const ctx = createContext(definition, logger, describeError);
  const out: Record<string, Handler> = {};
  for (const [name, fn] of Object.entries(table<C>())) {
    out[name] = async (request: never) => {
      const started = Date.now();
      const typeName = (request as { type_name?: string }).type_name;
      try {
        const response = await fn(ctx, request);
        logger.log('trace', 'rpc', {
          rpc: name,
          type: typeName,
          duration_ms: Date.now() - started,
        });
        return response;
      } catch (err) {
        const diagnostics = ctx.describe(err);
        logger.log('warn', 'rpc failed', {
          rpc: name,
          type: typeName,
          summary: diagnostics.map((d) => d.summary).join('; '),
          error: err instanceof Error ? err.message : String(err),
        });
        return { diagnostics: diagnostics.map(toProtoDiagnostic) };
      }
    };
  }
  return out;
}
