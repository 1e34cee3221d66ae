/**
 * Deployments: a named environment running a set of packs, each pinned by
 * a semver range and resolved to one published, unyanked version.
 * `PUT /v1/deployments/:name` (`{ tenant?, description?, packs: [{ id,
 * range, version? }] }`; a given `version` must satisfy its range and is
 * used as is, so an apply gets exactly what its plan showed), `GET`, `DELETE`,
 * `GET /v1/deployments`. Each change bumps `generation`, which the engine
 * watches. `packs_snapshot_hash` covers the packs' policy alone,
 * `snapshot_hash` also the deployment's policy bundles. Writes need an admin
 * token.
 */
import semver from 'semver';
import { resolveRange } from '../../packs/resolve.js';
import { requireRead, requireScope } from '../auth.js';
import { readJsonFields } from '../body.js';
import { deploymentSnapshot } from '../deployment_snapshot.js';
import type { RegistryDeps } from '../deps.js';
import { RegistryError } from '../errors.js';
import type { RegistryContext } from '../state.js';
import {
  deleteDeployment,
  findDeployment,
  listDeployments,
  listPolicyBundles,
  saveDeployment,
  type DeploymentPack,
  type DeploymentRecord,
} from '../store/deployments.js';
import { yankedVersions } from '../store/yanks.js';
import { hiddenPackIds } from '../tenancy/visibility.js';
import type { Queryable } from '../../storage/database.js';
import type { RouteGroup } from './index.js';
import { param, versionsOf } from './params.js';

const NAME = /^[a-z0-9][a-z0-9_.-]{0,62}$/;

export function deploymentName(ctx: RegistryContext): string {
  const name = param(ctx, 'name');
  if (!NAME.test(name))
    throw new RegistryError('request_invalid', `"${name}" is not a deployment name`);
  return name;
}

/** The answer for a deployment name nobody made (or one the caller may not see). */
const noDeployment = (name: string) =>
  new RegistryError('not_found', `no deployment ${name} in this registry`);

/** The deployment `name`, read with `db` (a transaction's, or the registry's). */
export async function deploymentOf(deps: RegistryDeps, name: string,
  db: Queryable = deps.db): Promise<DeploymentRecord> {
  const found = await findDeployment(db, name);
  if (!found) throw noDeployment(name);
  return found;
}

/** Whether `d` names one of the `hidden` packs. */
const namesHidden = (d: DeploymentRecord, hidden: ReadonlySet<string>) =>
  d.packs.some((p) => hidden.has(p.id));

/**
 * A deployment for a reader: one that names a private pack the caller may
 * not see is absent to them, answered as a name nobody made (a private pack
 * is absent to outsiders on every route, docs/tenancy.md).
 */
export async function readableDeployment(deps: RegistryDeps, ctx: RegistryContext,
  name: string): Promise<DeploymentRecord> {
  const found = await deploymentOf(deps, name);
  if (namesHidden(found, await hiddenPackIds(deps.db, ctx.state.actor))) throw noDeployment(name);
  return found;
}

interface PackRequest {
  id: string;
  range: string;
  version?: string;
}

function packRequests(value: unknown): PackRequest[] {
  if (!Array.isArray(value)) throw new RegistryError('request_invalid', '`packs` must be a list');
  const seen = new Set<string>();
  return value.map((p, i) => {
    const entry = (p ?? {}) as Record<string, unknown>;
    if (typeof entry.id !== 'string' || typeof entry.range !== 'string') {
      throw new RegistryError('request_invalid', `packs[${i}] needs string \`id\` and \`range\``);
    }
    if (seen.has(entry.id)) {
      throw new RegistryError('request_invalid', `packs[${i}]: pack ${entry.id} is listed twice`);
    }
    seen.add(entry.id);
    const out: PackRequest = { id: entry.id, range: entry.range };
    if (typeof entry.version === 'string') out.version = entry.version;
    return out;
  });
}

async function resolvePack(deps: RegistryDeps, p: PackRequest): Promise<DeploymentPack> {
  const yanked = await yankedVersions(deps.db, p.id);
  const records = (await versionsOf(deps.db, p.id)).filter((r) => !yanked.has(r.version));
  const version =
    p.version ??
    resolveRange(
      records.map((r) => r.version),
      p.range,
      p.id,
    );
  const record = records.find((r) => r.version === version);
  if (!record || !semver.satisfies(version, p.range)) {
    throw new RegistryError(
      'range_unsatisfied',
      `${p.id}@${version} is not an unyanked version in "${p.range}"`,
    );
  }
  return { id: p.id, range: p.range, version, sha256: record.sha256, key_id: record.keyId };
}

/**
 * Recomputes the snapshot of a deployment and stores it with its packs.
 * `createOnly` refuses (412 `already_exists`) where one of that name exists.
 */
export async function storeDeployment(
  deps: RegistryDeps,
  d: Pick<DeploymentRecord, 'name' | 'tenant' | 'description' | 'packs'>,
  createOnly = false,
  db: Queryable = deps.db,
): Promise<DeploymentRecord> {
  const bundles = await listPolicyBundles(db, d.name);
  const snapshot = await deploymentSnapshot(deps, d.packs, bundles);
  const hashes = { packs_snapshot_hash: snapshot.packsHash, snapshot_hash: snapshot.hash };
  if (!(await saveDeployment(db, { ...d, ...hashes }, deps.clock.now(), createOnly))) {
    throw new RegistryError('already_exists', `deployment ${d.name} exists already`);
  }
  return deploymentOf(deps, d.name, db);
}

/** `If-None-Match: *`: the write may create the object, never replace one. */
export const createOnly = (ctx: { get(header: string): string }) =>
  ctx.get('If-None-Match').trim() === '*';

export const deploymentRoutes: RouteGroup = (router, deps) => {
  router.get('/v1/deployments', requireRead(deps), async (ctx) => {
    const hidden = await hiddenPackIds(deps.db, ctx.state.actor);
    const all = await listDeployments(deps.db);
    ctx.body = { deployments: all.filter((d) => !namesHidden(d, hidden)) };
  });

  router.get('/v1/deployments/:name', requireRead(deps), async (ctx) => {
    ctx.body = await readableDeployment(deps, ctx, deploymentName(ctx));
  });

  router.put('/v1/deployments/:name', requireScope(deps, 'admin'), async (ctx) => {
    const name = deploymentName(ctx);
    const body = await readJsonFields(ctx.req, deps.uploadLimits.jsonBytes,
      ['packs', 'tenant', 'description']);
    const requests = packRequests(body.packs);
    const packs: DeploymentPack[] = [];
    for (const p of requests) packs.push(await resolvePack(deps, p));
    const tenant = typeof body.tenant === 'string' && body.tenant ? body.tenant : 'default';
    const description = typeof body.description === 'string' ? body.description : '';
    const saved = await storeDeployment(
      deps,
      { name, tenant, description, packs },
      createOnly(ctx),
    );
    deps.log.info('deployment saved', {
      request_id: ctx.state.requestId,
      deployment: name,
      generation: saved.generation,
    });
    ctx.body = saved;
  });

  router.delete('/v1/deployments/:name', requireScope(deps, 'admin'), async (ctx) => {
    const name = deploymentName(ctx);
    if (!(await deleteDeployment(deps.db, name))) throw noDeployment(name);
    deps.log.info('deployment deleted', { request_id: ctx.state.requestId, deployment: name });
    ctx.status = 204;
  });
};
