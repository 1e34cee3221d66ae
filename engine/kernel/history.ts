/**
 * Every snapshot the kernel has run, numbered from 1 in the order it first
 * ran them, in the engine's database. A snapshot equal to the newest row
 * (same hash, same source kind) is not added again, so restarts do not
 * grow the table; a rollback adds a row that names what it restored, unless
 * the newest row is that same rollback.
 */
import { canonicalJson } from '../../packs/canonical.js';
import type { PolicySnapshot } from '../../packs/policy/types.js';
import type { Database } from '../../storage/database.js';
import { migrate } from '../../storage/migrate.js';
import { KernelError } from './errors.js';
import type { ActiveSnapshot, SnapshotSource } from './holder.js';
import { KERNEL_MIGRATIONS } from './migrations.js';

export interface HistoryEntry {
  version: number;
  hash: string;
  source: SnapshotSource;
  rules: number;
  createdAt: string;
}

export interface HistoryPage {
  entries: HistoryEntry[];
  /** The `before` of the next page; absent on the last page. */
  nextBefore?: number;
}

/**
 * A change of the deployment the follower took: its generation, the snapshot hash it
 * published, and the pack versions it pinned.
 */
export interface TakenChange {
  generation: number;
  hash: string;
  packs?: readonly { id: string; version?: string; sha256?: string }[];
}

interface Row {
  version: number;
  hash: string;
  source: SnapshotSource;
  snapshot: PolicySnapshot;
  created_at: unknown;
}

const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : new Date(String(v))
  .toISOString());

export class PolicyHistory {
  private constructor(
    private readonly db: Database,
    private readonly clock: () => Date,
  ) {}

  static async open(db: Database, clock: () => Date = () => new Date()): Promise<PolicyHistory> {
    await migrate(db, 'engine-kernel', KERNEL_MIGRATIONS);
    return new PolicyHistory(db, clock);
  }

  /** Records a snapshot (or finds it as the newest row) and answers it as active. */
  async add(snapshot: PolicySnapshot, source: SnapshotSource): Promise<ActiveSnapshot> {
    const now = this.clock();
    return this.db.transaction(async (tx) => {
      await tx.query("SELECT pg_advisory_xact_lock(hashtext('engine_policy_snapshots'))");
      const { rows } = await tx.query<Row>(
        `SELECT version, hash, source, created_at FROM engine_policy_snapshots
          ORDER BY version DESC LIMIT 1`,
      );
      const last = rows[0];
      // The same policy from other pack versions is a change: their workflows differ.
      // A rollback repeated (the newest row restored the same version) is not a change either.
      const same = source.kind === 'rollback' ? last?.source.restored === source.restored
        : last !== undefined && samePacks(last.source, source);
      // A row of another deployment is not this one's, though it holds the same packs: the
      // deployment's own rows are what a restart finds (latestOf) and a rollback may restore.
      const ours = last?.source.deployment === source.deployment;
      if (last && last.hash === snapshot.hash && last.source.kind === source.kind && same &&
        ours) {
        return { version: Number(last.version), snapshot, source: last.source,
          activatedAt: now.toISOString() };
      }
      const version = last ? Number(last.version) + 1 : 1;
      await tx.query(
        `INSERT INTO engine_policy_snapshots (version, hash, source, snapshot, created_at)
         VALUES ($1, $2, $3::jsonb, $4::jsonb, $5)`,
        [version, snapshot.hash, JSON.stringify(source), JSON.stringify(snapshot), now],
      );
      return { version, snapshot, source, activatedAt: now.toISOString() };
    });
  }

  /**
   * The newest snapshot taken from `deployment` (by following it, or by a
   * rollback to one of its snapshots): the last good one, after a restart.
   * With `newerThan`, only one newer than that version (what a poll asks
   * every few seconds: usually none, and no snapshot read).
   */
  async latestOf(deployment: string, newerThan = 0): Promise<{ version: number;
    snapshot: PolicySnapshot; source: SnapshotSource } | undefined> {
    const { rows } = await this.db.query<Row>(
      `SELECT version, snapshot, source FROM engine_policy_snapshots
        WHERE version > $2 AND source->>'kind' IN ('deployment', 'rollback')
        AND source->>'deployment' = $1
        ORDER BY version DESC LIMIT 1`,
      [deployment, newerThan],
    );
    const row = rows[0];
    return row ? { version: Number(row.version), snapshot: row.snapshot, source: row.source }
      : undefined;
  }

  /**
   * The generation, snapshot hash and pack versions last taken from
   * `deployment` by following it (rollbacks left out): what a rollback since
   * then overrides.
   */
  async takenFrom(deployment: string): Promise<TakenChange | undefined> {
    const { rows } = await this.db.query<Row>(
      `SELECT hash, source FROM engine_policy_snapshots
        WHERE source->>'kind' = 'deployment' AND source->>'deployment' = $1
        ORDER BY version DESC LIMIT 1`,
      [deployment],
    );
    const generation = rows[0]?.source.generation;
    if (typeof generation !== 'number') return undefined;
    return { generation, hash: rows[0]!.hash, packs: rows[0]!.source.packs ?? [] };
  }

  /**
   * A rollback that still holds for a process starting with `snapshot` from
   * `source`: the newest row, when it is a rollback and what it overrode
   * (the newest row that is not a rollback) is this same snapshot from the
   * same kind of source: nothing has changed since. The restart then runs
   * the rollback again.
   */
  async rollbackHeld(snapshot: PolicySnapshot, source: SnapshotSource) {
    const { rows } = await this.db.query<Row>(
      `SELECT version, hash, source, snapshot FROM engine_policy_snapshots
        WHERE version = (SELECT max(version) FROM engine_policy_snapshots)
           OR version = (SELECT max(version) FROM engine_policy_snapshots
                          WHERE source->>'kind' <> 'rollback')
        ORDER BY version DESC`,
    );
    const [newest, overridden] = rows;
    if (newest?.source.kind !== 'rollback' || !overridden) return undefined;
    if (overridden.source.kind !== source.kind || overridden.hash !== snapshot.hash ||
      !samePacks(overridden.source, source)) return undefined;
    return { version: Number(newest.version), snapshot: newest.snapshot, source: newest.source };
  }

  /** The newest `limit` rows, newest first. */
  async list(limit = 100): Promise<HistoryEntry[]> {
    return (await this.page(limit)).entries;
  }

  /**
   * One page, newest first: at most `limit` rows older than `before` (all
   * rows without it), and `nextBefore` to pass as `before` while older rows remain.
   */
  async page(limit: number, before?: number): Promise<HistoryPage> {
    const { rows } = await this.db.query<Row & { rules: number }>(
      `SELECT version, hash, source, jsonb_array_length(snapshot->'rules') AS rules, created_at
         FROM engine_policy_snapshots WHERE $2::int IS NULL OR version < $2::int
        ORDER BY version DESC LIMIT $1`,
      [limit + 1, before ?? null],
    );
    // One row past the page says whether another page follows, without a count.
    const entries = rows.slice(0, limit).map((r) => ({ version: Number(r.version), hash: r.hash,
      source: r.source, rules: Number(r.rules), createdAt: iso(r.created_at) }));
    const oldest = entries[entries.length - 1];
    return rows.length > limit && oldest ? { entries, nextBefore: oldest.version } : { entries };
  }

  /** The snapshot kept as `version`; `version_not_found` when there is none. */
  async get(version: number): Promise<{ snapshot: PolicySnapshot; source: SnapshotSource }> {
    const { rows } = await this.db.query<Row>(
      'SELECT version, hash, source, snapshot FROM engine_policy_snapshots WHERE version = $1',
      [version],
    );
    const row = rows[0];
    if (!row) {
      throw new KernelError('version_not_found', `no policy snapshot version ${version} is kept`);
    }
    return { snapshot: row.snapshot, source: row.source };
  }
}

/**
 * Whether two sources name the same pack versions, policy bundles and tenant. In
 * canonical form: a source read back from its `jsonb` column has its keys
 * in the server's order, not the order they were written in.
 */
function samePacks(a: SnapshotSource, b: SnapshotSource): boolean {
  // The tenant too: a restart that cannot reach the registry runs the kept row's tenant.
  const key = (s: SnapshotSource) => canonicalJson([s.packs ?? [], s.bundles ?? [],
    s.tenant ?? null]);
  return key(a) === key(b);
}
