/**
 * Policy bundles: rules an operator attaches to a deployment, in Cordum's
 * policy fragment format. `PUT /v1/deployments/:name/policy-bundles/:bundle`
 * (`{ fragment }`), `GET`, `DELETE`; `GET /v1/deployments/:name/policy-bundles`
 * lists them. A bundle's `version` goes up when its rules change; every
 * change re-hashes the deployment's snapshot.
 * `POST /v1/deployments/:name/decisions` simulates a request against it.
 */
import { canonicalJson } from '../../packs/canonical.js';
import { sha256Hex } from '../../packs/digest.js';
import { decide } from '../../packs/policy/evaluate.js';
import type { PolicyRequest } from '../../packs/policy/types.js';
import { checkFormat } from '../../packs/schemas.js';
import { requireRead, requireScope } from '../auth.js';
import { readJsonObject } from '../body.js';
import { deploymentSnapshot } from '../deployment_snapshot.js';
import type { RegistryDeps } from '../deps.js';
import { RegistryError } from '../errors.js';
import type { RegistryContext } from '../state.js';
import {
  deletePolicyBundle,
  findPolicyBundle,
  listPolicyBundles,
  savePolicyBundle,
} from '../store/deployments.js';
import { createOnly, deploymentName, deploymentOf, storeDeployment } from './deployments.js';
import type { RouteGroup } from './index.js';
import { param } from './params.js';

const PATH = '/v1/deployments/:name/policy-bundles/:bundle';

function bundleName(ctx: RegistryContext): string {
  const name = param(ctx, 'bundle');
  if (!/^[a-z0-9][a-z0-9_.-]{0,62}$/.test(name)) {
    throw new RegistryError('request_invalid', `"${name}" is not a policy bundle name`);
  }
  return name;
}

async function bundleOf(deps: RegistryDeps, deployment: string, name: string) {
  const found = await findPolicyBundle(deps.db, deployment, name);
  if (!found) throw new RegistryError('not_found', `no policy bundle ${name} on ${deployment}`);
  return found;
}

/** Re-hashes the deployment after its bundles changed (same packs). */
async function rehash(deps: RegistryDeps, deployment: string) {
  const d = await deploymentOf(deps, deployment);
  await storeDeployment(deps, d);
}

export const policyBundleRoutes: RouteGroup = (router, deps) => {
  // Every bundle of a deployment, in name order (how snapshots merge them): what an
  // engine following the deployment composes its snapshot from.
  router.get('/v1/deployments/:name/policy-bundles', requireRead(deps), async (ctx) => {
    const d = await deploymentOf(deps, deploymentName(ctx));
    ctx.body = { bundles: await listPolicyBundles(deps.db, d.name) };
  });

  router.get(PATH, requireRead(deps), async (ctx) => {
    ctx.body = await bundleOf(deps, deploymentName(ctx), bundleName(ctx));
  });

  router.put(PATH, requireScope(deps, 'admin'), async (ctx) => {
    const deployment = deploymentName(ctx);
    const name = bundleName(ctx);
    await deploymentOf(deps, deployment);
    const body = await readJsonObject(ctx.req, deps.uploadLimits.jsonBytes);
    const fragment = body.fragment;
    const issues = checkFormat('policy-fragment', fragment, `policy bundle ${name}`);
    if (issues.length > 0 || !fragment || typeof fragment !== 'object') {
      throw new RegistryError(
        'validation_failed',
        `policy bundle ${name} is not a valid fragment`,
        {
          issues,
        },
      );
    }
    const hash = `sha256:${sha256Hex(canonicalJson(fragment))}`;
    const saved = await savePolicyBundle(
      deps.db,
      { deployment, name, fragment: fragment as Record<string, unknown>, hash },
      deps.clock.now(),
      createOnly(ctx),
    );
    if (!saved) {
      throw new RegistryError('already_exists', `policy bundle ${name} exists on ${deployment}`);
    }
    await rehash(deps, deployment);
    deps.log.info('policy bundle saved', {
      request_id: ctx.state.requestId,
      deployment,
      bundle: name,
    });
    ctx.body = await bundleOf(deps, deployment, name);
  });

  router.delete(PATH, requireScope(deps, 'admin'), async (ctx) => {
    const deployment = deploymentName(ctx);
    const name = bundleName(ctx);
    if (!(await deletePolicyBundle(deps.db, deployment, name))) {
      throw new RegistryError('not_found', `no policy bundle ${name} on ${deployment}`);
    }
    await rehash(deps, deployment);
    ctx.status = 204;
  });

  router.post('/v1/deployments/:name/decisions', requireRead(deps), async (ctx) => {
    const d = await deploymentOf(deps, deploymentName(ctx));
    const body = await readJsonObject(ctx.req, deps.uploadLimits.jsonBytes);
    const snapshot = await deploymentSnapshot(
      deps,
      d.packs,
      await listPolicyBundles(deps.db, d.name),
    );
    const request = { tenantId: d.tenant, ...(body as PolicyRequest) };
    const result = decide(snapshot, request);
    ctx.body = {
      decision: result.decision,
      rule_id: result.ruleId ?? null,
      reason: result.reason ?? null,
      constraints: result.constraints ?? null,
      remediations: result.remediations ?? [],
      snapshot_hash: result.snapshotHash,
    };
  });
};
