/**
 * UpgradeResourceState: stored JSON state of any earlier schema version
 * becomes the current shape. Terraform calls it before every refresh.
 */
import type { UpgradeRequest } from '../../plugin/messages.js';
import { encodeState, type ServerContext } from '../context.js';
import { DiagnosticsError, error } from '../diagnostics.js';
import { impliedType } from '../schema.js';
import { conform, isObject } from '../values.js';

export function upgradeResourceState<C>(ctx: ServerContext<C>, req: UpgradeRequest) {
  const resource = ctx.resource(req.type_name);
  const type = impliedType(resource.schema.block);
  const json = req.raw_state?.json;
  if (!json || json.length === 0) {
    throw new DiagnosticsError([
      error(
        'Unsupported State Format',
        'Only JSON state is supported; the flatmap format predates Terraform 0.12.',
      ),
    ]);
  }
  const stored: unknown = JSON.parse(Buffer.from(json).toString('utf8'));
  if (typeof stored !== 'object' || stored === null || Array.isArray(stored)) {
    throw new DiagnosticsError([
      error('Invalid Stored State', 'The stored state is not an object.'),
    ]);
  }
  const version = Number(req.version ?? 0);
  const current = resource.schema.version;
  if (version > current) {
    throw new DiagnosticsError([
      error(
        'State From A Newer Provider',
        `The state has schema version ${version}; this provider knows up to ${current}. ` +
          'Upgrade the Cordum provider.',
      ),
    ]);
  }
  let shaped = stored as Record<string, unknown>;
  if (version < current) {
    if (!resource.upgradeState) {
      throw new DiagnosticsError([
        error('No State Upgrade', `${resource.name} cannot upgrade state from version ${version}.`),
      ]);
    }
    shaped = resource.upgradeState(version, shaped);
    ctx.logger.log('info', 'state upgraded', { type: resource.name, from: version, to: current });
  }
  const upgraded = conform(type, shaped);
  return { upgraded_state: encodeState(type, isObject(upgraded) ? upgraded : null) };
}
