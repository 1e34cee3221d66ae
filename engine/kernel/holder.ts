/**
 * The snapshot the kernel decides with, behind one reference. A swap
 * replaces the whole value at once; a decision reads the reference once
 * and uses what it read to the end, so it sees the old policy or the new,
 * never a mix. Node runs one decision at a time per thread, so no lock.
 */
import type { PolicySnapshot } from '../../packs/policy/types.js';

/** Where a snapshot came from, as kept in the history. */
export interface SnapshotSource {
  kind: 'project' | 'deployment' | 'rollback' | 'candidate' | 'empty';
  deployment?: string;
  generation?: number;
  /** The deployment's tenant when it was taken: runs belong to it. */
  tenant?: string;
  /** For a rollback, the version it restored. */
  restored?: number;
  /** The pack versions, with the key each was verified against when taken (`key_id`). */
  packs?: { id: string; version?: string; sha256?: string; key_id?: string }[];
  bundles?: { name: string; version?: number }[];
}

export interface ActiveSnapshot {
  /** Its row in the history, counting from 1. */
  version: number;
  snapshot: PolicySnapshot;
  source: SnapshotSource;
  activatedAt: string;
}

export class SnapshotHolder {
  private active: ActiveSnapshot;
  private listeners: ((next: ActiveSnapshot, previous: ActiveSnapshot) => void)[] = [];

  constructor(initial: ActiveSnapshot) {
    this.active = initial;
  }

  current(): ActiveSnapshot {
    return this.active;
  }

  /** Puts `next` in place in one assignment and tells the listeners. */
  swap(next: ActiveSnapshot): ActiveSnapshot {
    const previous = this.active;
    this.active = next;
    for (const listener of this.listeners) listener(next, previous);
    return previous;
  }

  onSwap(listener: (next: ActiveSnapshot, previous: ActiveSnapshot) => void): void {
    this.listeners.push(listener);
  }
}
