/**
 * `cordum_pack_version`: publishes a built, signed pack tarball. A published
 * version is immutable, so new bytes replace it (moving the files only
 * updates their paths in state); destroy yanks it (a
 * version is never deleted, and re-creating a yanked version with the same
 * bytes restores it). The pack id, version, digest and signer are read from
 * the files at plan time, so the plan shows them.
 */
import { basename } from 'node:path';
import type { CordumClient } from '../config.js';
import { ProviderError } from '../errors.js';
import { mustStr, str } from '../framework/access.js';
import { DiagnosticsError, error, warning } from '../framework/diagnostics.js';
import { PartialApplyError, type Resource, type State } from '../framework/resource.js';
import { isUnknown } from '../framework/values.js';
import type { RegistryApi } from '../clients/registry.js';

const loadPackFile = async (tarball: string, bundle: string, cwd: string) =>
  (await import('./pack_file.js')).readPackFile(tarball, bundle, cwd);

const defaultBundle = (tarball: string) => `${tarball}.sigstore.json`;

function computed(description: string, stable = true) {
  return { type: 'string' as const, computed: true, stable, description };
}

/** The remote facts of id@version, or null when it is missing or yanked. */
async function published(registry: RegistryApi, id: string, version: string) {
  const pack = await registry.pack(id);
  const found = pack?.versions.find((v) => v.version === version);
  if (!found) return null;
  const yank = await registry.yankStatus(id, version);
  return { ...found, yanked: yank?.yanked === true };
}

type Remote = NonNullable<Awaited<ReturnType<typeof published>>>;

/**
 * Planning a version whose files were cleaned away (a CI workspace) or rebuilt
 * into something unusable: the version in state stays as published, with a
 * warning, for a plan or destroy must not need the files back. Any other
 * failure, or files that are not the ones in state, is raised.
 */
function keptWithoutFiles(err: unknown, prior: State | null, tarball: string, bundle: string) {
  const unusable = err instanceof ProviderError &&
    (err.code === 'file_unreadable' || err.code === 'pack_invalid');
  if (!unusable || prior === null || prior.tarball !== tarball || prior.bundle !== bundle) {
    throw err;
  }
  const title = err.code === 'file_unreadable' ? 'Pack Files Missing' : 'Pack Files Changed';
  return { planned: prior, diagnostics: [warning(title, `${err.message} ${
    String(prior.id)} stays as published; build and sign it again to change it.`,
  err.path ?? ['tarball'])] };
}

/**
 * New bytes for a version the registry holds: other contents are refused
 * (published versions never change), and so are the same contents not yet in
 * state and not yanked (they want `terraform import`, not a second publish).
 */
function refuseRepublish(remote: Remote, file: { packId: string; version: string;
  sha256: string; keyId: string }, creating: boolean, tarball: string): void {
  const name = `${file.packId}@${file.version}`;
  if (remote.sha256 !== file.sha256) {
    throw new DiagnosticsError([
      error(
        'Version Already Published',
        `${name} is already published with other contents ` +
          `(sha256 ${remote.sha256}). Published versions never change: bump ` +
          '`metadata.version` in pack.yaml and rebuild.',
        ['tarball'],
      ),
    ]);
  }
  if (!remote.yanked && creating) {
    const signer = remote.key_id === file.keyId ? ''
      : ` (signed there by key ${remote.key_id}; this tarball's bundle is signed by key ` +
        `${file.keyId})`;
    throw new DiagnosticsError([
      error(
        'Version Already Published',
        `${name} is already published from this tarball${signer}. Bring it under ` +
          `Terraform instead of publishing it again: terraform import <address> ${tarball}`,
        ['tarball'],
      ),
    ]);
  }
}

function remoteState(state: State, remote: Remote) {
  return {
    ...state,
    published_pack_id: state.pack_id ?? null,
    sha256: remote.sha256,
    key_id: remote.key_id,
    published_at: remote.published_at,
    tarball_url: remote.tarball_url,
  };
}

export const packVersion: Resource<CordumClient> = {
  name: 'cordum_pack_version',
  schema: {
    version: 0,
    block: {
      description:
        'A pack version published to the registry from a built, signed tarball. ' +
        'Destroying it yanks the version.',
      attributes: {
        // Where the files are is local: moving them changes nothing published. New bytes
        // change `sha256`, which replaces the version.
        tarball: {
          type: 'string',
          required: true,
          description: 'Path of the pack tarball (`.tgz`) made by `cordum pack build`.',
        },
        bundle: {
          type: 'string',
          optional: true,
          computed: true,
          description: 'Path of its sigstore bundle. Default: the tarball path + `.sigstore.json`.',
        },
        id: computed('`<pack id>@<version>`.'),
        pack_id: computed('The pack id from `pack.yaml`.'),
        version: computed('The version from `pack.yaml`.'),
        sha256: { ...computed('Hex SHA-256 of the tarball.'), replace: true },
        key_id: computed('The key id that signed the tarball.'),
        published_at: computed('When the registry accepted the version (RFC 3339).'),
        tarball_url: computed('Where the registry serves the tarball.'),
        published_pack_id: computed(
          'The pack id, known once this version is published. A `cordum_deployment` pack ' +
            'block that takes its id from here resolves its range at apply, after the ' +
            'publish, so it can deploy a version published in the same run.',
        ),
      },
    },
  },

  async modifyPlan({ planned, prior, config }, client) {
    const tarball = planned.tarball;
    if (typeof tarball !== 'string' || isUnknown(config.bundle)) return { planned };
    const bundle = str(config, 'bundle') ?? defaultBundle(tarball);
    let file;
    try {
      file = await loadPackFile(tarball, bundle, client.cwd);
    } catch (err) {
      return keptWithoutFiles(err, prior, tarball, bundle);
    }
    const next: State = {
      ...planned,
      bundle,
      id: `${file.packId}@${file.version}`,
      pack_id: file.packId,
      version: file.version,
      sha256: file.sha256,
      key_id: file.keyId,
    };
    // The same bytes as in state: the version stands as published, whoever signed this copy
    // (the signer is the registry's record, read back by refresh).
    if (prior !== null && prior.sha256 === file.sha256) {
      return { planned: { ...next, key_id: prior.key_id ?? next.key_id } };
    }

    const name = `${file.packId}@${file.version}`;
    // The same version rebuilt with other bytes: a published version never changes, so the
    // one in state stays, said with a warning (an error would block destroy too).
    if (prior !== null && prior.id === name) {
      return { planned: prior, diagnostics: [warning('Pack Files Changed', `"${tarball}" now ` +
        `holds other bytes (sha256 ${file.sha256}) than published ${name} (sha256 ${
          String(prior.sha256)}). Published versions never change: it stays as it is; bump ` +
        '`metadata.version` in pack.yaml and rebuild to publish these.', ['tarball'])] };
    }

    // New bytes: refuse a plan that the registry would refuse at apply.
    const remote = await published(client.registry, file.packId, file.version);
    if (!remote) return { planned: next };
    refuseRepublish(remote, file, prior === null, tarball);
    // These bytes, yanked: creating restores them, signed as they were published.
    return { planned: { ...next, key_id: remote.key_id } };
  },

  async create(planned, _config, client) {
    const file = await loadPackFile(
      mustStr(planned, 'tarball'),
      mustStr(planned, 'bundle'),
      client.cwd,
    );
    // The bytes the plan showed, or nothing: a rebuild since then is not published unseen.
    if (typeof planned.sha256 === 'string' && planned.sha256 !== file.sha256) {
      throw new ProviderError('pack_invalid', `"${mustStr(planned, 'tarball')}" changed since ` +
        `the plan (sha256 ${planned.sha256}, now ${file.sha256}).`,
      { hint: 'Plan again to publish what is there now.', path: ['tarball'] });
    }
    const { registry } = client;
    try {
      await registry.publish(file.tarball, file.bundle, basename(mustStr(planned, 'tarball')));
    } catch (err) {
      const exists = err instanceof ProviderError && err.remoteCode === 'version_exists';
      if (!exists) throw err;
      await restoreYanked(registry, file);
    }
    // Published: from here on a failure must still record the version in state.
    try {
      const remote = await published(registry, file.packId, file.version);
      if (remote) return remoteState(planned, remote);
      const name = `${file.packId}@${file.version}`;
      throw new ProviderError(
        'registry_error',
        `The registry does not list ${name} after publishing it.`,
      );
    } catch (err) {
      throw new PartialApplyError(planned, err);
    }
  },

  /** Only the files' paths changed (the same bytes): nothing to send. */
  async update(prior, planned, _config, client) {
    // The files must still be there and still be this version, signed.
    await loadPackFile(mustStr(planned, 'tarball'), mustStr(planned, 'bundle'), client.cwd);
    return { ...prior, tarball: planned.tarball, bundle: planned.bundle };
  },

  async read(state, client) {
    const id = str(state, 'pack_id');
    const version = str(state, 'version');
    if (!id || !version) return null;
    const remote = await published(client.registry, id, version);
    if (!remote || remote.yanked) return null;
    return remoteState(state, remote);
  },

  async delete(state, client) {
    const reason = 'destroyed by terraform';
    await client.registry.setYanked(
      mustStr(state, 'pack_id'),
      mustStr(state, 'version'),
      true,
      reason,
    );
  },

  async importState(id, client) {
    if (!id.endsWith('.tgz')) {
      throw new ProviderError('import_id_invalid', `"${id}" is not the path of a pack tarball.`, {
        hint:
          'Import with the path of the tarball that was published, e.g. ' +
          '`terraform import cordum_pack_version.hello build/hello-pack-1.0.0.tgz`.',
      });
    }
    const file = await loadPackFile(id, defaultBundle(id), client.cwd);
    // What the registry published is the state: its signer, not this copy's.
    const remote = await published(client.registry, file.packId, file.version);
    return {
      tarball: id,
      bundle: defaultBundle(id),
      id: `${file.packId}@${file.version}`,
      pack_id: file.packId,
      version: file.version,
      sha256: file.sha256,
      key_id: remote?.sha256 === file.sha256 ? remote.key_id : file.keyId,
    };
  },
};

/** id@version exists: restore it when it is these very bytes, yanked. */
async function restoreYanked(
  registry: RegistryApi,
  file: { packId: string; version: string; sha256: string },
): Promise<void> {
  const remote = await published(registry, file.packId, file.version);
  const name = `${file.packId}@${file.version}`;
  if (remote && remote.sha256 === file.sha256 && remote.yanked) {
    await registry.setYanked(file.packId, file.version, false);
    return;
  }
  if (remote && remote.sha256 === file.sha256) {
    throw new ProviderError(
      'registry_conflict',
      `${name} is already published from this tarball.`,
      {
        hint: 'Bring it under Terraform with `terraform import` and the tarball path.',
        path: ['tarball'],
      },
    );
  }
  throw new ProviderError(
    'registry_conflict',
    `${name} is already published with other contents.`,
    {
      hint: 'Published versions never change: bump `metadata.version` in pack.yaml and rebuild.',
      path: ['tarball'],
    },
  );
}
