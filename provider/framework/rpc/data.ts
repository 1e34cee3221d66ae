/** ReadDataSource: answers from the API for a wholly known configuration. */
import type { ConfigRequest } from '../../plugin/messages.js';
import { decodeState, encodeState, type ServerContext } from '../context.js';
import { DiagnosticsError, error } from '../diagnostics.js';
import { impliedType } from '../schema.js';
import { conform, isObject, isWhollyKnown } from '../values.js';

export async function readDataSource<C>(ctx: ServerContext<C>, req: ConfigRequest) {
  const source = ctx.dataSource(req.type_name);
  const type = impliedType(source.schema.block);
  const config = decodeState(type, req.config) ?? {};
  const shaped = conform(type, await source.read(config, ctx.client()));
  if (!isObject(shaped) || !isWhollyKnown(shaped)) {
    throw new DiagnosticsError([
      error('Provider Returned Unknown Values', `${source.name} answered unknown values.`),
    ]);
  }
  return { state: encodeState(type, shaped) };
}
