/**
 * `cordum_deployment`: a named environment running a set of packs, each
 * pinned by a semver range. Ranges resolve at plan time, so the plan shows
 * the version an apply will deploy; the apply sends that exact version.
 */
import type { CordumClient } from '../config.js';
import { pointAt } from '../data_sources/pack.js';
import type { DeploymentInfo } from '../clients/registry_types.js';
import { mustStr, objects, str } from '../framework/access.js';
import {
  DiagnosticsError, error, warning, type Diagnostic,
} from '../framework/diagnostics.js';
import type { Resource, State } from '../framework/resource.js';
import { deepEqual, isUnknown, UNKNOWN } from '../framework/values.js';
import { ProviderError } from '../errors.js';
import { resolveUnyanked } from '../resolve.js';
import { name, nonEmpty, packId, semverRange } from '../validators.js';

const out = (description: string) => ({ type: 'string' as const, computed: true, description });

function stateOf(d: DeploymentInfo): State {
  return {
    id: d.name,
    name: d.name,
    tenant: d.tenant,
    description: d.description,
    pack: d.packs.map((p) => ({
      id: p.id,
      range: p.range,
      version: p.version,
      sha256: p.sha256,
      key_id: p.key_id,
    })),
    snapshot_hash: d.packs_snapshot_hash,
    generation: d.generation,
  };
}

/** Resolves a range at plan time; errors point at `pack[i].id` or `.range`. */
async function resolveAt(client: CordumClient, id: string, range: string, i: number) {
  try {
    const r = await resolveUnyanked(client.registry, id, range);
    return { version: r.version, sha256: r.sha256, key_id: r.key_id };
  } catch (err) {
    const located = pointAt(err, id, range);
    if (located instanceof ProviderError && located.path) {
      throw located.at(['pack', i, ...located.path]);
    }
    throw located;
  }
}

/** Whether a pinned version was yanked or is gone; a registry that cannot say keeps the pin. */
async function withdrawn(client: CordumClient, id: string, version: string): Promise<boolean> {
  try {
    const status = await client.registry.yankStatus(id, version);
    return status === null || status.yanked;
  } catch {
    return false;
  }
}

/**
 * A deployment kept on a yanked version (nothing else in range) stays as it is only while
 * nothing is written: the registry refuses to save one naming a yanked version, so any
 * other change (a description, another pack) is refused here rather than failing the apply.
 */
function yankedPinsBlockWrite(
  stuck: { id: string; version: string; range: string; i: number }[],
): DiagnosticsError {
  return new DiagnosticsError(stuck.map((p) => error('Deployment Runs A Yanked Version',
    `${p.id}@${p.version} is yanked, and no other live version of ${p.id} satisfies ` +
    `"${p.range}". The registry refuses to save a deployment on a yanked version, so this ` +
    'change cannot be applied: publish a fixed version, or change the range.',
    ['pack', p.i, 'range'])));
}

/** Saves the deployment; a create never replaces one that exists (a conflict: import it). */
async function put(planned: State, client: CordumClient, createOnly: boolean): Promise<State> {
  const packs = objects(planned, 'pack').map((p) => ({
    id: mustStr(p, 'id'),
    range: mustStr(p, 'range'),
    // The version the plan showed, so the apply cannot drift from it.
    ...(typeof p.version === 'string' ? { version: p.version } : {}),
  }));
  const saved = await client.registry.putDeployment(mustStr(planned, 'name'), {
    tenant: str(planned, 'tenant') ?? 'default',
    description: str(planned, 'description') ?? '',
    packs,
  }, createOnly);
  return stateOf(saved);
}

export const deployment: Resource<CordumClient> = {
  name: 'cordum_deployment',
  schema: {
    version: 0,
    block: {
      description: 'A named environment running a set of packs pinned by semver ranges.',
      attributes: {
        id: { ...out('The deployment name.'), stable: true },
        name: {
          type: 'string',
          required: true,
          replace: true,
          description: 'Deployment name, e.g. `prod`.',
          validate: name,
        },
        tenant: {
          type: 'string',
          optional: true,
          computed: true,
          description: 'The tenant its jobs run as. Default: `default`.',
          // "" would be stored as `default`, and every apply would find another value.
          validate: nonEmpty('Tenant'),
        },
        description: { type: 'string', optional: true, computed: true, description: 'Free text.' },
        snapshot_hash: out(
          'Hash of the merged policy snapshot of its packs. Policy bundles add rules on top; ' +
            '`data.cordum_policy_decision` reports the hash decisions are made against.',
        ),
        generation: {
          type: 'number',
          computed: true,
          description: 'Goes up on every change; the engine reloads when it does.',
        },
      },
      blocks: {
        pack: {
          nesting: 'list',
          description: 'A pack to run, by id and semver range.',
          block: {
            attributes: {
              id: { type: 'string', required: true, description: 'Pack id.', validate: packId },
              range: {
                type: 'string',
                required: true,
                description: 'Semver range, e.g. `^1.2.0`.',
                validate: semverRange,
              },
              version: out('The version the range resolves to.'),
              sha256: out("Hex SHA-256 of that version's tarball."),
              key_id: out('The key that signed it.'),
            },
          },
        },
      },
    },
  },

  async modifyPlan({ planned, prior, config }, client) {
    // Unset, the tenant is `default` (what a write sends): a tenant changed elsewhere is drift.
    const tenant = isUnknown(config.tenant) ? UNKNOWN : (str(config, 'tenant') ?? 'default');
    if (isUnknown(planned.pack)) {
      // Pack blocks from a dynamic block over values known only at apply: all of it is then.
      const unresolved = { ...planned, tenant, generation: UNKNOWN, snapshot_hash: UNKNOWN };
      return { planned: unresolved };
    }
    const packs = objects(planned, 'pack');
    // One entry a pack: the registry refuses a deployment that lists one twice.
    const seen = new Set<string>();
    for (const [i, p] of packs.entries()) {
      if (typeof p.id !== 'string') continue;
      if (seen.has(p.id)) {
        throw new ProviderError('value_invalid', `Pack "${p.id}" is listed twice.`, {
          hint: 'List each pack once, with the one range it should run.',
          path: ['pack', i, 'id'],
        });
      }
      seen.add(p.id);
    }
    const before = prior === null ? [] : objects(prior, 'pack');
    const notes: Diagnostic[] = [];
    const stuck: { id: string; version: string; range: string; i: number }[] = [];
    for (const [i, p] of packs.entries()) {
      if (typeof p.id !== 'string' || typeof p.range !== 'string') {
        Object.assign(p, { version: UNKNOWN, sha256: UNKNOWN, key_id: UNKNOWN });
        continue;
      }
      // A pack whose range did not change stays pinned to what it runs, while that version
      // is live. One yanked since (as replacing its cordum_pack_version yanks it, in the
      // same apply) moves to what the range gives now, or stays when the range gives nothing.
      const same = before.find((b) => b.id === p.id && b.range === p.range);
      if (!same || typeof same.version !== 'string') {
        Object.assign(p, await resolveAt(client, p.id, p.range, i));
        continue;
      }
      const pin = { version: same.version, sha256: same.sha256, key_id: same.key_id };
      const moved = await withdrawn(client, p.id, pin.version)
        ? await resolveAt(client, p.id, p.range, i).catch(() => undefined) : pin;
      if (!moved) {
        stuck.push({ id: p.id, version: String(pin.version), range: p.range, i });
        notes.push(warning('Pinned Version Yanked', `${p.id}@${pin.version} is yanked, and no ` +
          `other live version of ${p.id} satisfies "${p.range}": the deployment stays on it. ` +
          'Publish a fixed version, or change the range.', ['pack', i, 'range']));
      }
      Object.assign(p, moved ?? pin);
    }
    const next: State = { ...planned, pack: packs, tenant };
    const said = notes.length > 0 ? { diagnostics: notes } : {};
    if (prior === null) return { planned: next, ...said };
    // Left out of the configuration, the description stays what it is; one set from a value
    // known only at apply stays unknown, or the plan would hide its change.
    const unset = config.description === null || config.description === undefined;
    if (unset && isUnknown(next.description)) next.description = prior.description ?? null;
    const changed = !deepEqual(
      { ...next, snapshot_hash: null, generation: null },
      {
        ...prior,
        snapshot_hash: null,
        generation: null,
      },
    );
    if (changed && stuck.length > 0) throw yankedPinsBlockWrite(stuck);
    next.generation = changed ? UNKNOWN : (prior.generation ?? null);
    next.snapshot_hash = changed ? UNKNOWN : (prior.snapshot_hash ?? null);
    return { planned: next, ...said };
  },

  create: (planned, _config, client) => put(planned, client, true),
  update: (_prior, planned, _config, client) => put(planned, client, false),

  async read(state, client) {
    const found = await client.registry.deployment(mustStr(state, 'name'));
    return found ? stateOf(found) : null;
  },

  async delete(state, client) {
    const name = mustStr(state, 'name');
    // The registry deletes a deployment's bundles with it. A destroy removes them first;
    // a replace (a new name's old one, or -replace) does not, so it is said here.
    const bundles = await client.registry.policyBundleNames(name).catch(() => []);
    await client.registry.deleteDeployment(name);
    if (bundles.length === 0) return;
    return [warning('Policy Bundles Deleted With The Deployment',
      `Deleting deployment "${name}" also deleted its policy bundles ` +
      `${bundles.map((b) => `"${b}"`).join(', ')}: their rules no longer apply. A ` +
      'cordum_policy_bundle in this configuration is re-created by the next apply; to ' +
      're-create it in the same run, replace it too (-replace=<its address>).')];
  },

  async importState(id) {
    if (name(id, []).length > 0) {
      throw new ProviderError('import_id_invalid', `"${id}" is not a deployment name.`, {
        hint: 'Import with the deployment\'s name, as `terraform import cordum_deployment.x prod`.',
      });
    }
    return { id, name: id };
  },
};
