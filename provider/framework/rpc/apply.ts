/**
 * ApplyResourceChange: create, update or delete. The state answered is
 * always true to what exists: nothing after a failed create, the prior state
 * after a failed update or delete, and what a half-done change left.
 */
import type { ApplyRequest } from '../../plugin/messages.js';
import { decodeState, encodeState, type ServerContext } from '../context.js';
import { error, toProtoDiagnostic, type Diagnostic } from '../diagnostics.js';
import { PartialApplyError, type Resource, type State } from '../resource.js';
import { impliedType } from '../schema.js';
import { conform, isObject, isUnknown, isWhollyKnown, type Value } from '../values.js';

async function change<C>(
  resource: Resource<C>,
  client: C,
  prior: State | null,
  planned: State | null,
  config: State,
  warnings: Diagnostic[],
): Promise<State | null> {
  if (planned === null) {
    if (prior !== null) warnings.push(...(await resource.delete(prior, client) ?? []));
    return null;
  }
  if (prior === null) return resource.create(planned, config, client);
  if (!resource.update) throw new Error(`${resource.name} planned an update it cannot make`);
  return resource.update(prior, planned, config, client);
}

function unknownsToNull(value: Value): Value {
  if (isUnknown(value)) return null;
  if (Array.isArray(value)) return value.map(unknownsToNull);
  if (isObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unknownsToNull(v)]));
  }
  return value;
}

function checkKnown(resource: Resource<unknown>, state: State | null): Diagnostic[] {
  if (state === null || isWhollyKnown(state)) return [];
  return [
    error(
      'Provider Returned Unknown Values',
      `${resource.name} left attributes unknown after apply. This is a bug in the provider.`,
    ),
  ];
}

export async function applyResourceChange<C>(ctx: ServerContext<C>, req: ApplyRequest) {
  const resource = ctx.resource(req.type_name);
  const type = impliedType(resource.schema.block);
  const prior = decodeState(type, req.prior_state);
  const planned = decodeState(type, req.planned_state);
  const config = decodeState(type, req.config) ?? {};
  const passPrivate =
    req.planned_private && req.planned_private.length > 0 ? { private: req.planned_private } : {};
  const started = Date.now();

  let state: State | null;
  const diagnostics: Diagnostic[] = [];
  try {
    const result = await change(resource, ctx.client(), prior, planned, config, diagnostics);
    const shaped = result === null ? null : conform(type, result);
    state = isObject(shaped) ? shaped : null;
    diagnostics.push(...checkKnown(resource as Resource<unknown>, state));
  } catch (err) {
    if (err instanceof PartialApplyError) {
      // What exists, with what could not be learned left null rather than unknown.
      const shaped = conform(type, unknownsToNull(err.state));
      state = isObject(shaped) ? shaped : null;
      diagnostics.push(...ctx.describe(err.cause));
    } else {
      // Nothing changed: a failed create made nothing, a failed update or delete left prior.
      state = prior;
      diagnostics.push(...ctx.describe(err));
    }
  }
  ctx.logger.log('debug', 'applied', {
    type: resource.name,
    action: planned === null ? 'delete' : prior === null ? 'create' : 'update',
    duration_ms: Date.now() - started,
    ok: diagnostics.length === 0,
  });
  return {
    new_state: encodeState(type, state),
    diagnostics: diagnostics.map(toProtoDiagnostic),
    ...passPrivate,
  };
}
