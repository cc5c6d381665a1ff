/**
 * An owner's opt-out recorded by hand (`pc-hygiene owners unsubscribe`,
 * docs/notifications.md, "Subscription reconciler"): the mirror of `owners
 * resubscribe`, for a person who asked the admins to stop emailing them, or
 * an owner on the `relay` route (relay emails carry no unsubscribe link).
 *
 * Why it also changes the topic: state `unsubscribed` alone does not hold
 * while the owner has a subscription, because the reconciler's plan lets a
 * subscription it matches to the owner win (`planSubscriptions`: a confirmed
 * one records `confirmed`, a pending one with an ARN `pending`). So whenever
 * a topic is known — always on `sns-email`, and on `relay` when one is given
 * (a deployment still on `sns-email` keeps emailing through it) — the owner's
 * subscriptions the plan would match (filter policy naming the owner, at
 * their address) are removed first, and only then is `unsubscribed`
 * recorded, with the removed subscription's ARN as the evidence the
 * reconciler already reads (`subscription-opt-out.ts`). A subscription
 * awaiting confirmation is listed without its ARN and cannot be removed; the
 * plan never lets one erase a recorded opt-out, and the result says one is
 * there (it may be another owner's at the same address).
 *
 * Why it lists only at the owners' addresses: the plan matches an owner
 * only to subscriptions at their address (`subscriptionsOf`), so the topic
 * is asked for those alone (`TopicSubscriptions.list`'s `atAddresses`), and
 * the other subscriptions' attributes are never read — on a topic of
 * thousands, one opt-out is the listing's pages (one per 100 subscriptions)
 * plus one read per subscription at the owner's address, not one read per
 * subscription.
 *
 * Why it takes the mailbox rule: an address is the one the plan matches, so
 * it is compared by the rule the reconciler is given (`OptOutOptions.mailboxKey`;
 * the CLI passes the relay's Punycode-aware `mailboxKey`, as to `owners
 * sync-subscriptions`). Compared otherwise, an owner re-spelled
 * `bob@xn--bcher-kva.example` whose subscription is `bob@bücher.example`
 * would keep it, and the next reconcile would match it and record them
 * `confirmed` again, undoing the opt-out.
 *
 * Why it retries: a reconcile between the removal and the write may record
 * the owner `none` (its mass-unsubscribe guard held the vanished ARN back) or
 * match a new subscription; the write then fails, and the operator's explicit
 * opt-out must still win, so the owner is read again and the step repeated.
 *
 * Why each owner is on its own: owners are handled one after another, and an
 * error on one (a DynamoDB read or write, or an SNS listing, after the SDK's
 * retries) is that owner's outcome (reason `error`, with what was removed
 * before it), so the owners done before and after it are still reported.
 * Kept out of the command module so it can be tested without the CLI.
 */
import type { DynamoOwnerDirectory } from '../../lambdas/aws/owner-directory-store';
import { type MailboxKey, normalizeEmail } from '../../lambdas/hygiene/email-address-rules';
import { errorText } from '../../lambdas/hygiene/errors';
import {
  type OwnerDeliveryRoute,
  type OwnerRecord,
  plannedStateFor,
} from '../../lambdas/hygiene/owner-directory';
import { unsubscribedState } from '../../lambdas/hygiene/subscription-opt-out';
import {
  isArnlessPendingEmail,
  ownerFilterUserIds,
  type TopicSubscription,
} from '../../lambdas/hygiene/subscription-plan';
import type { TopicSubscriptions } from '../../lambdas/hygiene/subscription-ports';

/** What the use case reads and writes in the owner directory. */
export type OptOutDirectory = Pick<DynamoOwnerDirectory, 'getMany' | 'recordSubscription'>;

/** The topic whose owner subscriptions leave with the opt-out. */
export type OptOutTopic = Pick<TopicSubscriptions, 'topicArn' | 'list' | 'remove'>;

/**
 * Where owner email goes, and the topic when one is known: on `sns-email`
 * the topic is required; on `relay` it is optional (a deployment on
 * `sns-email` run with `--route relay` still has live subscriptions, which
 * the next reconcile would match and record `confirmed` again), and without
 * it only the record is written.
 */
export type OptOutRoute =
  | { readonly route: 'relay'; readonly topic?: OptOutTopic }
  | { readonly route: 'sns-email'; readonly topic: OptOutTopic };

/** How {@link unsubscribeOwners} tells one mailbox from another. */
export interface OptOutOptions {
  /**
   * Two addresses are one mailbox when their keys are equal (`MailboxKey`). Default:
   * `normalizeEmail` (trimmed, case-insensitive, NFC). Give the reconciler's: `pc-hygiene owners unsubscribe`
   * passes the relay's Punycode-aware `mailboxKey` (lambdas/relay/ses-address.ts), as `owners
   * sync-subscriptions` and the reconciler Lambda give the plan, so the subscriptions removed are every one the
   * plan would match to the owner, in either spelling of an internationalized domain.
   */
  readonly mailboxKey?: MailboxKey;
}

/** Why a named owner was not recorded `unsubscribed` (`error`: a read, a listing or the write failed). */
export type NotUnsubscribedReason =
  | 'not-in-directory'
  | 'already-unsubscribed'
  | 'changed-meanwhile'
  | 'sns-refused'
  | 'error';

/** An owner now recorded `unsubscribed`. */
export interface UnsubscribedOwner {
  readonly userId: string;
  /** The ARNs of the owner's subscriptions removed from the topic (none without a topic). */
  readonly removed: readonly string[];
  /** The ARN recorded with the state (the evidence), when there is one. */
  readonly subscriptionArn?: string;
  /** A subscription awaiting confirmation at the owner's address is still on the topic (SNS hides its ARN); it may be another owner's at the same address. */
  readonly pendingLeft: boolean;
  /** `unsubscribed` was recorded by someone else while this ran (a reconcile that took the removal for the opt-out, or another run); this run wrote no state. */
  readonly recordedMeanwhile: boolean;
}

/** An owner left unrecorded, and why. */
export interface NotUnsubscribedOwner {
  readonly userId: string;
  readonly reason: NotUnsubscribedReason;
  /** Subscriptions removed before the state could not be recorded (`changed-meanwhile`, `sns-refused`, `error`). */
  readonly removed?: readonly string[];
  /** The removals SNS refused (`sns-refused`). */
  readonly refused?: readonly { readonly subscriptionArn: string; readonly error: string }[];
  /** What failed (`error`), as `Name: message`: the owner's state may or may not have been recorded. */
  readonly error?: string;
}

/** What {@link unsubscribeOwners} did for each named owner. */
export interface UnsubscribeResult {
  readonly route: OwnerDeliveryRoute;
  /** The topic the owners' subscriptions were removed from; absent when none was known (route `relay` only). */
  readonly topicArn?: string;
  readonly unsubscribed: readonly UnsubscribedOwner[];
  readonly notChanged: readonly NotUnsubscribedOwner[];
}

/**
 * Attempts at one owner's removal and record: a conditional write that
 * fails because a reconcile (or an import that kept the address) recorded
 * another state meanwhile is retried from a fresh read, this often in all.
 */
export const MAX_OPT_OUT_ATTEMPTS = 3;

/**
 * Records `unsubscribed` for each named owner in the directory not already
 * in that state; when a topic is known (always on `sns-email`), after
 * removing their subscriptions from it (listed once, only at the addresses of
 * the owners to unsubscribe, and only when one of them has an address; a
 * retry lists at the re-read owner's address). The operator's opt-out wins
 * over a state a reconcile records meanwhile (`none`, `pending`, `confirmed`: retried, at most
 * {@link MAX_OPT_OUT_ATTEMPTS} attempts), and so does another spelling of the
 * same mailbox an import writes meanwhile (no move: the import keeps the
 * owner's state and subscription); a new address (another mailbox) or the
 * owner's removal from the directory wins over it (the opt-out was asked for
 * the address read; an import's move to an address the owner did not opt out
 * at starts with no state, by design). Addresses compare by
 * {@link OptOutOptions.mailboxKey}.
 * @returns who was unsubscribed (and what was removed), and who was left alone and why
 */
export async function unsubscribeOwners(
  directory: OptOutDirectory,
  target: OptOutRoute,
  userIds: readonly string[],
  options: OptOutOptions = {},
): Promise<UnsubscribeResult> {
  const ids = [...new Set(userIds)];
  const records = await directory.getMany(ids);
  const { topic } = target;
  const run: OptOutRun = { directory, topic, key: options.mailboxKey ?? normalizeEmail };
  const toRecord = ids.map((id) => records.get(id)).filter(isToRecord);
  const listing = await listAt(run, toRecord);
  const unsubscribed: UnsubscribedOwner[] = [];
  const notChanged: NotUnsubscribedOwner[] = [];
  for (const userId of ids) {
    const owner = records.get(userId);
    if (owner === undefined) notChanged.push({ userId, reason: 'not-in-directory' });
    else if (!isToRecord(owner)) notChanged.push({ userId, reason: 'already-unsubscribed' });
    else {
      const outcome = await unsubscribeOwner(run, owner, listing);
      if ('reason' in outcome) notChanged.push(outcome);
      else unsubscribed.push(outcome);
    }
  }
  return {
    route: target.route,
    ...(topic !== undefined && { topicArn: topic.topicArn }),
    unsubscribed,
    notChanged,
  };
}

function isToRecord(owner: OwnerRecord | undefined): owner is OwnerRecord {
  return owner !== undefined && owner.subscription !== 'unsubscribed';
}

/** What one command's owners share: the directory, the topic when one is known, and the mailbox rule. */
interface OptOutRun {
  readonly directory: OptOutDirectory;
  readonly topic: OptOutTopic | undefined;
  readonly key: MailboxKey;
}

/**
 * The topic's subscriptions at the owners' mailboxes (all {@link subscriptionsOf}
 * can match), in one listing; none listed without a topic, or when no owner has an address.
 */
async function listAt(run: OptOutRun, owners: readonly OwnerRecord[]): Promise<readonly TopicSubscription[]> {
  const atAddresses = new Set(owners.map((o) => addressOf(o, run.key)).filter((a) => a !== undefined));
  return run.topic === undefined || atAddresses.size === 0
    ? []
    : run.topic.list({ atAddresses, mailboxKey: run.key });
}

type OwnerOutcome = UnsubscribedOwner | NotUnsubscribedOwner;

/** What one attempt did: removals, refusals, and whether its conditional write held. */
interface Attempt {
  readonly refused: readonly { readonly subscriptionArn: string; readonly error: string }[];
  readonly pendingLeft: boolean;
  /** The write held: `unsubscribed` recorded, with this ARN (absent: none). */
  readonly recorded?: { readonly subscriptionArn?: string };
}

/**
 * One owner ({@link optOut}), on its own: an error (DynamoDB's or SNS's, after
 * the SDK's retries) is this owner's outcome, with the subscriptions removed
 * before it, so the owners before and after it are still done and reported.
 */
async function unsubscribeOwner(
  run: OptOutRun,
  owner: OwnerRecord,
  firstListing: readonly TopicSubscription[],
): Promise<OwnerOutcome> {
  const removed: string[] = [];
  try {
    return await optOut(run, owner, firstListing, removed);
  } catch (error: unknown) {
    return { userId: owner.userId, reason: 'error', removed, error: errorText(error) };
  }
}

/**
 * One owner: their subscriptions removed (when a topic is known, each added to
 * `removed`), then the state recorded; when the write finds the owner changed,
 * decided on a fresh read ({@link afterChange}), and the whole step retried from it.
 */
async function optOut(
  run: OptOutRun,
  owner: OwnerRecord,
  firstListing: readonly TopicSubscription[],
  removed: string[],
): Promise<OwnerOutcome> {
  const { userId } = owner;
  let read = owner;
  let listing = firstListing;
  for (let attempt = 1; ; attempt++) {
    const step = await removeAndRecord(run, { read, listing, removed });
    if (step.refused.length > 0) return { userId, reason: 'sns-refused', removed, refused: step.refused };
    const done = { userId, removed, pendingLeft: step.pendingLeft };
    if (step.recorded !== undefined) return { ...done, ...step.recorded, recordedMeanwhile: false };
    const now = await afterChange(run, owner, attempt);
    if (now === 'changed') return { userId, reason: 'changed-meanwhile', removed };
    if (now.subscription === 'unsubscribed') return { ...done, ...arnOf(now), recordedMeanwhile: true };
    read = now;
    listing = await listAt(run, [now]);
  }
}

/**
 * One attempt: remove the owner's subscriptions in `listing` (adding them to
 * `removed`, this owner's removals so far), then record `unsubscribed` as read.
 */
async function removeAndRecord(
  { directory, topic, key }: OptOutRun,
  { read, listing, removed }: { read: OwnerRecord; listing: readonly TopicSubscription[]; removed: string[] },
): Promise<Attempt> {
  const { removable, pendingLeft } = subscriptionsOf(read, listing, key);
  const removal = topic === undefined ? { removed: [], refused: [] } : await removeAll(topic, removable);
  removed.push(...removal.removed);
  if (removal.refused.length > 0) return { refused: removal.refused, pendingLeft };
  // Removed first, recorded after: a reconcile in between finds the recorded `confirmed` whose ARN the
  // topic no longer lists, which is itself the opt-out evidence (subscription-opt-out.ts). Recorded first,
  // a reconcile before the removal would match the live subscription and record `confirmed` again.
  const evidence = arnOf({ subscriptionArn: evidenceArn(read, removed) });
  const planned = plannedStateFor(read, unsubscribedState({ ...read, ...evidence }));
  const held = await directory.recordSubscription(planned);
  return { refused: [], pendingLeft, ...(held && { recorded: arnOf(planned) }) };
}

/**
 * After a refused write, the owner as the directory holds them now
 * (consistent read), or `changed`: gone, at another mailbox (the opt-out was
 * asked for the address read), or still not `unsubscribed` once the attempts
 * are used up. Another spelling of the same mailbox (`run.key`: letter case,
 * a domain in Punycode or Unicode) is no change: the import keeps the owner's
 * state and subscription through it and the reconciler matches that
 * subscription to them still, so the opt-out is retried at the new spelling
 * (had it stopped here, the subscription it removed would be gone but the
 * opt-out not recorded, and the command would exit 1 for the person's own address).
 */
async function afterChange(
  { directory, key }: OptOutRun,
  owner: OwnerRecord,
  attempt: number,
): Promise<OwnerRecord | 'changed'> {
  const now = (await directory.getMany([owner.userId])).get(owner.userId);
  if (now === undefined || addressOf(now, key) !== addressOf(owner, key)) return 'changed';
  if (now.subscription !== 'unsubscribed' && attempt >= MAX_OPT_OUT_ATTEMPTS) return 'changed';
  return now;
}

function arnOf({ subscriptionArn }: { readonly subscriptionArn?: string }): { subscriptionArn?: string } {
  return subscriptionArn === undefined ? {} : { subscriptionArn };
}

/** The owner's mailbox as compared (its `key`); `undefined` without an address. */
function addressOf(owner: OwnerRecord, key: MailboxKey): string | undefined {
  const email = owner.email?.trim();
  return email === undefined || email === '' ? undefined : key(email);
}

/**
 * The owner's subscriptions on the topic as the reconciler's plan matches
 * them (`classify`, `subscription-plan.ts`: a recognised owner subscription
 * whose filter names the owner, at their mailbox compared by `key`, the
 * plan's rule), confirmed first; and whether an arn-less pending subscription is at
 * their mailbox (the plan's `pendingAddresses`: its filter cannot be read).
 */
function subscriptionsOf(
  owner: OwnerRecord,
  listing: readonly TopicSubscription[],
  key: MailboxKey,
): { readonly removable: readonly TopicSubscription[]; readonly pendingLeft: boolean } {
  const address = addressOf(owner, key);
  if (address === undefined) return { removable: [], pendingLeft: false };
  const atAddress = listing.filter((s) => key(s.endpoint) === address);
  return {
    removable: atAddress
      .filter((s) => ownerFilterUserIds(s)?.includes(owner.userId) === true)
      .sort((a, b) => Number(a.pending) - Number(b.pending)),
    pendingLeft: atAddress.some(isArnlessPendingEmail),
  };
}

/** Removes each subscription; a refusal is collected, and the others are still removed. */
async function removeAll(
  topic: Pick<TopicSubscriptions, 'remove'>,
  subscriptions: readonly TopicSubscription[],
): Promise<{ removed: string[]; refused: { subscriptionArn: string; error: string }[] }> {
  const removed: string[] = [];
  const refused: { subscriptionArn: string; error: string }[] = [];
  for (const { arn } of subscriptions) {
    try {
      await topic.remove(arn);
      removed.push(arn);
    } catch (error: unknown) {
      refused.push({ subscriptionArn: arn, error: errorText(error) });
    }
  }
  return { removed, refused };
}

/**
 * The ARN to record with `unsubscribed`: the recorded one when it was removed
 * now, else the first removed (confirmed before pending), else the one
 * already recorded (as the reconciler keeps it: `unsubscribedState`).
 */
function evidenceArn(owner: OwnerRecord, removed: readonly string[]): string | undefined {
  if (owner.subscriptionArn !== undefined && removed.includes(owner.subscriptionArn)) {
    return owner.subscriptionArn;
  }
  return removed[0] ?? owner.subscriptionArn;
}
