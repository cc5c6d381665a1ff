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
 */
import { collate } from './collate';
import { OWNER_SUBSCRIPTION_PROTOCOL } from './data-contract';
import { type MailboxKey, normalizeEmail } from './email-address-rules';
import type { OwnerReachVerdict } from './message';
import {
  hasFilterUnsafeCharacter,
  type OwnerDeliveryRoute,
  type OwnerRecord,
  type OwnerSubscriptionState,
} from './owner-directory';
import { confirmationsExhausted } from './subscription-confirmations';
import {
  guardMassUnsubscribe,
  hasOptedOut,
  type UnsubscribeGuardVerdict,
  unsubscribedState,
} from './subscription-opt-out';

/** What SNS lists instead of an ARN for a subscription awaiting confirmation: it cannot be read or unsubscribed. */
export const PENDING_CONFIRMATION_ARN = 'PendingConfirmation';

/** One subscription of the topic as the adapter read it. */
export interface TopicSubscription {
  /** The subscription ARN, or {@link PENDING_CONFIRMATION_ARN} when SNS hides it. */
  readonly arn: string;
  readonly protocol: string;
  readonly endpoint: string;
  /** The raw `FilterPolicy` JSON; absent when there is none, or it could not be read (arn-less pending). */
  readonly filterPolicy?: string;
  /** `MessageAttributes` (SNS's default when absent) or `MessageBody`. */
  readonly filterPolicyScope?: string;
  /** True until the recipient confirms (and again when SNS deactivates an email subscription). */
  readonly pending: boolean;
}

/** Why an owner subscription is removed. */
export type RemovalReason =
  | 'departed'
  | 'not-in-directory'
  | 'no-email'
  | 'address-changed'
  | 'duplicate'
  | 'shared-address'
  | 'unfilterable-id'
  | 'route-relay';

/** One change to the topic's subscriptions. */
export type SubscriptionOperation =
  | {
      readonly kind: 'create';
      readonly userId: string;
      readonly email: string;
      readonly filterPolicy: string;
    }
  | {
      readonly kind: 'repair';
      readonly userId: string;
      readonly subscriptionArn: string;
      readonly filterPolicy: string;
      /** The filter policy found. */
      readonly previous: string;
    }
  | {
      readonly kind: 'remove';
      readonly subscriptionArn: string;
      readonly endpoint: string;
      /** The owner the subscription was for (the first `userId` of its filter policy). */
      readonly userId: string;
      readonly reason: RemovalReason;
    };

/**
 * An active owner the reconciler cannot subscribe: SNS allows one
 * subscription per topic, protocol and address, and the address already has a
 * non-owner email subscription, or another active owner has the same address
 * (and keeps it); or the owner's `userId` holds a character an SNS filter
 * policy cannot be trusted to match ({@link hasFilterUnsafeCharacter}). The
 * owner's state is `none` (or stays `unsubscribed`): their events go to the admins.
 */
export interface SubscriptionConflict {
  readonly userId: string;
  readonly email: string;
  readonly reason: 'non-owner-subscription' | 'shared-address' | 'unfilterable-id';
  /** The non-owner email subscription of the address (reason `non-owner-subscription`). */
  readonly subscriptionArn?: string;
  /** The owner who keeps the address (reason `shared-address`). */
  readonly sharedWith?: string;
}

/**
 * An owner the plan does not subscribe again although they have no
 * subscription: the reconciler already sent `MAX_CONFIRMATION_EMAILS`
 * confirmation emails to their address and none was confirmed
 * (`subscription-confirmations.ts`). Recorded `none` with the count kept:
 * unreachable, `subscription-unconfirmed`, until the address changes or an
 * operator runs `pc-hygiene owners resubscribe` (docs/notifications.md,
 * "Pending subscriptions").
 */
export interface ExhaustedConfirmations {
  readonly userId: string;
  readonly email: string;
  /** The confirmation emails counted for the address ({@link OwnerRecord.confirmationEmailsSent}). */
  readonly confirmationEmailsSent: number;
}

/** Filter policies on the topic now and after the plan (what SNS's per-topic quota counts: subscription-quota.ts). */
export interface FilterPolicyCount {
  readonly current: number;
  readonly planned: number;
}

/** What the reconciler will do. */
export interface SubscriptionPlan {
  /** Removals first (they free quota), then repairs, then creations. */
  readonly operations: readonly SubscriptionOperation[];
  /**
   * Every directory owner's state once the plan is applied (created
   * subscriptions are `pending`; `confirmed` with the kept subscription's ARN;
   * an owner recorded `unsubscribed` keeps it, and its ARN, unless a
   * subscription of theirs is matched at their address).
   */
  readonly states: readonly OwnerSubscriptionState[];
  /** The mass-unsubscribe guard's verdict (held-back owners are `none`, without an ARN, in {@link states}). */
  readonly unsubscribeGuard: UnsubscribeGuardVerdict;
  readonly conflicts: readonly SubscriptionConflict[];
  /** Owners not subscribed again: their confirmation emails reached the limit unanswered, by `userId`. */
  readonly confirmationsExhausted: readonly ExhaustedConfirmations[];
  /** Subscriptions left alone: admin, machine, or unrecognisable (including arn-less pending ones of no owner). */
  readonly untouched: number;
  readonly filterPolicies: FilterPolicyCount;
}

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
 * The `ownerReach` verdicts an owner subscription receives: every digest the
 * drain did not judge unreachable (`unverified`: no directory to judge by, so
 * delivered as to any owner). An `unreachable` owner's digest is still
 * published, for machine subscribers, and its events go to the admins' report;
 * a subscription SNS still holds for that owner — at the address an import
 * just moved them away from, until the reconciler's next run removes it —
 * must not receive it (docs/notifications.md, "Message attributes and filter
 * policies").
 */
const DELIVERABLE_REACH: readonly OwnerReachVerdict[] = ['reachable', 'unverified'];

/**
 * The filter policy of an owner's subscription: that owner's digests, when
 * the drain judged them deliverable ({@link DELIVERABLE_REACH}). Within SNS's
 * limits for a filter policy (at most 5 keys, at most 150 value combinations):
 * 3 keys, 1 × 1 × 2 = 2 combinations.
 */
export function ownerFilterPolicy(userId: string): string {
  return JSON.stringify({ userId: [userId], audience: ['owner'], ownerReach: DELIVERABLE_REACH });
}

/**
 * True when `subscription` is an email subscription awaiting confirmation:
 * SNS lists it without its ARN, so its filter policy cannot be read and it
 * cannot be removed; the plan counts it as pending at its address, and never
 * lets it erase a recorded opt-out.
 */
export function isArnlessPendingEmail(subscription: TopicSubscription): boolean {
  return (
    subscription.protocol === OWNER_SUBSCRIPTION_PROTOCOL && subscription.arn === PENDING_CONFIRMATION_ARN
  );
}

/**
 * The `userId` values of an owner filter policy, or `undefined` when the
 * subscription is not a recognisable owner subscription (wrong protocol,
 * message-body scope, no or unparsable policy, no `userId` key, `audience`
 * without `owner`, or non-string values such as prefix matches). Other keys
 * do not matter: the current policy's `ownerReach`, or none (the policy of
 * earlier versions, which the plan repairs).
 */
export function ownerFilterUserIds(subscription: TopicSubscription): readonly string[] | undefined {
  if (
    subscription.protocol !== OWNER_SUBSCRIPTION_PROTOCOL ||
    subscription.arn === PENDING_CONFIRMATION_ARN
  ) {
    return undefined;
  }
  if ((subscription.filterPolicyScope ?? 'MessageAttributes') !== 'MessageAttributes') return undefined;
  const policy = parsePolicy(subscription.filterPolicy);
  const userIds = stringList(policy?.userId);
  const audience = stringList(policy?.audience);
  if (userIds === undefined || userIds.length === 0 || !audience?.includes('owner')) return undefined;
  return userIds;
}

/**
 * True when `filterPolicy` is exactly {@link ownerFilterPolicy} for `userId`
 * (key and value order aside). The two-key policy of earlier versions
 * (`userId` and `audience`, no `ownerReach`) is not: the plan repairs it.
 */
export function isOwnerFilterPolicy(filterPolicy: string | undefined, userId: string): boolean {
  const policy = parsePolicy(filterPolicy);
  if (policy === undefined || Object.keys(policy).length !== 3) return false;
  return (
    sameValues(stringList(policy.userId), [userId]) &&
    sameValues(stringList(policy.audience), ['owner']) &&
    sameValues(stringList(policy.ownerReach), DELIVERABLE_REACH)
  );
}

/** True when `list` holds exactly `expected`'s values, each once, in any order. */
function sameValues(list: readonly string[] | undefined, expected: readonly string[]): boolean {
  return (
    list !== undefined &&
    list.length === expected.length &&
    new Set(list).size === list.length &&
    expected.every((v) => list.includes(v))
  );
}

/**
 * A subscription's filter policy as a JSON object; `undefined` when there is none, or it is not valid JSON or not an
 * object (the one reading of a policy: the plan's and the admins' reach, `admin-reach.ts`).
 */
export function parsePolicy(json: string | undefined): Record<string, unknown> | undefined {
  if (json === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(json);
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function stringList(value: unknown): readonly string[] | undefined {
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : undefined;
}

/** An owner who should have a subscription, with the address compared (its mailbox key). */
interface WantedOwner {
  readonly owner: OwnerRecord & { readonly email: string };
  readonly address: string;
}

/** A subscription of the topic with its address (its mailbox key). */
interface KeyedSubscription {
  readonly subscription: TopicSubscription;
  readonly address: string;
}

/**
 * The topic's subscriptions, each keyed once: the key may be costly (the
 * Lambda's and the CLI's read Punycode), and the plan looks addresses up often.
 */
interface KeyedSubscriptions {
  /** Every subscription with its address, in listing order. */
  readonly all: readonly KeyedSubscription[];
  /** The subscriptions at each address, in listing order. */
  readonly byAddress: ReadonlyMap<string, readonly TopicSubscription[]>;
}

function keySubscriptions(subscriptions: readonly TopicSubscription[], key: MailboxKey): KeyedSubscriptions {
  const all = subscriptions.map((subscription) => ({ subscription, address: key(subscription.endpoint) }));
  const byAddress = new Map<string, TopicSubscription[]>();
  for (const { subscription, address } of all) {
    const atAddress = byAddress.get(address);
    if (atAddress === undefined) byAddress.set(address, [subscription]);
    else atAddress.push(subscription);
  }
  return { all, byAddress };
}

/** The topic's subscriptions sorted by what the plan does with them. */
interface Classified {
  /** Recognised owner subscriptions that match a wanted owner and address, per owner. */
  readonly matched: Map<string, TopicSubscription[]>;
  /** Recognised owner subscriptions that match no wanted owner. */
  readonly stray: { readonly subscription: TopicSubscription; readonly userIds: readonly string[] }[];
  /** Addresses with an arn-less pending email subscription (filter unknown; it expires by itself). */
  readonly pendingAddresses: Set<string>;
  /** Other email subscriptions by address: SNS refuses a second subscription of the same address. */
  readonly otherEmail: Map<string, TopicSubscription>;
  untouched: number;
}

/**
 * Plans the reconciliation of the topic's owner subscriptions with the directory.
 * Wanted: every `active` owner with an email (none on the `relay` route), one
 * per address ({@link keeperFirst} decides who keeps a shared one).
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

/**
 * The owners who should have a subscription, by `userId`, and the active
 * owners with an email left out: because another active owner with the same
 * address keeps it, or because their `userId` cannot be filtered on.
 */
function wantedOwners(
  owners: readonly OwnerRecord[],
  byAddress: KeyedSubscriptions['byAddress'],
  route: OwnerDeliveryRoute,
  key: MailboxKey,
): { wanted: Map<string, WantedOwner>; leftOut: SubscriptionConflict[] } {
  const wanted = new Map<string, WantedOwner>();
  const leftOut: SubscriptionConflict[] = [];
  if (route !== 'sns-email') return { wanted, leftOut };
  const sharersOf = new Map<string, WantedOwner[]>();
  for (const owner of owners) {
    const email = owner.email?.trim();
    if (owner.status !== 'active' || email === undefined || email === '') continue;
    if (hasFilterUnsafeCharacter(owner.userId)) {
      leftOut.push({ userId: owner.userId, email, reason: 'unfilterable-id' });
      continue;
    }
    const address = key(email);
    const sharers = sharersOf.get(address) ?? [];
    sharers.push({ owner: { ...owner, email }, address });
    sharersOf.set(address, sharers);
  }
  for (const [address, sharers] of sharersOf) {
    const [keeper, ...others] =
      sharers.length === 1 ? sharers : keeperFirst(sharers, byAddress.get(address) ?? []);
    if (keeper === undefined) continue;
    wanted.set(keeper.owner.userId, keeper);
    for (const { owner } of others) {
      leftOut.push({
        userId: owner.userId,
        email: owner.email,
        reason: 'shared-address',
        sharedWith: keeper.owner.userId,
      });
    }
  }
  return { wanted, leftOut };
}

/**
 * Who keeps an address several active owners share: the owner a confirmed
 * owner subscription of the address already names, else a pending one, else
 * one recorded `confirmed` or `unsubscribed` (a keeper who opted out keeps the
 * address while they share it, so no other sharer's subscription undoes the
 * opt-out; the opt-out is the owner's, so once they no longer share the
 * address the remaining owner is subscribed), else the first by `userId` — so
 * a working subscription is never moved, and every run picks the same owner.
 */
function keeperFirst(
  sharers: readonly WantedOwner[],
  atAddress: readonly TopicSubscription[],
): WantedOwner[] {
  const rank = ({ owner }: WantedOwner) => {
    const naming = atAddress.filter((s) => ownerFilterUserIds(s)?.includes(owner.userId));
    if (naming.some((s) => !s.pending)) return 0;
    if (naming.length > 0) return 1;
    return owner.subscription === 'confirmed' || owner.subscription === 'unsubscribed' ? 2 : 3;
  };
  return sharers
    .map((sharer) => ({ sharer, rank: rank(sharer) }))
    .sort((a, b) => a.rank - b.rank || collate(a.sharer.owner.userId, b.sharer.owner.userId))
    .map(({ sharer }) => sharer);
}

function classify(subscriptions: readonly KeyedSubscription[], wanted: Map<string, WantedOwner>): Classified {
  const out: Classified = {
    matched: new Map(),
    stray: [],
    pendingAddresses: new Set(),
    otherEmail: new Map(),
    untouched: 0,
  };
  for (const { subscription, address } of subscriptions) {
    const userIds = ownerFilterUserIds(subscription);
    if (userIds === undefined) {
      noteUnrecognised(out, subscription, address);
      continue;
    }
    const owner = userIds.find((id) => wanted.get(id)?.address === address);
    if (owner === undefined) out.stray.push({ subscription, userIds });
    else out.matched.set(owner, [...(out.matched.get(owner) ?? []), subscription]);
  }
  return out;
}

function noteUnrecognised(out: Classified, subscription: TopicSubscription, address: string): void {
  out.untouched += 1;
  if (subscription.protocol !== OWNER_SUBSCRIPTION_PROTOCOL) return;
  if (isArnlessPendingEmail(subscription)) out.pendingAddresses.add(address);
  else if (!out.otherEmail.has(address)) out.otherEmail.set(address, subscription);
}

/** Confirmed before pending, the exact policy before a wrong one, the directory's exact spelling first. */
function byPreference(owner: WantedOwner['owner']) {
  const rank = (s: TopicSubscription) =>
    (s.pending ? 4 : 0) +
    (isOwnerFilterPolicy(s.filterPolicy, owner.userId) ? 0 : 2) +
    (s.endpoint === owner.email ? 0 : 1);
  return (a: TopicSubscription, b: TopicSubscription) => rank(a) - rank(b) || collate(a.arn, b.arn);
}

function removalReason(
  userIds: readonly string[],
  owners: {
    readonly directory: ReadonlyMap<string, OwnerRecord>;
    readonly wanted: ReadonlyMap<string, WantedOwner>;
    /** Owners whose address another owner keeps. */
    readonly sharing: ReadonlySet<string>;
    /** Active owners with an email whose `userId` cannot be filtered on. */
    readonly unfilterable: ReadonlySet<string>;
  },
  route: OwnerDeliveryRoute,
): RemovalReason {
  const { directory, wanted, sharing, unfilterable } = owners;
  if (route !== 'sns-email') return 'route-relay';
  if (userIds.some((id) => wanted.has(id))) return 'address-changed';
  if (userIds.some((id) => unfilterable.has(id))) return 'unfilterable-id';
  if (userIds.some((id) => sharing.has(id))) return 'shared-address';
  const known = userIds.map((id) => directory.get(id)).filter((o) => o !== undefined);
  if (known.some((o) => o.status === 'departed')) return 'departed';
  return known.length > 0 ? 'no-email' : 'not-in-directory';
}

function removal(
  subscription: TopicSubscription,
  userId: string,
  reason: RemovalReason,
): SubscriptionOperation {
  return {
    kind: 'remove',
    subscriptionArn: subscription.arn,
    endpoint: subscription.endpoint,
    userId,
    reason,
  };
}

function repair(subscription: TopicSubscription, userId: string): SubscriptionOperation {
  return {
    kind: 'repair',
    userId,
    subscriptionArn: subscription.arn,
    filterPolicy: ownerFilterPolicy(userId),
    previous: subscription.filterPolicy ?? '',
  };
}

/**
 * True when `filterPolicy` lets through every digest of `userId` that the
 * drain judged deliverable (`ownerReach` `reachable` or `unverified`), as
 * {@link ownerFilterPolicy} does: the keys `userId` and `audience`, exact
 * string values naming the owner and `owner`, and optionally `ownerReach`
 * naming both verdicts (docs/notifications.md, "Message attributes and filter
 * policies"). The two-key policy of earlier versions qualifies (it also lets
 * unreachable digests through: a superset); any other key, or an `ownerReach`
 * without one of the two, might hold some back (e.g. `severity`, or
 * `ownerReach: ["unverified"]`).
 */
export function deliversEveryDeliverableDigest(filterPolicy: string | undefined, userId: string): boolean {
  const policy = parsePolicy(filterPolicy);
  if (policy === undefined) return false;
  const keys = Object.keys(policy);
  const known = ['userId', 'audience', 'ownerReach'];
  if (!keys.every((k) => known.includes(k))) return false;
  const reach = policy.ownerReach === undefined ? DELIVERABLE_REACH : stringList(policy.ownerReach);
  return (
    stringList(policy.userId)?.includes(userId) === true &&
    stringList(policy.audience)?.includes('owner') === true &&
    DELIVERABLE_REACH.every((v) => reach?.includes(v) === true)
  );
}

/**
 * Filter policies on the topic as SNS counts them. An arn-less pending
 * subscription's policy cannot be read: it is counted (conservatively) as
 * holding one until it is confirmed or expires.
 */
function countFilterPolicies(subscriptions: readonly TopicSubscription[]): number {
  return subscriptions.filter((s) => s.filterPolicy !== undefined || s.arn === PENDING_CONFIRMATION_ARN)
    .length;
}

/**
 * The plan without the creations for `userIds` (their planned states stay,
 * as for any state not recorded); the filter policies it adds drop with them.
 * The reconciler's re-check drops the owners withdrawn while it ran; a run
 * stopped at the quota, those the quota leaves out (`withinQuota`, subscription-quota.ts).
 */
export function withoutCreationsFor(plan: SubscriptionPlan, userIds: ReadonlySet<string>): SubscriptionPlan {
  if (userIds.size === 0) return plan;
  const operations = plan.operations.filter((o) => o.kind !== 'create' || !userIds.has(o.userId));
  return {
    ...plan,
    operations,
    filterPolicies: {
      ...plan.filterPolicies,
      planned: plan.filterPolicies.planned - (plan.operations.length - operations.length),
    },
  };
}
