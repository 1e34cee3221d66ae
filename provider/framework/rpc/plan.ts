/**
 * PlanResourceChange: the generic rules (plan_rules.ts), then the resource's
 * own plan step, then which changes force a replacement.
 */
import type { PlanRequest } from '../../plugin/messages.js';
import { decodeState, encodeState, type ServerContext } from '../context.js';
import { toAttributePath, toProtoDiagnostic, type Diagnostic, type Path } from '../diagnostics.js';
import { changedPaths, planComputed, replacePaths } from '../plan_rules.js';
import { impliedType } from '../schema.js';
import { conform, isObject } from '../values.js';

export async function planResourceChange<C>(ctx: ServerContext<C>, req: PlanRequest) {
  const resource = ctx.resource(req.type_name);
  const type = impliedType(resource.schema.block);
  const prior = decodeState(type, req.prior_state);
  const proposed = decodeState(type, req.proposed_new_state);
  const config = decodeState(type, req.config) ?? {};
  const passPrivate =
    req.prior_private && req.prior_private.length > 0 ? { planned_private: req.prior_private } : {};

  // Destroy: nothing to plan.
  if (proposed === null) return { planned_state: encodeState(type, null), ...passPrivate };

  let planned = planComputed(resource.schema.block, proposed, prior, config);
  const diagnostics: Diagnostic[] = [];
  const extraReplace: Path[] = [];
  if (resource.modifyPlan) {
    const out = await resource.modifyPlan({ planned, prior, config }, ctx.client());
    const shaped = conform(type, out.planned);
    planned = isObject(shaped) ? shaped : planned;
    diagnostics.push(...(out.diagnostics ?? []));
    extraReplace.push(...(out.requiresReplace ?? []));
  }

  let replace: Path[] = [];
  if (prior !== null) {
    replace = [...replacePaths(resource.schema.block, prior, planned), ...extraReplace];
    // A resource that cannot update replaces on any change.
    if (!resource.update && replace.length === 0) replace = changedPaths(prior, planned);
  }
  return {
    planned_state: encodeState(type, planned),
    requires_replace: replace.map(toAttributePath),
    diagnostics: diagnostics.map(toProtoDiagnostic),
    ...passPrivate,
  };
}
