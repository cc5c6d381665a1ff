/**
 * An in-memory {@link OwnerDirectory} with the DynamoDB adapter's semantics:
 * `freshness` is undefined until something was imported, `getMany` returns
 * only the owners it holds. Counts its lookups and can fail them, so tests
 * see how the notifier batches and survives a directory outage.
 */
import type {
  DirectoryFreshness,
  OwnerDirectory,
  OwnerRecord,
  SweepOwnerDirectory,
} from '../../lambdas/hygiene/owner-directory';

/** A directory held in memory. */
export class InMemoryOwnerDirectory implements OwnerDirectory, SweepOwnerDirectory {
  readonly owners = new Map<string, OwnerRecord>();
  /** The ids asked for, per `getMany` call. */
  readonly lookups: string[][] = [];
  /** When set, `getMany` throws it. */
  failWith: Error | undefined;
  /** The freshness item; `undefined` means never imported. */
  imported: DirectoryFreshness | undefined;

  /** A directory holding `owners`, imported as of `asOf`. */
  constructor(owners: readonly OwnerRecord[] = [], asOf = '2026-11-25T00:00:00.000Z') {
    for (const owner of owners) this.owners.set(owner.userId, owner);
    this.imported = { asOf, owners: owners.length };
  }

  async freshness(): Promise<DirectoryFreshness | undefined> {
    return this.imported;
  }

  /** Every owner marked departed (what a sweep, and a report, load for the orphan rule). */
  async departedUserIds(): Promise<ReadonlySet<string>> {
    return new Set([...this.owners.values()].filter((o) => o.status === 'departed').map((o) => o.userId));
  }

  async getMany(userIds: readonly string[]): Promise<ReadonlyMap<string, OwnerRecord>> {
    this.lookups.push([...userIds]);
    if (this.failWith) throw this.failWith;
    const found = new Map<string, OwnerRecord>();
    for (const id of userIds) {
      const owner = this.owners.get(id);
      if (owner) found.set(id, owner);
    }
    return found;
  }
}

/** An active owner with a confirmed subscription (reachable on both routes). */
export function reachableOwner(userId: string, name?: string): OwnerRecord {
  return {
    userId,
    email: `${userId}@example.com`,
    status: 'active',
    subscription: 'confirmed',
    ...(name !== undefined && { name }),
  };
}
