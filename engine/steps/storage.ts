/**
 * A storage step reads or writes the engine's key-value store (see
 * engine/key_values.ts) in its run's tenant, under `input.namespace` or
 * else the owning pack's id. Like `http`, `transform` and `notify`, it
 * asks the policy nothing: it sends no job and reaches nothing outside the
 * engine's own database, and the tenant bounds what it can see.
 *
 * Outputs: put `{ namespace, key, value, found: true, created }`; get
 * `{ namespace, key, found, value }` (value null when not found); delete
 * `{ namespace, key, found }`; list `{ namespace, prefix, keys, entries, truncated }`.
 */
import { renderTemplate } from '../expressions.js';
import { storageRequestOf, type StorageRequest } from '../storage_request.js';
import type { KeyValueStore, Scope } from '../key_values.js';
import type { StepExecutor, StepOutcome } from './context.js';

export const runStorage: StepExecutor = async (ctx) => {
  const input = renderTemplate(ctx.plan.input, ctx.scope);
  await ctx.update({ input });
  const parsed = storageRequestOf(input);
  if (!parsed.ok) {
    const { field, message } = parsed.issue;
    const where = field ? `input.${field}` : 'input';
    return {
      status: 'failed',
      error: {
        code: 'storage_invalid',
        message: `storage step "${ctx.plan.id}": ${where}: ${message}`,
        details: { field },
      },
    };
  }
  const request = parsed.request;
  const scope: Scope = { tenant: ctx.run.tenant_id, namespace: request.namespace ?? ctx.packId };
  const output = await perform(ctx.services.keyValues, scope, request, ctx.run.id);
  return { status: 'succeeded', output } satisfies StepOutcome;
};

async function perform(
  store: KeyValueStore,
  scope: Scope,
  request: StorageRequest,
  runId: string,
): Promise<Record<string, unknown>> {
  const { namespace } = scope;
  switch (request.op) {
    case 'put': {
      const created = await store.put(scope, request.key, request.value, runId);
      return { namespace, key: request.key, value: request.value, found: true, created };
    }
    case 'get': {
      const { found, value } = await store.get(scope, request.key);
      return { namespace, key: request.key, found, value };
    }
    case 'delete':
      return { namespace, key: request.key, found: await store.delete(scope, request.key) };
    case 'list': {
      const { entries, truncated } = await store.list(scope, request.prefix, request.limit);
      const keys = entries.map((e) => e.key);
      return { namespace, prefix: request.prefix, keys, entries, truncated };
    }
  }
}
