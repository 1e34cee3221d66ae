/** ReadResource: refresh. A resource gone outside Terraform reads as null (drift). */
import type { ReadRequest } from '../../plugin/messages.js';
import { decodeState, encodeState, type ServerContext } from '../context.js';
import { impliedType } from '../schema.js';
import { conform, isObject } from '../values.js';

export async function readResource<C>(ctx: ServerContext<C>, req: ReadRequest) {
  const resource = ctx.resource(req.type_name);
  const type = impliedType(resource.schema.block);
  const current = decodeState(type, req.current_state);
  const passPrivate = req.private && req.private.length > 0 ? { private: req.private } : {};
  if (current === null) return { new_state: encodeState(type, null), ...passPrivate };

  const found = await resource.read(current, ctx.client());
  if (found === null) {
    ctx.logger.log('info', 'resource gone', { type: resource.name, id: current.id });
  }
  const state = found === null ? null : conform(type, found);
  return { new_state: encodeState(type, isObject(state) ? state : null), ...passPrivate };
}
