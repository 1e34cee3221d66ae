/**
 * ValidateProviderConfig, ValidateResourceConfig, ValidateDataResourceConfig:
 * attribute validators on known values, then the object's own checks.
 * Unknown values are skipped; they are checked again at apply.
 */
import type { ConfigRequest } from '../../plugin/messages.js';
import { decodeState, type ServerContext } from '../context.js';
import { toProtoDiagnostic, type Diagnostic } from '../diagnostics.js';
import type { State } from '../resource.js';
import { impliedType, type Schema } from '../schema.js';
import { isUnknown } from '../values.js';
import { walkAttributes } from '../walk.js';

export function validateConfig(
  schema: Schema,
  config: State,
  own?: (config: State) => Diagnostic[],
): Diagnostic[] {
  const out: Diagnostic[] = [];
  walkAttributes(schema.block, config, ({ name, attribute, path, holder }) => {
    const value = holder[name] ?? null;
    if (!attribute.validate || value === null || isUnknown(value)) return;
    out.push(...attribute.validate(value, path));
  });
  if (own) out.push(...own(config));
  return out;
}

type Target = 'provider' | 'resource' | 'data';

export function validate<C>(ctx: ServerContext<C>, target: Target, req: ConfigRequest) {
  const object =
    target === 'provider'
      ? ctx.definition
      : target === 'resource'
        ? ctx.resource(req.type_name)
        : ctx.dataSource(req.type_name);
  const config = decodeState(impliedType(object.schema.block), req.config) ?? {};
  const own = object.validate?.bind(object);
  return { diagnostics: validateConfig(object.schema, config, own).map(toProtoDiagnostic) };
}
