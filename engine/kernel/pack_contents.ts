/**
 * What the packs an engine runs provide besides policy: their workflows,
 * JSON Schemas and topics. An engine following a registry deployment takes
 * them from the deployment's pulled and verified packs; the follower stages
 * them under the hash of the snapshot composed from the same packs, and the
 * engine reads the contents staged for the snapshot that is active, so a
 * swap changes the policy and the workflows together.
 *
 * Runs already started keep the workflow they started with (it is stored on
 * the run). Schemas are looked up by id when a step runs, so a pack version
 * that drops a schema would break a run of the version before: each staged
 * set therefore keeps the schemas of the sets before it, the newest winning.
 */
import type { LoadedPack } from '../../packs/load.js';
import type { PackTopic } from '../../packs/manifest.js';
import type { Workflow } from '../../packs/workflow/types.js';
import { SchemaBook } from '../schemas.js';
import type { ActiveSnapshot } from './holder.js';

export interface PackContents {
  workflows: ReadonlyMap<string, Workflow>;
  schemas: ReadonlyMap<string, unknown>;
  /** `schemas`, compiled on first use. */
  book: SchemaBook;
  topics: ReadonlyMap<string, PackTopic>;
  /** The packs they came from. */
  packs: { id: string; version: string }[];
  /** The tenant the deployment's runs belong to (its `tenant`), when it names one. */
  tenant?: string;
}

/**
 * The key contents are staged under: the snapshot's hash, the pack versions
 * it came from and the tenant its runs belong to. Two versions of a pack may
 * share their policy (one hash) and differ in workflows, so the hash alone
 * would lend one's workflows to the other; two generations may differ only
 * in their tenant, and a rollback runs as the one it restores.
 */
export function contentsKey(hash: string,
  packs: readonly { id: string; version?: string; sha256?: string }[] = [],
  tenant?: string): string {
  const pins = packs.map((p) => `${p.id}@${p.version ?? ''}#${p.sha256 ?? ''}`).join(',');
  return `${hash} ${pins} ${tenant ?? ''}`;
}

/** The key of the contents an active snapshot runs with. */
export function activeContentsKey(active: ActiveSnapshot): string {
  return contentsKey(active.snapshot.hash, active.source.packs, active.source.tenant);
}

/** Contents kept at most: the active one and a few to roll back to. */
const KEPT = 8;

export class PackContentsBook {
  private readonly byKey = new Map<string, PackContents>();
  private latest: PackContents | undefined;

  /** Stages the contents of `packs` under `key` (contentsKey). */
  stage(key: string, packs: { pin: { id: string; version: string }; pack: LoadedPack }[],
    tenant?: string) {
    const schemas = new Map<string, unknown>(this.latest?.schemas ?? []);
    for (const { pack } of packs) for (const [id, schema] of pack.schemas) schemas.set(id, schema);
    const contents: PackContents = {
      workflows: new Map(packs.flatMap(({ pack }) => pack.workflows.map((w) => [w.id, w]))),
      schemas,
      book: new SchemaBook(schemas),
      topics: new Map(
        packs.flatMap(({ pack }) => (pack.manifest.topics ?? []).map((t) => [t.name, t])),
      ),
      packs: packs.map(({ pin }) => ({ id: pin.id, version: pin.version })),
    };
    if (tenant) contents.tenant = tenant;
    // A re-staged key moves to the end, so the oldest is dropped first.
    this.byKey.delete(key);
    this.byKey.set(key, contents);
    while (this.byKey.size > KEPT) this.byKey.delete(this.byKey.keys().next().value!);
    this.latest = contents;
    return contents;
  }

  /**
   * The contents staged under `key`. A rollback to a version kept from
   * before this process started has none until the follower stages that
   * version's own packs (never the newest packs: a rollback that took a
   * pack out must not run that pack's workflows).
   */
  forKey(key: string): PackContents | undefined {
    return this.byKey.get(key);
  }
}
