/**
 * The subscription reconciler's plan (docs/notifications.md, "Subscription
 * reconciler"): from the owner directory and the topic's current
 * subscriptions, which SNS email subscriptions to create, repair or remove so
 * that every active owner with an email has exactly one subscription filtered
 * on their `userId` and on the digests the drain judged deliverable
 * ({@link ownerFilterPolicy}), and what each owner's subscription state will be.
 *
 * It touches only subscriptions it recognises as owner subscriptions (email
 * protocol, a filter policy on message attributes with exact `userId` values
 * and `audience` containing `owner`); admin and machine subscribers are never
 * planned for. SNS allows one subscription per topic, protocol and address,
 * so owners who share an address are one subscription: one owner keeps it,
 * the others are reported as conflicts (never subscribed: SNS would refuse it
 * on every run). An address is a mailbox as the injected rule tells them
 * apart ({@link SubscriptionPlanInput.mailboxKey}): the Lambda and the CLI give
 * the relay's, so a directory address that changes only in spelling (letter
 * case, a domain in Punycode or Unicode) keeps its confirmed subscription.
 *
 * An owner who unsubscribed (the link in an SNS email deletes their confirmed
 * subscription) is not subscribed again: the recorded `confirmed` whose
 * recorded subscription of this topic is no longer listed becomes
 * `unsubscribed` (`subscription-opt-out.ts`: the evidence rule and the
 * mass-unsubscribe guard; `owners unsubscribe` records it by hand), which stays until a subscription of theirs is
 * matched at the address, the import moves the owner to an address they did
 * not opt out at, or an operator resets it (`owners resubscribe`). Every removal the reconciler makes
 * itself either leaves the owner a subscription (a duplicate's keeper, the
 * new address's) or records them `none` in the same run, so no later run
 * reads it as an opt-out. An owner whose address already got
 * `MAX_CONFIRMATION_EMAILS` confirmation emails, none confirmed, is not
 * subscribed again either ({@link ExhaustedConfirmations}: `subscription-confirmations.ts`).
 * Whether SNS's filter-policy quota lets the plan through, and what a run
 * stopped at it applies: `subscription-quota.ts`.
 * Pure: no AWS imports, no clock, no I/O.
 *
 * Here: the entry, {@link planSubscriptions}, its input, and the plan's public names, re-exported from its parts in
 * `subscription-plan/` so its importers need not know them: a subscription of the topic (`topic-subscription.ts`),
 * the plan's shapes (`types.ts`), the owner filter policy (`filter-policy.ts`), the subscriptions keyed by address
 * (`keyed-subscriptions.ts`), the owners wanted and who keeps a shared address (`wanted-owners.ts`), the
 * subscriptions sorted (`classify.ts`), the removals and repairs (`operations.ts`), and the filter policies counted
 * (`filter-policy-count.ts`).
 */
import { collate } from './collate';
import { type MailboxKey, normalizeEmail } from './email-address-rules';
import type { OwnerDeliveryRoute, OwnerRecord, OwnerSubscriptionState } from './owner-directory';
import { confirmationsExhausted } from './subscription-confirmations';
import { guardMassUnsubscribe, hasOptedOut, unsubscribedState } from './subscription-opt-out';
import { classify } from './subscription-plan/classify';
import { isOwnerFilterPolicy, ownerFilterPolicy } from './subscription-plan/filter-policy';
import { countFilterPolicies } from './subscription-plan/filter-policy-count';
import { keySubscriptions } from './subscription-plan/keyed-subscriptions';
import { byPreference, removal, removalReason, repair } from './subscription-plan/operations';
import type { TopicSubscription } from './subscription-plan/topic-subscription';
import type {
  ExhaustedConfirmations,
  SubscriptionConflict,
  SubscriptionOperation,
  SubscriptionPlan,
} from './subscription-plan/types';
import { wantedOwners } from './subscription-plan/wanted-owners';

export {
  deliversEveryDeliverableDigest,
  isOwnerFilterPolicy,
  ownerFilterPolicy,
  ownerFilterUserIds,
  parsePolicy,
} from './subscription-plan/filter-policy';
export { withoutCreationsFor } from './subscription-plan/filter-policy-count';
export type { TopicSubscription } from './subscription-plan/topic-subscription';
export { isArnlessPendingEmail, PENDING_CONFIRMATION_ARN } from './subscription-plan/topic-subscription';
export type {
  ExhaustedConfirmations,
  FilterPolicyCount,
  RemovalReason,
  SubscriptionConflict,
  SubscriptionOperation,
  SubscriptionPlan,
} from './subscription-plan/types';

/** The input of {@link planSubscriptions}. */
export interface SubscriptionPlanInput {
  readonly owners: readonly OwnerRecord[];
  readonly subscriptions: readonly TopicSubscription[];
  /** The topic reconciled: only a recorded subscription of this topic that is no longer listed is an opt-out. */
  readonly topicArn: string;
  /** `relay` wants no owner email subscription: the relay sends owner email, SNS would send it twice. */
  readonly route: OwnerDeliveryRoute;
  /** Record the run's new opt-outs even past the mass-unsubscribe guard (an operator's one-run override). */
  readonly allowMassUnsubscribe?: boolean;
  /**
   * How addresses are told apart: two are one mailbox when their keys are
   * equal ({@link MailboxKey}). Default: {@link normalizeEmail} (trimmed,
   * case-insensitive, NFC). The reconciler Lambda
   * and `owners sync-subscriptions` pass the relay's Punycode-aware
   * `mailboxKey` (lambdas/relay/ses-address.ts; the domain cannot read
   * Punycode without `node:url`), so `bob@bücher.example` and
   * `bob@xn--bcher-kva.example` are one address, as for the import and the relay.
   */
  readonly mailboxKey?: MailboxKey;
}

/**
 * Plans the reconciliation of the topic's owner subscriptions with the directory.
 * Wanted: every `active` owner with an email (none on the `relay` route), one
 * per address (`keeperFirst`, `subscription-plan/wanted-owners.ts`, decides who keeps a shared one).
 */
export function planSubscriptions(input: SubscriptionPlanInput): SubscriptionPlan {
  const key = input.mailboxKey ?? normalizeEmail;
  const keyed = keySubscriptions(input.subscriptions, key);
  const { wanted, leftOut } = wantedOwners(input.owners, keyed.byAddress, input.route, key);
  const directory = new Map(input.owners.map((o) => [o.userId, o]));
  const classified = classify(keyed.all, wanted);
  const leftOutFor = (reason: SubscriptionConflict['reason']) =>
    new Set(leftOut.filter((c) => c.reason === reason).map((c) => c.userId));
  const owners = {
    directory,
    wanted,
    sharing: leftOutFor('shared-address'),
    unfilterable: leftOutFor('unfilterable-id'),
  };
  const removals = classified.stray.map(({ subscription, userIds }) =>
    removal(subscription, userIds[0] ?? '', removalReason(userIds, owners, input.route)),
  );
  const repairs: SubscriptionOperation[] = [];
  const creations: SubscriptionOperation[] = [];
  const conflicts: SubscriptionConflict[] = [...leftOut];
  const exhausted: ExhaustedConfirmations[] = [];
  const stateOf = new Map<string, Omit<OwnerSubscriptionState, 'userId'>>();
  const listedArns = new Set(input.subscriptions.map((s) => s.arn));
  for (const { owner, address } of wanted.values()) {
    const found = classified.matched.get(owner.userId) ?? [];
    if (found.length > 0) {
      const [keep, ...duplicates] = [...found].sort(byPreference(owner));
      removals.push(...duplicates.map((d) => removal(d, owner.userId, 'duplicate')));
      if (!isOwnerFilterPolicy(keep!.filterPolicy, owner.userId)) repairs.push(repair(keep!, owner.userId));
      stateOf.set(owner.userId, keep!.pending ? PENDING : { state: 'confirmed', subscriptionArn: keep!.arn });
    } else if (classified.pendingAddresses.has(address) && owner.subscription !== 'unsubscribed') {
      // An arn-less pending one at the address (filter unknown) never erases a recorded opt-out.
      stateOf.set(owner.userId, PENDING);
    } else if (classified.otherEmail.has(address)) {
      const other = classified.otherEmail.get(address)!;
      conflicts.push({
        userId: owner.userId,
        email: owner.email,
        reason: 'non-owner-subscription',
        subscriptionArn: other.arn,
      });
    } else if (hasOptedOut(owner, input.topicArn, listedArns)) {
      stateOf.set(owner.userId, unsubscribedState(owner));
    } else if (confirmationsExhausted(owner.confirmationEmailsSent)) {
      // Not subscribed again: no new confirmation email; `none` (no subscription), the count kept by the reconciler.
      const { userId, email, confirmationEmailsSent: sent = 0 } = owner;
      exhausted.push({ userId, email, confirmationEmailsSent: sent });
      stateOf.set(userId, { state: 'none' });
    } else {
      const filterPolicy = ownerFilterPolicy(owner.userId);
      creations.push({ kind: 'create', userId: owner.userId, email: owner.email.trim(), filterPolicy });
      stateOf.set(owner.userId, PENDING);
    }
  }
  const current = countFilterPolicies(input.subscriptions);
  const guarded = guardMassUnsubscribe(
    input.owners,
    input.owners.map((o) => ({ userId: o.userId, ...(stateOf.get(o.userId) ?? unwantedState(o)) })),
    input.allowMassUnsubscribe,
  );
  return {
    operations: [...removals, ...repairs, ...creations],
    states: guarded.states,
    unsubscribeGuard: guarded.verdict,
    conflicts: conflicts.sort((a, b) => collate(a.userId, b.userId)),
    confirmationsExhausted: exhausted.sort((a, b) => collate(a.userId, b.userId)),
    untouched: classified.untouched,
    filterPolicies: { current, planned: current - removals.length + creations.length },
  };
}

/** The state of an owner with a subscription awaiting confirmation (no ARN recorded). */
const PENDING = { state: 'pending' } as const;

/**
 * The state of an owner the plan gives no subscription to (not wanted, or a
 * conflict): `none`, except that an opt-out stays recorded — an owner who
 * unsubscribed is not subscribed again because they left, came back, or
 * the route went to `relay` and back; only a move to an address they did not
 * opt out at (the import) or an operator clears it.
 */
function unwantedState(owner: OwnerRecord): Omit<OwnerSubscriptionState, 'userId'> {
  return owner.subscription === 'unsubscribed' ? unsubscribedState(owner) : { state: 'none' };
}
