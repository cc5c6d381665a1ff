/**
 * An in-memory owner directory for the subscription reconciler's tests: it
 * lists owners and records subscription states like the DynamoDB store (an
 * owner no longer in the directory, or whose email is no longer the one the
 * state was planned for, is skipped), and keeps every write.
 */
import type {
  OwnerRecord,
  OwnerSubscriptionRegistry,
  PlannedSubscriptionState,
} from '../../../lambdas/hygiene/owner-directory';

/** Owners in an array; `recorded` holds the states of each `recordSubscriptionStates` call (skipped ones included). */
export class MemoryOwnerRegistry implements OwnerSubscriptionRegistry {
  readonly recorded: PlannedSubscriptionState[][] = [];

  constructor(public owners: OwnerRecord[]) {}

  async listOwners(): Promise<readonly OwnerRecord[]> {
    return this.owners;
  }

  async recordSubscriptionStates(states: readonly PlannedSubscriptionState[]): Promise<readonly string[]> {
    this.recorded.push([...states]);
    const current = new Map(this.owners.map((o) => [o.userId, o]));
    const written = new Map(
      states
        .filter((s) => current.has(s.userId) && current.get(s.userId)?.email === s.email)
        .map((s) => [s.userId, s.state]),
    );
    this.owners = this.owners.map((o) => {
      const state = written.get(o.userId);
      return state === undefined ? o : { ...o, subscription: state };
    });
    return states.filter((s) => !written.has(s.userId)).map((s) => s.userId);
  }
}
