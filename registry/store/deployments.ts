/** Deployments (named environments pinning packs) and their policy bundles. */
import type { Queryable } from '../../storage/database.js';
import { isoTime } from './rows.js';

export interface DeploymentPack {
  id: string;
  range: string;
  version: string;
  sha256: string;
  key_id: string;
}

export interface DeploymentRecord {
  name: string;
  tenant: string;
  description: string;
  packs: DeploymentPack[];
  /** The merged policy of its packs alone. */
  packs_snapshot_hash: string;
  /** What decisions are made against: policy bundles first, then the packs. */
  snapshot_hash: string;
  generation: number;
  created_at: string;
  updated_at: string;
}

export interface PolicyBundleRecord {
  deployment: string;
  name: string;
  fragment: Record<string, unknown>;
  hash: string;
  version: number;
  updated_at: string;
}

interface DeploymentRow extends Omit<DeploymentRecord, 'created_at' | 'updated_at'> {
  created_at: unknown;
  updated_at: unknown;
}

const toDeployment = (r: DeploymentRow): DeploymentRecord => ({
  ...r,
  generation: Number(r.generation),
  created_at: isoTime(r.created_at),
  updated_at: isoTime(r.updated_at),
});

export async function findDeployment(db: Queryable, name: string) {
  const { rows } = await db.query<DeploymentRow>(
    `SELECT name, tenant, description, packs, packs_snapshot_hash, snapshot_hash, generation,
            created_at, updated_at
       FROM registry_deployments WHERE name = $1`,
    [name],
  );
  return rows[0] ? toDeployment(rows[0]) : undefined;
}

export async function listDeployments(db: Queryable): Promise<DeploymentRecord[]> {
  const { rows } = await db.query<DeploymentRow>(
    `SELECT name, tenant, description, packs, packs_snapshot_hash, snapshot_hash, generation,
            created_at, updated_at
       FROM registry_deployments ORDER BY name`,
  );
  return rows.map(toDeployment);
}

/**
 * Creates or replaces; the generation goes up by one on each change. With
 * `createOnly`, an existing deployment is left as it is and the answer is false.
 */
export async function saveDeployment(
  db: Queryable,
  d: Omit<DeploymentRecord, 'generation' | 'created_at' | 'updated_at'>,
  now: Date,
  createOnly = false,
): Promise<boolean> {
  const onConflict = createOnly
    ? 'DO NOTHING'
    : `DO UPDATE SET tenant = $2, description = $3, packs = $4::jsonb,
       packs_snapshot_hash = $5, snapshot_hash = $6,
       generation = registry_deployments.generation + 1, updated_at = $7`;
  const result = await db.query(
    `INSERT INTO registry_deployments (name, tenant, description, packs, packs_snapshot_hash,
       snapshot_hash, generation, created_at, updated_at)
     VALUES ($1, $2, $3, $4::jsonb, $5, $6, 1, $7, $7)
     ON CONFLICT (name) ${onConflict}`,
    [
      d.name,
      d.tenant,
      d.description,
      JSON.stringify(d.packs),
      d.packs_snapshot_hash,
      d.snapshot_hash,
      now,
    ],
  );
  return result.rowCount === 1;
}

export async function deleteDeployment(db: Queryable, name: string): Promise<boolean> {
  const result = await db.query('DELETE FROM registry_deployments WHERE name = $1', [name]);
  return result.rowCount === 1;
}

interface BundleRow extends Omit<PolicyBundleRecord, 'updated_at'> {
  updated_at: unknown;
}

const toBundle = (r: BundleRow): PolicyBundleRecord => ({
  ...r,
  version: Number(r.version),
  updated_at: isoTime(r.updated_at),
});

export async function listPolicyBundles(db: Queryable, deployment: string) {
  const { rows } = await db.query<BundleRow>(
    `SELECT deployment, name, fragment, hash, version, updated_at FROM registry_policy_bundles
      WHERE deployment = $1 ORDER BY name`,
    [deployment],
  );
  return rows.map(toBundle);
}

export async function findPolicyBundle(db: Queryable, deployment: string, name: string) {
  const { rows } = await db.query<BundleRow>(
    `SELECT deployment, name, fragment, hash, version, updated_at FROM registry_policy_bundles
      WHERE deployment = $1 AND name = $2`,
    [deployment, name],
  );
  return rows[0] ? toBundle(rows[0]) : undefined;
}

/** Stores a bundle; its version goes up only when its hash changes. */
/** Creates or replaces; with `createOnly`, an existing bundle stays and the answer is false. */
export async function savePolicyBundle(
  db: Queryable,
  b: Pick<PolicyBundleRecord, 'deployment' | 'name' | 'fragment' | 'hash'>,
  now: Date,
  createOnly = false,
): Promise<boolean> {
  const onConflict = createOnly
    ? 'DO NOTHING'
    : `DO UPDATE SET fragment = $3::jsonb, hash = $4,
       version = registry_policy_bundles.version
         + CASE WHEN registry_policy_bundles.hash = $4 THEN 0 ELSE 1 END,
       updated_at = $5`;
  const result = await db.query(
    `INSERT INTO registry_policy_bundles (deployment, name, fragment, hash, version, updated_at)
     VALUES ($1, $2, $3::jsonb, $4, 1, $5)
     ON CONFLICT (deployment, name) ${onConflict}`,
    [b.deployment, b.name, JSON.stringify(b.fragment), b.hash, now],
  );
  return result.rowCount === 1;
}

export async function deletePolicyBundle(db: Queryable, deployment: string, name: string) {
  const result = await db.query(
    'DELETE FROM registry_policy_bundles WHERE deployment = $1 AND name = $2',
    [deployment, name],
  );
  return result.rowCount === 1;
}
