/**
 * `data "cordum_pack"`: resolves a pack id and semver range against the
 * registry to one version, with its digest, download URL and signer.
 */
import type { CordumClient } from '../config.js';
import { ProviderError } from '../errors.js';
import { mustStr, str } from '../framework/access.js';
import type { DataSource } from '../framework/resource.js';
import { resolveUnyanked } from '../resolve.js';
import { packId, semverRange } from '../validators.js';

const out = (description: string) => ({ type: 'string' as const, computed: true, description });

export const packData: DataSource<CordumClient> = {
  name: 'cordum_pack',
  schema: {
    version: 0,
    block: {
      description: 'The newest published version of a pack within a semver range.',
      attributes: {
        id: { type: 'string', required: true, description: 'The pack id.', validate: packId },
        range: {
          type: 'string',
          optional: true,
          description: 'A semver range, e.g. `^1.2.0`. Default: `*` (the newest).',
          validate: semverRange,
        },
        version: out('The version the range resolved to.'),
        sha256: out('Hex SHA-256 of its tarball.'),
        url: out('Where the registry serves its tarball.'),
        bundle_url: out('Where the registry serves its signature bundle.'),
        signer: out('The key id that signed it.'),
        publisher: out('Its publisher.'),
      },
    },
  },

  async read(config, client) {
    const id = mustStr(config, 'id');
    const range = str(config, 'range') ?? '*';
    let resolved;
    try {
      resolved = await resolveUnyanked(client.registry, id, range);
    } catch (err) {
      throw pointAt(err, id, range);
    }
    const pack = await client.registry.pack(id);
    return {
      ...config,
      version: resolved.version,
      sha256: resolved.sha256,
      url: resolved.tarball_url,
      bundle_url: resolved.bundle_url,
      signer: resolved.key_id,
      publisher: pack?.publisher ?? '',
    };
  },
};

/** Turns the registry's "no such pack" and "nothing matches" into attribute errors. */
export function pointAt(err: unknown, id: string, range: string): unknown {
  if (!(err instanceof ProviderError)) return err;
  if (err.remoteCode === 'pack_not_found' || (err.status === 404 && !err.remoteCode)) {
    return new ProviderError('registry_not_found', `The registry has no pack "${id}".`, {
      hint: 'Check the id, or publish the pack first (`cordum pack publish`).',
      path: ['id'],
      cause: err,
    });
  }
  if (err.remoteCode === 'range_unsatisfied') {
    return new ProviderError(
      'registry_not_found',
      `No published version of "${id}" satisfies "${range}".`,
      { hint: 'Widen the range, or publish a matching version.', path: ['range'], cause: err },
    );
  }
  if (err.remoteCode === 'semver_invalid') return err.at(['range']);
  return err;
}
