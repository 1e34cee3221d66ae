/** ImportResourceState: a state from an id; ReadResource completes it next. */
import type { ImportRequest } from '../../plugin/messages.js';
import { encodeState, type ServerContext } from '../context.js';
import { DiagnosticsError, error } from '../diagnostics.js';
import { impliedType } from '../schema.js';
import { conform, isObject } from '../values.js';

export async function importResourceState<C>(ctx: ServerContext<C>, req: ImportRequest) {
  const resource = ctx.resource(req.type_name);
  if (!resource.importState) {
    throw new DiagnosticsError([
      error('Import Not Supported', `${resource.name} cannot be imported.`),
    ]);
  }
  const type = impliedType(resource.schema.block);
  const shaped = conform(type, await resource.importState(req.id ?? '', ctx.client()));
  const state = isObject(shaped) ? shaped : null;
  return {
    imported_resources: [{ type_name: resource.name, state: encodeState(type, state) }],
  };
}
