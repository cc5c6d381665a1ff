/**
 * An in-memory owner directory for the subscription reconciler's tests: it
 * lists owners and records subscription states like the DynamoDB store
 * (owners no longer in the directory are skipped), and keeps every write.
 */
import type {
  OwnerRecord,
  OwnerSubscriptionRegistry,
  OwnerSubscriptionState,
} from '../../../lambdas/hygiene/owner-directory';

/** Owners in an array; `recorded` holds each `recordSubscriptionStates` call. */
export class MemoryOwnerRegistry implements OwnerSubscriptionRegistry {
  readonly recorded: OwnerSubscriptionState[][] = [];

  constructor(public owners: OwnerRecord[]) {}

  async listOwners(): Promise<readonly OwnerRecord[]> {
    return this.owners;
  }

  async recordSubscriptionStates(states: readonly OwnerSubscriptionState[]): Promise<void> {
    this.recorded.push([...states]);
    const byId = new Map(states.map((s) => [s.userId, s.state]));
    this.owners = this.owners.map((o) => {
      const state = byId.get(o.userId);
      return state === undefined ? o : { ...o, subscription: state };
    });
  }
}
