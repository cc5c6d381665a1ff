/**
 * How the subscription reconciler creates owner subscriptions without
 * emailing a person who no longer wants one (docs/notifications.md,
 * "Subscription reconciler"): a run reads the directory once, then applies
 * its plan over seconds, while `pc-hygiene owners unsubscribe` or an import
 * (departed, a new address) may land. So the owners to subscribe are re-read
 * right before the creations ({@link recheckCreations}), and the owners
 * subscribed are re-read after the state writes: a
 * subscription just created for one who no longer wants it is withdrawn by the
 * ARN `create` returned ({@link withdrawAfterCreate}; the confirmation email
 * already sent cannot be recalled). SNS cannot delete a subscription still
 * pending confirmation, and one just created almost always is: that refusal
 * ({@link PendingSubscriptionNotRemovableError}) is expected, the subscription
 * is left pending (`pendingLeft`), and SNS deletes it unconfirmed after 48
 * hours. "Another address" is another mailbox by
 * the rule the plan is given (`ReconcileOptions.mailboxKey`): an import that
 * re-spells the address (a domain in Punycode or Unicode) mid-run is no move,
 * as the plan would not count it one. Split from `subscription-reconciler.ts`,
 * which applies the plan and records the states. Pure: the ports only.
 */

import type { MailboxKey } from './email-address-rules';
import { errorText } from './errors';
import type { OwnerRecord, OwnerSubscriptionRegistry } from './owner-directory';
import type { SubscriptionOperation, SubscriptionPlan } from './subscription-plan';
import type { ReconcilerDeps, TopicSubscriptions } from './subscription-ports';
import { mapWithConcurrency } from './task-pool';

/** A subscription this run created: `create` resolved to its ARN. */
export interface CreatedSubscription {
  readonly userId: string;
  readonly email: string;
  readonly subscriptionArn: string;
}

/**
 * Removing a subscription this run created ({@link TopicSubscriptions.create}'s
 * ARN: SNS returns it even while the subscription is pending), because its
 * owner, re-read after the state writes, no longer wants it: they opted out
 * (`owners unsubscribe`), left the directory, stopped being `active` or moved
 * to another address after the re-read before the creations, while the
 * creations ran. SNS had already emailed them the confirmation link: that
 * email cannot be recalled.
 */
export interface CreatedSubscriptionRemoval {
  readonly kind: 'withdraw';
  readonly userId: string;
  /** The address the run subscribed. */
  readonly email: string;
  readonly subscriptionArn: string;
}

/** A {@link CreatedSubscriptionRemoval} carried out: the subscription removed, or left pending. */
export interface WithdrawnSubscription extends CreatedSubscriptionRemoval {
  /**
   * True when SNS refused the removal because the subscription is still pending confirmation
   * ({@link PendingSubscriptionNotRemovableError}): it stays, delivering nothing, and SNS deletes it unconfirmed
   * after 48 hours. It does not count for the owner (recorded `unsubscribed`, departed or moved); if the person
   * confirms it, the next run matches it (`confirmed`, or a removal once it has an ARN to remove). False: removed
   * (it had been confirmed meanwhile, or was gone).
   */
  readonly pendingLeft: boolean;
}

/**
 * SNS refused to remove a subscription because it is pending confirmation: SNS cannot delete one before it is
 * confirmed, and deletes it by itself unconfirmed after 48 hours (docs/notifications.md, "Pending
 * subscriptions"). Thrown by {@link TopicSubscriptions.remove} (the SNS adapter, once SNS confirms the
 * subscription is pending); expected, not a failure, only for a subscription the run just created
 * ({@link withdrawAfterCreate}).
 */
export class PendingSubscriptionNotRemovableError extends Error {
  override readonly name = 'PendingSubscriptionNotRemovableError';
  constructor(
    readonly subscriptionArn: string,
    options?: ErrorOptions,
  ) {
    super(`SNS cannot remove ${subscriptionArn}: it is pending confirmation`, options);
  }
}

/**
 * An operation that failed (the others still ran): SNS refused it, or the
 * directory re-read it depends on failed (the error text says which).
 */
export interface FailedOperation {
  readonly operation: SubscriptionOperation | CreatedSubscriptionRemoval;
  readonly error: string;
}

type Creation = Extract<SubscriptionOperation, { kind: 'create' }>;

/**
 * The owners whose planned creation must not happen: re-read right before
 * the creations with a consistent read, the directory no longer holds them,
 * or holds them not `active`, `unsubscribed` (an operator's `owners
 * unsubscribe`), or at another mailbox than the one planned (an import;
 * compared by `key`, the plan's rule).
 * Creating would email a confirmation link to a person who asked to stop,
 * left, or no longer has that address. Cost: one consistent `BatchGetItem`
 * per 100 creations, and only when the plan creates (never in a dry run, nor
 * in a quota stop with no room left: `withinQuota`). When the re-read fails, every creation
 * is withdrawn (each owner as the run first read them) and fails with the
 * error: nobody is subscribed unchecked, and the run still records the
 * others' states.
 */
export async function recheckCreations(
  directory: OwnerSubscriptionRegistry,
  plan: SubscriptionPlan,
  read: ReadonlyMap<string, OwnerRecord>,
  key: MailboxKey,
): Promise<{ withdrawn: ReadonlyMap<string, OwnerRecord | undefined>; failed: FailedOperation[] }> {
  const creations = plan.operations.filter((o): o is Creation => o.kind === 'create');
  if (creations.length === 0) return { withdrawn: new Map(), failed: [] };
  let current: ReadonlyMap<string, OwnerRecord>;
  try {
    current = await directory.getMany(creations.map((c) => c.userId));
  } catch (error: unknown) {
    const text = `re-reading the owners to subscribe failed, nothing subscribed: ${errorText(error)}`;
    return {
      withdrawn: new Map(creations.map((c) => [c.userId, read.get(c.userId)])),
      failed: creations.map((operation) => ({ operation, error: text })),
    };
  }
  const unwanted = creations.filter((c) => !stillWantsCreation(current.get(c.userId), c.email, key));
  return { withdrawn: new Map(unwanted.map((c) => [c.userId, current.get(c.userId)])), failed: [] };
}

/**
 * Removes the subscriptions in `created` whose owners, re-read now (one
 * consistent `BatchGetItem` per 100, none when `created` is empty), no longer
 * want them ({@link stillWantsCreation}): a change that landed after
 * {@link recheckCreations}, while the creations ran. `created` holds every
 * owner the run subscribed, also one whose state it recorded (that write's
 * condition is on the address, state and ARN, not on `status`: a departure
 * does not stop it). A removal refused because the subscription is pending
 * ({@link PendingSubscriptionNotRemovableError}: SNS cannot delete it) is
 * withdrawn with `pendingLeft`, not failed. A removal SNS refuses otherwise,
 * or a failed re-read, fails each one concerned (the subscription stays; the
 * next run plans for it).
 * @param key the plan's mailbox rule: a re-spelled address is still the one subscribed
 */
export async function withdrawAfterCreate(
  deps: ReconcilerDeps,
  created: readonly CreatedSubscription[],
  { concurrency, key }: { readonly concurrency: number; readonly key: MailboxKey },
): Promise<{
  withdrawn: WithdrawnSubscription[];
  failed: FailedOperation[];
  /** The owners withdrawn, as re-read (`undefined`: gone). */
  found: ReadonlyMap<string, OwnerRecord | undefined>;
}> {
  const removals = created.map((c): CreatedSubscriptionRemoval => ({ kind: 'withdraw', ...c }));
  if (removals.length === 0) return { withdrawn: [], failed: [], found: new Map() };
  let current: ReadonlyMap<string, OwnerRecord>;
  try {
    current = await deps.directory.getMany(removals.map((r) => r.userId));
  } catch (error: unknown) {
    const text = `re-reading the owners subscribed failed, subscription left: ${errorText(error)}`;
    return {
      withdrawn: [],
      failed: removals.map((operation) => ({ operation, error: text })),
      found: new Map(),
    };
  }
  const unwanted = removals.filter((r) => !stillWantsCreation(current.get(r.userId), r.email, key));
  const pendingLeft = new Set<string>();
  const refused = await attemptEach(unwanted, concurrency, async (r) => {
    if (!(await removeUnlessPending(deps.topic, r.subscriptionArn))) pendingLeft.add(r.userId);
  });
  const failedIds = new Set(refused.map((f) => f.operation.userId));
  return {
    withdrawn: unwanted
      .filter((r) => !failedIds.has(r.userId))
      .map((r) => ({ ...r, pendingLeft: pendingLeft.has(r.userId) })),
    failed: refused,
    found: new Map(unwanted.map((r) => [r.userId, current.get(r.userId)])),
  };
}

/**
 * Removes the subscription; false when SNS refused because it is pending confirmation
 * ({@link PendingSubscriptionNotRemovableError}). Any other refusal is thrown.
 */
async function removeUnlessPending(topic: TopicSubscriptions, subscriptionArn: string): Promise<boolean> {
  try {
    await topic.remove(subscriptionArn);
    return true;
  } catch (error: unknown) {
    if (error instanceof PendingSubscriptionNotRemovableError && error.subscriptionArn === subscriptionArn) {
      return false;
    }
    throw error;
  }
}

/**
 * True when `owner`, as the directory holds them now, still wants the subscription planned for `email`: at
 * its mailbox by `key` (another spelling of it is no move, as for the plan).
 */
function stillWantsCreation(owner: OwnerRecord | undefined, email: string, key: MailboxKey): boolean {
  return (
    owner !== undefined &&
    owner.status === 'active' &&
    owner.subscription !== 'unsubscribed' &&
    owner.email !== undefined &&
    key(owner.email) === key(email)
  );
}

/** Runs `apply` on each operation, `concurrency` at a time; returns the ones it threw for, with the error. */
export async function attemptEach<T extends FailedOperation['operation']>(
  operations: readonly T[],
  concurrency: number,
  apply: (operation: T) => Promise<void>,
): Promise<{ operation: T; error: string }[]> {
  const failed: { operation: T; error: string }[] = [];
  await mapWithConcurrency(operations, concurrency, async (operation) => {
    try {
      await apply(operation);
    } catch (error: unknown) {
      failed.push({ operation, error: errorText(error) });
    }
  });
  return failed;
}
