/**
 * An in-memory owner directory for the subscription reconciler's tests: it
 * lists owners and records subscription states like the DynamoDB store (an
 * owner no longer in the directory, or whose email, state, subscription
 * ARN or confirmation count is no longer the one the state was planned from,
 * or, for a state planned `whileActive`, who is no longer `active`, is
 * skipped; the count is set as planned, or removed), reads owners by id as
 * they are now, and keeps every write and lookup.
 */
import type {
  OwnerRecord,
  OwnerSubscriptionRegistry,
  PlannedSubscriptionState,
} from '../../../lambdas/hygiene/owner-directory';

/** True when the directory still holds what `planned` was planned from. */
function stillAsRead(owner: OwnerRecord | undefined, planned: PlannedSubscriptionState): boolean {
  return (
    owner !== undefined &&
    owner.email === planned.email &&
    owner.subscription === planned.read.subscription &&
    owner.subscriptionArn === planned.read.subscriptionArn &&
    owner.confirmationEmailsSent === planned.read.confirmationEmailsSent &&
    (planned.whileActive !== true || owner.status === 'active')
  );
}

/**
 * Owners in an array; `recorded` holds the states of each `recordSubscriptionStates` call (skipped ones
 * included), `lookups` the ids of each `getMany` call.
 */
export class MemoryOwnerRegistry implements OwnerSubscriptionRegistry {
  readonly recorded: PlannedSubscriptionState[][] = [];
  readonly lookups: string[][] = [];

  constructor(public owners: OwnerRecord[]) {}

  async listOwners(): Promise<readonly OwnerRecord[]> {
    return this.owners;
  }

  async getMany(userIds: readonly string[]): Promise<ReadonlyMap<string, OwnerRecord>> {
    this.lookups.push([...userIds]);
    const wanted = new Set(userIds);
    return new Map(this.owners.filter((o) => wanted.has(o.userId)).map((o) => [o.userId, o]));
  }

  async recordSubscriptionStates(states: readonly PlannedSubscriptionState[]): Promise<readonly string[]> {
    this.recorded.push([...states]);
    const current = new Map(this.owners.map((o) => [o.userId, o]));
    const written = new Map(
      states.filter((s) => stillAsRead(current.get(s.userId), s)).map((s) => [s.userId, s]),
    );
    this.owners = this.owners.map((o) => {
      const planned = written.get(o.userId);
      if (planned === undefined) return o;
      const { subscriptionArn: _old, confirmationEmailsSent: _count, ...rest } = o;
      const { subscriptionArn, confirmationEmailsSent } = planned;
      return {
        ...rest,
        subscription: planned.state,
        ...(subscriptionArn !== undefined && { subscriptionArn }),
        ...(confirmationEmailsSent !== undefined && { confirmationEmailsSent }),
      };
    });
    return states.filter((s) => !written.has(s.userId)).map((s) => s.userId);
  }
}
