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
import { topicGlobIssues } from '../../packs/load.js';
import { toFragment, type RawFragment } from '../../packs/policy/fragment.js';
import { checkPolicyRequest } from '../../packs/policy/request.js';
import type { Queryable } from '../../storage/database.js';
import { checkFormat } from '../../packs/schemas.js';
import { requireRead, requireScope } from '../auth.js';
import { readJsonFields, readJsonObject } from '../body.js';
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
import {
  createOnly, deploymentName, deploymentOf, readableDeployment, storeDeployment,
} from './deployments.js';
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

/** Re-hashes the deployment after its bundles changed (same packs), in `tx`. */
async function rehash(deps: RegistryDeps, deployment: string, tx: Queryable) {
  await storeDeployment(deps, await deploymentOf(deps, deployment, tx), false, tx);
}

/**
 * A bundle's fragment, checked as a pack's fragment is: its format, its
 * topic globs (a glob that does not parse would never match, so a deny
 * rule with one would fail open) and the constraint templates it names.
 */
function checkedFragment(value: unknown, name: string): Record<string, unknown> {
  const where = `policy bundle ${name}`;
  const issues = checkFormat('policy-fragment', value, where);
  if (issues.length === 0 && value && typeof value === 'object') {
    issues.push(...topicGlobIssues(value as RawFragment, where));
  }
  if (issues.length > 0 || !value || typeof value !== 'object') {
    throw new RegistryError('validation_failed', `${where} is not a valid fragment`, { issues });
  }
  try {
    toFragment(value as RawFragment, { packId: `bundle:${name}`, file: name });
  } catch (err) {
    // A constraint template the fragment does not define, named with its path.
    throw new RegistryError('validation_failed', `${where}: ${(err as Error).message}`);
  }
  return value as Record<string, unknown>;
}

/**
 * A bundle may not take a rule id another bundle of its deployment has:
 * decisions, metrics and explanations name a rule by its id alone, and the
 * operator's own rules are the ones that can be renamed. (A bundle rule
 * may take a pack rule's id: a pack's rule copied to be overridden, which
 * comes first.) Checked for the bundle written, so a deployment that held
 * such bundles before this check still changes.
 */
function refuseSharedIds(name: string, fragment: Record<string, unknown>,
  bundles: { name: string; fragment: unknown }[]): void {
  const owner = new Map<string, string>();
  for (const b of bundles) {
    if (b.name === name) continue;
    for (const r of toFragment(b.fragment as RawFragment, { packId: `bundle:${b.name}` }).rules) {
      owner.set(r.id, b.name);
    }
  }
  const rules = toFragment(fragment as RawFragment, { packId: `bundle:${name}`, file: name }).rules;
  rules.forEach((r, i) => {
    const other = owner.get(r.id);
    if (other === undefined) return;
    const both = `rule id "${r.id}" is in policy bundle ${other} already`;
    throw new RegistryError('validation_failed', `policy bundle ${name}: ${both}; give each ` +
      'rule an id of its own', { issues: [{ file: `policy bundle ${name}`,
      path: `/rules/${r.source?.index ?? i}/id`, message: both }] });
  });
}

export const policyBundleRoutes: RouteGroup = (router, deps) => {
  // Every bundle of a deployment, in name order (how snapshots merge them): what an
  // engine following the deployment composes its snapshot from.
  router.get('/v1/deployments/:name/policy-bundles', requireRead(deps), async (ctx) => {
    const d = await readableDeployment(deps, ctx, deploymentName(ctx));
    ctx.body = { bundles: await listPolicyBundles(deps.db, d.name) };
  });

  router.get(PATH, requireRead(deps), async (ctx) => {
    const d = await readableDeployment(deps, ctx, deploymentName(ctx));
    ctx.body = await bundleOf(deps, d.name, bundleName(ctx));
  });

  router.put(PATH, requireScope(deps, 'admin'), (ctx) => putBundle(deps, ctx));

  router.delete(PATH, requireScope(deps, 'admin'), async (ctx) => {
    const deployment = deploymentName(ctx);
    const name = bundleName(ctx);
    await deps.db.transaction(async (tx) => {
      if (!(await deletePolicyBundle(tx, deployment, name))) {
        throw new RegistryError('not_found', `no policy bundle ${name} on ${deployment}`);
      }
      await rehash(deps, deployment, tx);
    });
    ctx.status = 204;
  });

  router.post('/v1/deployments/:name/decisions', requireRead(deps),
    (ctx) => simulateDecision(deps, ctx));
};

/** `PUT`: saves a bundle and re-hashes its deployment, in one transaction. */
async function putBundle(deps: RegistryDeps, ctx: RegistryContext): Promise<void> {
  const deployment = deploymentName(ctx);
  const name = bundleName(ctx);
  await deploymentOf(deps, deployment);
  const body = await readJsonFields(ctx.req, deps.uploadLimits.jsonBytes, ['fragment']);
  const fragment = checkedFragment(body.fragment, name);
  const hash = `sha256:${sha256Hex(canonicalJson(fragment))}`;
  // One transaction: a bundle whose deployment cannot be re-hashed is not kept.
  await deps.db.transaction(async (tx) => {
    // Bundle writes to one deployment one at a time, so two cannot take one rule id at once.
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))',
      [`registry_policy_bundles:${deployment}`]);
    refuseSharedIds(name, fragment, await listPolicyBundles(tx, deployment));
    const saved = await savePolicyBundle(
      tx,
      { deployment, name, fragment, hash },
      deps.clock.now(),
      createOnly(ctx),
    );
    if (!saved) {
      throw new RegistryError('already_exists', `policy bundle ${name} exists on ${deployment}`);
    }
    await rehash(deps, deployment, tx);
  });
  deps.log.info('policy bundle saved', {
    request_id: ctx.state.requestId,
    deployment,
    bundle: name,
  });
  ctx.body = await bundleOf(deps, deployment, name);
}

/** `POST .../decisions`: a request decided against the deployment's snapshot. */
async function simulateDecision(deps: RegistryDeps, ctx: RegistryContext): Promise<void> {
  const d = await readableDeployment(deps, ctx, deploymentName(ctx));
  const body = await readJsonObject(ctx.req, deps.uploadLimits.jsonBytes);
  const snapshot = await deploymentSnapshot(
    deps,
    d.packs,
    await listPolicyBundles(deps.db, d.name),
  );
  // Checked as the engine's decide checks it, and decided as the engine decides it: a
  // request without a tenant is the snapshot's default tenant's, so one hash, one answer.
  const request = checkPolicyRequest(body, 'request', (message) => {
    throw new RegistryError('request_invalid', message);
  });
  const result = decide(snapshot, request);
  ctx.body = {
    decision: result.decision,
    rule_id: result.ruleId ?? null,
    reason: result.reason ?? null,
    constraints: result.constraints ?? null,
    remediations: result.remediations ?? [],
    snapshot_hash: result.snapshotHash,
  };
}
