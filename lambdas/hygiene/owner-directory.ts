/**
 * The owner directory (docs/notifications.md, "Owner reach"): who owns a
 * credential, how to reach them, and whether they are still with the company.
 * Publishing to SNS is not delivery, so the notifier asks this directory
 * whether an owner is reachable on the configured route before it trusts a
 * published digest to have reached a person. Pure types and rules: the
 * DynamoDB adapter lives in `lambdas/aws/`.
 */
import { hasNonAsciiLocalPart, localPartSpecial } from './email-address-rules';
import { errorText } from './errors';
import { confirmationLimitReached, MAX_CONFIRMATION_EMAILS } from './subscription-confirmations';
import { AFTER_NOW_TOLERANCE_MS, DAY_MS, parseInstant } from './time';

/** How owner email leaves the worker: per-owner SNS email subscriptions, or the SES relay. */
export const OWNER_DELIVERY_ROUTES = ['sns-email', 'relay'] as const;
export type OwnerDeliveryRoute = (typeof OWNER_DELIVERY_ROUTES)[number];

/** An owner's employment state as the directory's source (HR, IdP export) says. */
export const OWNER_STATUSES = ['active', 'departed'] as const;
export type OwnerStatus = (typeof OWNER_STATUSES)[number];

/**
 * The state of an owner's SNS email subscription, recorded by the subscription
 * reconciler. `unsubscribed`: the owner's confirmed subscription was deleted
 * outside the reconciler (the unsubscribe link of an SNS email), an
 * operator recorded their opt-out (`pc-hygiene owners unsubscribe`), or SES
 * reported their complaint about a relay email (they marked it as spam): the reconciler
 * does not subscribe them again, and the owner is unreachable on **both**
 * routes (the relay does not email them either: it is the person's own "stop"),
 * until the owner moves to an address they did not opt out at, or an operator
 * runs `pc-hygiene owners resubscribe` (docs/notifications.md, "Subscription
 * reconciler"). The opt-out belongs to the address: an import that moves the
 * owner away remembers it ({@link OwnerRecord.optedOutAddresses}) and records
 * it again if they move back. The other states matter to `sns-email` only.
 */
export const SUBSCRIPTION_STATES = ['confirmed', 'pending', 'none', 'unsubscribed'] as const;
export type SubscriptionState = (typeof SUBSCRIPTION_STATES)[number];

/** One owner as stored in the directory. */
export interface OwnerRecord {
  readonly userId: string;
  /** Where owner email goes; absent when the source has none. */
  readonly email?: string;
  /** Display name, used to greet the owner in digests. */
  readonly name?: string;
  readonly status: OwnerStatus;
  /**
   * The owner's subscription state, recorded by the `sns-email` reconciler;
   * absent until it has run. `unsubscribed` also holds on `relay` ({@link reachabilityOf}).
   */
  readonly subscription?: SubscriptionState;
  /**
   * `sns-email` route only: the ARN of the confirmed subscription the state is
   * about (`confirmed`: the one SNS lists; `unsubscribed`: the one that
   * vanished). It names its topic (`<topic ARN>:<id>`), so the reconciler
   * takes its absence for an opt-out only on that topic.
   */
  readonly subscriptionArn?: string;
  /**
   * `sns-email` route: the SNS confirmation emails the reconciler caused for
   * `email` while the owner has not confirmed (one per `Subscribe` it made;
   * absent: none counted). Removed once the owner confirms, when the address
   * changes (an import), and by `pc-hygiene owners resubscribe`. At
   * {@link MAX_CONFIRMATION_EMAILS} the reconciler sends no more
   * (`subscription-confirmations.ts`; docs/data-model.md, "Owner directory").
   */
  readonly confirmationEmailsSent?: number;
  /**
   * `relay` route: when SES reported a permanent bounce for `email` (canonical UTC); absent when not bouncing: never
   * bounced, moved to another address since, or cleared by an operator (`pc-hygiene owners clear-bouncing`). (A
   * complaint records `unsubscribed` instead; one recorded before that change set this, and still reads as a bounce.)
   */
  readonly bouncingSince?: string;
  /**
   * The addresses the owner opted out at and then moved away from, as
   * `optedOutAddressDigest`s (SHA-256 hex of the normalised address, sorted;
   * `opted-out-address.ts`), so an import that moves them back to one records
   * `unsubscribed` again (docs/data-model.md, "Owner directory"). Written
   * whole by the import, and added to by the SES events function (a complaint
   * about an address the owner had moved away from); absent when empty.
   */
  readonly optedOutAddresses?: readonly string[];
  /** When this record was last written by an import (canonical UTC). */
  readonly updatedAt?: string;
}

/** Why an owner cannot be reached; the `owner-unreachable` report names it. */
export const UNREACHABLE_REASONS = [
  'not-in-directory',
  'departed',
  'no-email',
  'subscription-pending',
  'subscription-unconfirmed',
  'unsubscribed',
  'no-subscription',
  'bouncing',
  'unsendable-address',
] as const;
export type UnreachableReason = (typeof UNREACHABLE_REASONS)[number];

/** The verdict on one owner. */
export type Reachability =
  | { readonly reachable: true }
  | { readonly reachable: false; readonly reason: UnreachableReason };

/**
 * Whether Amazon SES can be asked to send to `address`: the rule that judges
 * owner reach on `relay` (`unsendable-address`, {@link reachabilityOf}). The
 * full rule (a domain with a Punycode form that is not an IP address:
 * `lambdas/relay/ses-address.ts`, `isSesSendable`, the very rule the relay's
 * sender applies) needs `node:url`, so the domain takes it from its callers;
 * without one it falls back to {@link plainLocalPart}.
 */
export type SendableAddress = (address: string) => boolean;

/**
 * The domain's own part of {@link SendableAddress}: the address is ASCII before the @ ({@link hasNonAsciiLocalPart})
 * and holds no special character there ({@link localPartSpecial}).
 */
const plainLocalPart: SendableAddress = (address) =>
  !hasNonAsciiLocalPart(address) && localPartSpecial(address) === undefined;

/**
 * Characters SNS's attribute-based filter policies need "double escaped", or
 * the policy "will not match the attributes of a published message, and the
 * notification will not be delivered" (AWS, "Filter policy constraints in
 * Amazon SNS"): the double quote and the backslash. What that escaping is
 * exactly cannot be checked without SNS, so the reconciler does not subscribe
 * an owner whose `userId` holds one (`SubscriptionConflict` `unfilterable-id`,
 * `subscription-plan.ts`): a subscription SNS reports confirmed whose filter
 * never matches would drop every digest while the owner counts as reachable.
 * For the same reason {@link reachabilityOf} never judges such an owner
 * reachable on `sns-email`, whatever state is recorded.
 */
const FILTER_UNSAFE_CHARACTER = /["\\]/;

/** Whether `userId` holds a character an SNS filter policy cannot be trusted to match (`"` or `\`). */
export function hasFilterUnsafeCharacter(userId: string): boolean {
  return FILTER_UNSAFE_CHARACTER.test(userId);
}

/**
 * Whether an owner's digest reaches a person on `route`: the owner is in the
 * directory, `active`, has an email, has not unsubscribed, and the route can
 * deliver to it (`sns-email`: a confirmed subscription whose filter policy can
 * match their `userId`; `relay`: the address is not bouncing, and SES can send
 * to it). The first
 * reason that applies is reported, in the order of {@link UNREACHABLE_REASONS}
 * (`subscription-pending`, `subscription-unconfirmed`, `unsubscribed` and
 * `no-subscription` exclude each other).
 *
 * On `sns-email`, an owner without a confirmed subscription to whose address
 * the reconciler already sent {@link MAX_CONFIRMATION_EMAILS} confirmation
 * emails, none answered, is `subscription-unconfirmed` once no link of theirs
 * is pending any more (recorded `none`: the reconciler sends no more; while
 * the last link is still pending, `subscription-pending`).
 *
 * On `sns-email`, an owner whose `userId` SNS cannot filter on
 * ({@link hasFilterUnsafeCharacter}) is `no-subscription` even when recorded
 * `confirmed` or `pending` (subscribed before the reconciler refused such ids):
 * no subscription of theirs can match a digest, and the reconciler removes it
 * on its next run (`unfilterable-id`). Their events go to the admins' report.
 *
 * `unsubscribed` (the unsubscribe link of an SNS email, or an opt-out an
 * operator recorded with `pc-hygiene owners unsubscribe`) holds
 * on both routes: the relay does not email a person who said "stop" either.
 * It comes before `bouncing` because it is the person's own choice, and it
 * names the way back (`pc-hygiene owners resubscribe`, or a move by the import
 * to an address they did not opt out at: moved back to one they did, the
 * import records `unsubscribed` again), while a bounce is a fact about the address. The other
 * subscription states (`pending`, `none`, `confirmed`) do not matter on
 * `relay` (docs/notifications.md, "Owner reach").
 *
 * On `relay`, an owner whose address SES cannot be asked to send to
 * (`sendable` says no: `josé@corp.example`, `x,y@example.com`, `bob@example.123`, `bob@0x7f.1`)
 * is `unsendable-address`, so their events go to the admins' report instead
 * of failing at SES and landing in the relay's DLQ. On `sns-email` the
 * verdict does not look at the address (what SNS does with such an endpoint
 * is not documented; the subscription's confirmation decides).
 * @param owner the directory's record, or `undefined` when the owner is not in it
 * @param sendable whether SES can send to an address (`relay` only); callers outside the domain pass
 *   `isSesSendable` (`lambdas/relay/ses-address.ts`), the rule the relay's sender applies
 */
export function reachabilityOf(
  owner: OwnerRecord | undefined,
  route: OwnerDeliveryRoute,
  sendable: SendableAddress = plainLocalPart,
): Reachability {
  if (owner === undefined) return { reachable: false, reason: 'not-in-directory' };
  if (owner.status === 'departed') return { reachable: false, reason: 'departed' };
  if (owner.email === undefined || owner.email === '') return { reachable: false, reason: 'no-email' };
  if (owner.subscription === 'unsubscribed') return { reachable: false, reason: 'unsubscribed' };
  if (route === 'relay') {
    if (owner.bouncingSince !== undefined) return { reachable: false, reason: 'bouncing' };
    if (!sendable(owner.email)) return { reachable: false, reason: 'unsendable-address' };
    return { reachable: true };
  }
  if (hasFilterUnsafeCharacter(owner.userId)) return { reachable: false, reason: 'no-subscription' };
  if (owner.subscription === 'confirmed') return { reachable: true };
  if (owner.subscription === 'pending') return { reachable: false, reason: 'subscription-pending' };
  if (confirmationLimitReached(owner)) return { reachable: false, reason: 'subscription-unconfirmed' };
  return { reachable: false, reason: 'no-subscription' };
}

/** When the directory was last synced from its source, and how many owners it holds. */
export interface DirectoryFreshness {
  /** The instant the last imported snapshot reflects (`owners import --as-of`), canonical UTC; absent when never imported. */
  readonly asOf?: string;
  /** Owners in the directory. */
  readonly owners: number;
}

/**
 * Why a directory may not be used to judge owners departed (orphan rule), or `undefined` when it may.
 * `ahead`: its snapshot is more than {@link AFTER_NOW_TOLERANCE_MS} after the run's `now`.
 */
export type DirectoryUnusableReason = 'no-directory' | 'empty' | 'stale' | 'ahead';

/**
 * Whether the directory is trustworthy enough to orphan credentials: it must
 * exist, hold at least one owner, and reflect a snapshot no older than
 * `maxAgeDays` at the run's `now`, nor more than {@link AFTER_NOW_TOLERANCE_MS}
 * after it. A stale HR export must never cause deletions, nor one taken
 * after the instant the run decides at.
 * @param now the run's `now`, epoch ms
 * @param asOfMs the snapshot instant, epoch ms (parsed from {@link DirectoryFreshness.asOf})
 */
export function directoryUnusableReason(
  freshness: DirectoryFreshness | undefined,
  asOfMs: number | undefined,
  maxAgeDays: number,
  now: number,
): DirectoryUnusableReason | undefined {
  if (freshness === undefined) return 'no-directory';
  if (freshness.owners === 0) return 'empty';
  if (asOfMs !== undefined && asOfMs > now + AFTER_NOW_TOLERANCE_MS) return 'ahead';
  if (snapshotIsStale(asOfMs, maxAgeDays, now)) return 'stale';
  return undefined;
}

/**
 * True when the directory's snapshot instant is unknown or older than
 * `maxAgeDays` at `now` (`directoryMaxAgeDays`; epoch ms).
 */
export function snapshotIsStale(asOfMs: number | undefined, maxAgeDays: number, now: number): boolean {
  return asOfMs === undefined || now - asOfMs > maxAgeDays * DAY_MS;
}

/**
 * Whether a configured directory can judge owners on `route`: once it has
 * been imported, and on `relay` always. The relay addresses its emails from
 * this very table, so an owner it does not list (every owner, before the
 * first import) cannot be emailed: judging them `not-in-directory` is the
 * truth, and sends their events to the admins instead of to nobody
 * (docs/notifications.md, "Owner reach").
 * @param imported the directory's freshness item exists (it was imported at least once)
 */
export function directoryJudgesReach(route: OwnerDeliveryRoute, imported: boolean): boolean {
  return imported || route === 'relay';
}

/** Reads owners by id: what the notifier, the sweep and the relay need from the directory. */
export interface OwnerDirectory {
  /** The directory's freshness, or `undefined` when no directory is configured or it was never imported. */
  freshness(): Promise<DirectoryFreshness | undefined>;
  /** The records of the given owners (absent ones are simply missing from the map). */
  getMany(userIds: readonly string[]): Promise<ReadonlyMap<string, OwnerRecord>>;
}

/** One owner's subscription state, as the subscription reconciler found or left it. */
export interface OwnerSubscriptionState {
  readonly userId: string;
  readonly state: SubscriptionState;
  /** The subscription the state is about ({@link OwnerRecord.subscriptionArn}); absent for `pending` and `none`. */
  readonly subscriptionArn?: string;
}

/** An owner's recorded subscription state, ARN and confirmation emails counted, as a run read them. */
export type RecordedSubscription = Pick<
  OwnerRecord,
  'subscription' | 'subscriptionArn' | 'confirmationEmailsSent'
>;

/**
 * A subscription state to record, with what it was planned from. A state
 * belongs to an address (an import that changes the `email` clears it, or
 * records the opt-out remembered for the new address: docs/data-model.md,
 * "Owner directory"), so it is recorded only while the
 * directory still holds that address; and only while it still holds the
 * state, ARN and confirmation count the run read, so an overlapping run's
 * newer state is never overwritten with a stale one, nor its count lost.
 */
export interface PlannedSubscriptionState extends OwnerSubscriptionState {
  /** The owner's `email` as the reconciler read it; `undefined` when they had none. */
  readonly email: string | undefined;
  /** The state, ARN and count as the reconciler read them (absent: none recorded). */
  readonly read: RecordedSubscription;
  /**
   * {@link OwnerRecord.confirmationEmailsSent} as the write leaves it: the
   * count read, one more after a `Subscribe` (the reconciler), or absent:
   * removed (a `confirmed` owner; `owners resubscribe`, which sends one more).
   */
  readonly confirmationEmailsSent?: number;
  /**
   * Recorded only while the owner still reads as `active` (their `status` is not `departed`), as they were read. The
   * subscription reconciler sets it on a state naming a subscription ARN (`confirmed`, `unsubscribed`) for an owner
   * it read `active`: that ARN is what a later run takes an opt-out from when the topic no longer lists it, and an
   * overlapping run removes the subscription of an owner marked `departed` meanwhile (docs/notifications.md,
   * "Subscription reconciler"). Absent: the owner's `status` is no part of the condition.
   */
  readonly whileActive?: true;
}

/**
 * `planned` as a state to record for `owner`, planned from the owner as read:
 * their address ({@link PlannedSubscriptionState.email}) and recorded state
 * and ARN ({@link PlannedSubscriptionState.read}), so it is written only
 * while the directory still holds them. The one "state as read" snapshot of
 * the subscription reconciler and of `owners unsubscribe`/`owners resubscribe`.
 * @param owner the owner as the writer read them
 * @param planned the state to record, with the ARN of the subscription it is about (if any)
 * @param confirmationEmailsSent the count the write leaves ({@link PlannedSubscriptionState.confirmationEmailsSent}; absent: removed)
 */
export function plannedStateFor(
  owner: OwnerRecord,
  planned: Omit<OwnerSubscriptionState, 'userId'>,
  confirmationEmailsSent?: number,
): PlannedSubscriptionState {
  return {
    userId: owner.userId,
    state: planned.state,
    ...(planned.subscriptionArn !== undefined && { subscriptionArn: planned.subscriptionArn }),
    email: owner.email,
    read: {
      ...(owner.subscription !== undefined && { subscription: owner.subscription }),
      ...(owner.subscriptionArn !== undefined && { subscriptionArn: owner.subscriptionArn }),
      ...(owner.confirmationEmailsSent !== undefined && {
        confirmationEmailsSent: owner.confirmationEmailsSent,
      }),
    },
    ...(confirmationEmailsSent !== undefined && { confirmationEmailsSent }),
  };
}

/**
 * What the subscription reconciler (`sns-email` route) needs from the
 * directory: every owner, the owners it is about to subscribe read again,
 * and a place to record each owner's subscription state
 * (docs/notifications.md, "Subscription reconciler").
 */
export interface OwnerSubscriptionRegistry {
  /** Every owner in the directory, whatever their status. */
  listOwners(): Promise<readonly OwnerRecord[]>;
  /**
   * The records of the given owners as the directory holds them now (a
   * strongly consistent read: a write that completed before the call is
   * seen); absent ones are missing from the map. The reconciler re-reads
   * the owners it is about to subscribe, so an opt-out, a departure or a
   * new address recorded while it ran is honoured.
   */
  getMany(userIds: readonly string[]): Promise<ReadonlyMap<string, OwnerRecord>>;
  /**
   * Records each given owner's subscription state and ARN, and the
   * confirmation emails counted ({@link PlannedSubscriptionState.confirmationEmailsSent}),
   * only while the directory still holds that owner with the address, state,
   * ARN and count the state was planned from ({@link PlannedSubscriptionState.email},
   * {@link PlannedSubscriptionState.read}) and, for a state planned
   * {@link PlannedSubscriptionState.whileActive}, still `active`. Nothing is written for an owner
   * no longer in the directory (never re-created by this write), whose
   * address changed meanwhile (the import's cleared state stands), whose
   * state another run or an operator changed meanwhile (theirs stands), or,
   * so, who was marked `departed` meanwhile; the next reconciler run plans again.
   * @returns the `userId`s not recorded for any of these reasons
   */
  recordSubscriptionStates(states: readonly PlannedSubscriptionState[]): Promise<readonly string[]>;
}

/**
 * What the sweep reads from the directory, once per run, to apply the orphan
 * rule (docs/rules.md, "Orphaned credentials"): whether the directory may be
 * trusted, and who has left.
 */
export interface DepartedOwners {
  /** As {@link OwnerDirectory.freshness}. */
  freshness(): Promise<DirectoryFreshness | undefined>;
  /** Every owner the directory marks `departed`. */
  departedUserIds(): Promise<ReadonlySet<string>>;
}

/**
 * Everything the sweep reads from the directory: the orphan rule's
 * {@link DepartedOwners}, and the owners who got events this run, looked up
 * by id for the run summary's reach section (docs/sweep.md, "Owner reach").
 */
export interface SweepOwnerDirectory extends DepartedOwners, Pick<OwnerDirectory, 'getMany'> {}

/**
 * What the SES bounce and complaint handler writes to the directory (route
 * `relay`), each conditional on the owner's address as the handler read it:
 * while the directory still holds the address the relay sent to, a permanent
 * bounce marks the address bouncing (a fact about the address, until the
 * directory is updated) and a complaint records the owner `unsubscribed` at
 * it (the person's own "stop", remembered for that address like any
 * opt-out); once an import has moved the owner away from it, a complaint is
 * remembered for that address only ({@link OwnerBounceRecorder.rememberOptedOutAddresses};
 * docs/notifications.md, "Email relay").
 */
export interface OwnerBounceRecorder {
  /**
   * Marks `userId`'s address bouncing since `since` (canonical UTC), only
   * while the directory still holds `email` for them; keeps the first instant.
   * @returns false when the owner is absent or their address has changed (nothing written)
   */
  markBouncing(userId: string, email: string, since: string): Promise<boolean>;
  /**
   * Records `userId` `unsubscribed` (an SES complaint: the person marked the
   * notice as spam), only while the directory still holds `email` for them,
   * in exactly this spelling: the opt-out is then the owner's at that address
   * ({@link OwnerRecord.subscription}; an import that moves them away
   * remembers it in {@link OwnerRecord.optedOutAddresses}). Nothing else is
   * written: not `updatedAt` (an import's own write), nor the recorded
   * `subscriptionArn` (see the store's method for why).
   * @returns false when the owner is absent or their address has changed (nothing written)
   */
  recordComplaint(userId: string, email: string): Promise<boolean>;
  /**
   * Remembers opt-outs at addresses `userId` no longer holds (an SES
   * complaint about an email the relay sent to an address an import has
   * since moved them away from): adds `digests` (`optedOutAddressDigest`s)
   * to {@link OwnerRecord.optedOutAddresses}, as an import that moved them
   * away after the complaint would have, so one that moves them back
   * records `unsubscribed` again. Only while the directory still holds
   * `email` for them, in exactly this spelling (`undefined`: they have no
   * address). Nothing else is written: not the state (it belongs to the
   * current address), nor `updatedAt`.
   * @param digests not empty
   * @returns false when the owner is absent or their address has changed (nothing written)
   */
  rememberOptedOutAddresses(
    userId: string,
    email: string | undefined,
    digests: readonly string[],
  ): Promise<boolean>;
}

/**
 * What the directory says about one credential's owner, for the orphan rule
 * (docs/rules.md, "Orphaned credentials").
 */
export interface OwnerStanding {
  /**
   * True when the directory may judge owners: it exists, is not empty and is
   * no older than `directoryMaxAgeDays` at the run's `now`.
   */
  readonly directoryUsable: boolean;
  /** True when that directory marks the owner `departed` (absent is not departed). */
  readonly departed: boolean;
}

/** The directory as a sweep loaded it, once per run. */
export interface DirectoryState {
  /**
   * Why the directory may not orphan anything this run; absent when it may.
   * `unreadable`: reading it failed (see {@link DirectoryState.readError}).
   */
  readonly unusable?: DirectoryUnusableReason | 'unreadable';
  /** Why the directory could not be read (`unusable: 'unreadable'`). */
  readonly readError?: string;
  readonly freshness?: DirectoryFreshness;
  /** Owners marked `departed` (empty when unusable: not even read). */
  readonly departed: ReadonlySet<string>;
}

/** The standing of `userId` in a loaded directory. */
export function ownerStanding(state: DirectoryState, userId: string): OwnerStanding {
  const directoryUsable = state.unusable === undefined;
  return { directoryUsable, departed: directoryUsable && state.departed.has(userId) };
}

/**
 * Loads what a sweep needs for the orphan rule, once per run: the freshness,
 * and — only when the directory is usable — the departed owners. A directory
 * that cannot be read (throttled past the SDK's retries, no permission)
 * orphans nothing this run, like a stale one, and says why: the orphan rule
 * only ever deletes, so the safe side is to skip it, not to stop the whole
 * run (expiry and stale cleanup still happen).
 * @param source the directory, or `undefined` when none is configured
 * @param now the run's `now`, epoch ms
 */
export async function loadDirectoryState(
  source: DepartedOwners | undefined,
  maxAgeDays: number,
  now: number,
): Promise<DirectoryState> {
  if (source === undefined) return { unusable: 'no-directory', departed: new Set() };
  try {
    const freshness = await source.freshness();
    const parsed = freshness?.asOf === undefined ? undefined : parseInstant(freshness.asOf);
    const asOfMs = parsed?.ok ? parsed.ms : undefined;
    const unusable = directoryUnusableReason(freshness, asOfMs, maxAgeDays, now);
    const known = freshness === undefined ? {} : { freshness };
    if (unusable !== undefined) return { unusable, ...known, departed: new Set() };
    return { ...known, departed: await source.departedUserIds() };
  } catch (error: unknown) {
    return { unusable: 'unreadable', readError: errorText(error), departed: new Set() };
  }
}

/** Owner ids per directory lookup (DynamoDB's `BatchGetItem` limit). */
export const OWNER_LOOKUP_PAGE = 100;

/** One owner as the directory knows them, and the verdict on a route. */
export interface JudgedOwner {
  readonly userId: string;
  /** The directory's record; `undefined` when the owner is not in it. */
  readonly record: OwnerRecord | undefined;
  readonly verdict: Reachability;
}

/**
 * Looks `owners` up a page of {@link OWNER_LOOKUP_PAGE} at a time (one
 * `getMany` each) and yields each page's verdicts on `route`, in order: the
 * one lookup loop of the sweep's and the report's reach sections. A caller
 * that must stop early (a time budget) stops asking for pages.
 * @param sendable as {@link reachabilityOf}'s
 * @throws whatever the directory's `getMany` throws
 */
export async function* judgeOwnerPages(
  directory: Pick<OwnerDirectory, 'getMany'>,
  owners: readonly string[],
  route: OwnerDeliveryRoute,
  sendable?: SendableAddress,
): AsyncGenerator<readonly JudgedOwner[]> {
  for (let start = 0; start < owners.length; start += OWNER_LOOKUP_PAGE) {
    const page = owners.slice(start, start + OWNER_LOOKUP_PAGE);
    const records = await directory.getMany(page);
    yield page.map((userId) => {
      const record = records.get(userId);
      return { userId, record, verdict: reachabilityOf(record, route, sendable) };
    });
  }
}
