/**
 * The email relay (docs/notifications.md, "Email relay"): for each owner
 * digest delivered to its queue, look the owner up in the directory, skip an
 * unreachable owner the drain reported to the admins, fail the record for one
 * it did not (retries, then the DLQ (`EmailRelayGaveUp`)) unless the ledger says the
 * part was sent (a redelivery after its own bounce or complaint), else send
 * the digest as one email, once per message: `(drainId, part, userId)` and the
 * part's events key (`events-key.ts`; one drain can publish two digests for one owner).
 * Phases, each its own function: read the
 * batch → look the owners up (one `getMany`) → relay each record (claim →
 * render → send → mark) → the partial batch response (only failed records).
 * With a time budget (the Lambda's remaining time), a record is not started,
 * and the sender makes no attempt, without time to finish: such a record fails
 * alone (`NoTimeLeftError`, retried by SQS) while those emailed are marked and
 * acknowledged, instead of the invocation timing out with its whole batch.
 * Pure over ports: directory, ledger, sender, clock, time budget.
 */
import { createHash } from 'node:crypto';
import { errorText } from '../hygiene/errors';
import {
  type OwnerDirectory,
  type OwnerRecord,
  reachabilityOf,
  type UnreachableReason,
} from '../hygiene/owner-directory';
import { mapWithConcurrency } from '../hygiene/task-pool';
import { digestFromSnsEnvelope, type RelayDigest } from './digest-message';
import { type DigestPartRef, digestEmailTags } from './email-tags';
import { digestEventsKey } from './events-key';
import { composeMime, ownerEmail } from './owner-email';
import { type EmailSender, hasTimeFor, NoTimeLeftError, type RelayLedger, type SendBudget } from './ports';
import { isSesSendable } from './ses-address';

/** How long a claim lasts when the caller does not say (a crashed sender's claim lapses after it). */
export const DEFAULT_RELAY_LEASE_MS = 5 * 60_000;
/** Records relayed at once within one batch. */
export const DEFAULT_RELAY_CONCURRENCY = 4;

/** Another delivery of the same digest part holds a live claim: retry this record later. */
export class RelayInProgressError extends Error {
  override readonly name = 'RelayInProgressError';
}

/**
 * The owner cannot be emailed, and the drain did not tell the admins (it
 * judged the owner reachable, or could not judge): the directory changed
 * since (a bounce, a departure, an address removed) or the drain had none,
 * and the ledger says the part was not sent. The record fails, so SQS retries
 * it (an import may fix the directory meanwhile) and then leaves it in the
 * DLQ; its last failed delivery alarms (`EmailRelayGaveUp`), whatever the DLQ
 * already holds: the notice is never acknowledged unheard. (`pc-hygiene relay`
 * writes no file for it and exits 1.)
 */
export class UnreportedUnreachableOwnerError extends Error {
  override readonly name = 'UnreportedUnreachableOwnerError';
}

/** What the relay needs. */
export interface RelayDeps {
  readonly directory: Pick<OwnerDirectory, 'getMany'>;
  readonly ledger: RelayLedger;
  readonly sender: EmailSender;
  /** Wall clock, epoch ms (the `Date` header, leases). */
  readonly clock: () => number;
  /**
   * The time left for this batch, in ms (the notifier's time budget: Lambda's remaining time minus a safety
   * margin). No record is started (claimed) with less than the sender's `attemptMs` left, and the sender makes
   * no attempt that could not finish in it: such records fail with {@link NoTimeLeftError}. Absent: no limit.
   */
  readonly remainingMs?: () => number;
  /** The sender identity: `address` or `Name <address>`. */
  readonly from: string;
  /** Whom the emails tell owners to ask, and their `Reply-To` when an address (config `ownerContact`, docs/configuration.md). */
  readonly ownerContact?: string;
  /** @default DEFAULT_RELAY_LEASE_MS */
  readonly leaseMs?: number;
  /** @default DEFAULT_RELAY_CONCURRENCY */
  readonly concurrency?: number;
}

/** One queue record: its id (for the partial batch response) and body. */
export interface RelayRecord {
  readonly messageId: string;
  readonly body: string;
  /**
   * Which delivery of the message this is (SQS's `ApproximateReceiveCount`, this one included): compared with the
   * queue's `maxReceiveCount` by {@link failedOnLastDelivery}. Absent: not known (the CLI's files).
   */
  readonly receiveCount?: number;
}

/** What happened to one record. */
export type RelayOutcome =
  | { readonly status: 'sent'; readonly userId: string; readonly key: string; readonly messageId: string }
  | { readonly status: 'duplicate'; readonly userId: string; readonly key: string }
  | { readonly status: 'skipped'; readonly userId: string; readonly reason: UnreachableReason }
  | { readonly status: 'failed'; readonly userId?: string; readonly error: unknown };

/** The batch's result: every record's outcome, and the failed ones in SQS's partial batch response shape. */
export interface RelayBatchResult {
  readonly outcomes: readonly (RelayOutcome & { readonly recordId: string })[];
  readonly batchItemFailures: readonly { readonly itemIdentifier: string }[];
}

/**
 * Longest `userId` (UTF-8 bytes) a ledger key carries as it is: the key
 * (a partition key, at most 2,048 bytes) also holds the prefix, a drain id,
 * a part number and the events key; a longer id (owner import accepts up to
 * 2,048 bytes) is carried as its SHA-256 instead.
 */
const KEY_USER_ID_MAX_BYTES = 1024;

/** The owner's part of a ledger key: the `userId`, or `sha256:<hex>` of one too long to carry. */
function keyUserPart(userId: string): string {
  if (Buffer.byteLength(userId, 'utf8') <= KEY_USER_ID_MAX_BYTES) return userId;
  return `sha256:${createHash('sha256').update(userId, 'utf8').digest('hex')}`;
}

/**
 * The ledger key of one digest part for one owner:
 * `relay#<drainId>#<part>#<userId>#<eventsKey>` (a `userId` over 1 KB as its
 * SHA-256); without an events key (an email tagged before the relay tagged
 * it, looked up by its bounce) the earlier form `relay#<drainId>#<part>#<userId>`.
 */
export function relayPartKey(ref: DigestPartRef): string {
  if (ref.eventsKey === undefined) return `relay#${ref.drainId}#${ref.part}#${ref.userId}`;
  return `relay#${ref.drainId}#${ref.part}#${keyUserPart(ref.userId)}#${ref.eventsKey}`;
}

/** {@link relayPartKey} of a digest. */
export function relayKey(digest: RelayDigest): string {
  return relayPartKey(digestPartOf(digest));
}

/** Which part a digest is: its owner, drain, part number and events key. */
function digestPartOf(digest: RelayDigest): DigestPartRef {
  const { drainId, part, events } = digest.document;
  return { userId: digest.userId, drainId, part, eventsKey: digestEventsKey(events) };
}

/** One item to relay: its id in the batch, and its digest or why it could not be read. */
export type RelayItem =
  | { readonly id: string; readonly digest: RelayDigest; readonly error?: undefined }
  | { readonly id: string; readonly digest?: undefined; readonly error: unknown };

/** Phase 1: each record's digest, or why it cannot be read (a permanent failure). */
function readRecords(records: readonly RelayRecord[]): RelayItem[] {
  return records.map((record) => {
    try {
      return { id: record.messageId, digest: digestFromSnsEnvelope(record.body) };
    } catch (error: unknown) {
      return { id: record.messageId, error };
    }
  });
}

/**
 * Sends one digest to one reachable owner, once: claim the part in the
 * ledger (keeping its events, for the report of a bounce), render and send
 * it tagged with the owner, drain, part and events key (`email-tags.ts`), mark
 * it sent (or release the claim when the send failed, so the record's retry
 * can send). A mark that fails is not retried here and does not fail the
 * record: the claim then lapses after its lease, and a later delivery of the
 * same message (SNS→SQS delivers at least once) sends again — a duplicate
 * window, docs/notifications.md "The relay's guarantees"; failing the record
 * would make that redelivery certain. A record without time left for one
 * attempt is not claimed at all.
 * @throws {NoTimeLeftError} when the time budget has no room for an attempt (before or after claiming)
 * @throws {RelayInProgressError} when another delivery holds the claim
 * @throws what the sender throws after its own retries
 */
export async function sendOnce(
  deps: RelayDeps,
  digest: RelayDigest,
  owner: OwnerRecord & { readonly email: string },
): Promise<RelayOutcome> {
  const part = digestPartOf(digest);
  const key = relayPartKey(part);
  const budget = sendBudgetOf(deps);
  if (!hasTimeFor(budget, deps.sender.attemptMs ?? 0)) throw notStarted(key, budget, deps.sender);
  const now = deps.clock();
  const leaseMs = deps.leaseMs ?? DEFAULT_RELAY_LEASE_MS;
  // The claim keeps the part's events (and when the drain handed them over): markSent may fail unnoticed, the claim
  // may not.
  const { events, generatedAt } = digest.document;
  const claim = await deps.ledger.claim(key, now, leaseMs, events, generatedAt);
  if (claim.status !== 'claimed') return settledElsewhere(claim.status, digest, key);
  let messageId: string;
  try {
    const email = ownerEmail(
      digest.document,
      { email: owner.email, ...(owner.name !== undefined && { name: owner.name }) },
      deps.from,
      new Date(now),
      deps.ownerContact,
    );
    const raw = await composeMime(email);
    ({ messageId } = await deps.sender.send(
      {
        raw,
        from: deps.from,
        to: owner.email,
        tags: digestEmailTags(part),
        digest: part,
      },
      budget,
    ));
  } catch (error: unknown) {
    await deps.ledger.release(key, claim.token).catch(() => undefined); // the lease lapses anyway
    throw error;
  }
  // Sent: a failed mark must not fail the record (its retry would send again once the lease lapses).
  await deps.ledger.markSent(key, claim.token, messageId, deps.clock()).catch(() => undefined);
  return { status: 'sent', userId: digest.userId, key, messageId };
}

/**
 * A part the ledger says is not this delivery's to act on: sent before (a
 * redelivered message), acknowledged as a duplicate; or held by another
 * delivery's live claim, retried later. The one reading of both, for a send's
 * claim and for the state read before failing an unreachable owner's record.
 * @throws {RelayInProgressError} when another delivery holds the claim
 */
function settledElsewhere(
  status: 'sent' | 'in-progress',
  digest: RelayDigest,
  key: string,
): RelayOutcome & { readonly status: 'duplicate' } {
  if (status === 'in-progress')
    throw new RelayInProgressError(`${key} is being sent by another delivery; retried later`);
  return { status: 'duplicate', userId: digest.userId, key };
}

/** The sender's view of the relay's time budget, if it has one. */
function sendBudgetOf(deps: RelayDeps): SendBudget | undefined {
  return deps.remainingMs === undefined ? undefined : { remainingMs: deps.remainingMs };
}

/** The error of a record not started for lack of time (nothing claimed, nothing sent). */
function notStarted(key: string, budget: SendBudget | undefined, sender: EmailSender): NoTimeLeftError {
  return new NoTimeLeftError(
    `no time left to send ${key}: ${budget?.remainingMs() ?? 0} ms of the invocation's time budget remain, ` +
      `an attempt needs up to ${sender.attemptMs ?? 0} ms; not started (nothing claimed), retried by SQS`,
  );
}

/**
 * Phase 3 for one record: skip an unreachable owner the drain reported to the
 * admins (`ownerReach` = `unreachable`), fail on one it did not (unless the
 * part was sent: {@link failUnreported}), else {@link sendOnce}.
 * Reach is judged as the drain judges it, with the sender's own rule of what
 * SES can be asked to send to (`isSesSendable`): an address it refuses is
 * `unsendable-address`, never a send that fails.
 * @throws {UnreportedUnreachableOwnerError} for an unreachable owner the admins were not told of
 */
async function relayOne(
  deps: RelayDeps,
  digest: RelayDigest,
  owners: ReadonlyMap<string, OwnerRecord>,
): Promise<RelayOutcome> {
  const owner = owners.get(digest.userId);
  const reach = reachabilityOf(owner, 'relay', isSesSendable);
  if (reach.reachable && owner?.email !== undefined)
    return sendOnce(deps, digest, { ...owner, email: owner.email });
  const reason = reach.reachable ? 'no-email' : reach.reason;
  if (digest.ownerReach !== 'unreachable') return failUnreported(deps, digest, reason);
  return { status: 'skipped', userId: digest.userId, reason };
}

/**
 * An owner who cannot be emailed and whom the drain did not report: the
 * ledger is asked first (a consistent read of the part's state by the
 * claim's rule, {@link RelayLedger.partState}), because the owner may have
 * become unreachable through this very part (its bounce or complaint
 * recorded) and this be its redelivery (an SNS duplicate, a batch returned by
 * a timed-out invocation, a retried record). A part sent before is
 * acknowledged as a duplicate; one another delivery is sending is retried
 * later; else the record fails. Read, not claimed: nothing is to be sent, so
 * nothing needs holding, and the entry stays as it is — a crashed sender's
 * lapsed claim keeps the events of an email that may have gone out, for the
 * report of its bounce — and records of one part in one batch cannot meet
 * one another's claim. The error names no route: the relay Lambda's record
 * goes to SQS retries, then the DLQ; `pc-hygiene relay` exits 1.
 * @throws {RelayInProgressError} when another delivery holds the claim
 * @throws {UnreportedUnreachableOwnerError} when the part was not sent
 */
async function failUnreported(
  deps: RelayDeps,
  digest: RelayDigest,
  reason: UnreachableReason,
): Promise<RelayOutcome> {
  const key = relayKey(digest);
  const state = await deps.ledger.partState(key, deps.clock());
  if (state.status !== 'free') return settledElsewhere(state.status, digest, key);
  const told =
    digest.ownerReach !== undefined
      ? `${digest.ownerReach}, so the admins were not told`
      : 'reachable (the digest carries no ownerReach), so the admins were not told, unless this digest is ' +
        "of a notifier before 6 December 2026 (its verdict was in an attribute SNS does not deliver): then see its drain's owner-unreachable report";
  throw new UnreportedUnreachableOwnerError(
    `owner ${JSON.stringify(digest.userId)} cannot be emailed (${reason}) but the drain judged them ${told}: ` +
      `this digest part fails (drain ${digest.document.drainId}, part ${digest.document.part})`,
  );
}

/**
 * Relays already-read digests: one directory lookup for all, then each item
 * (at most `concurrency` at once). Items that could not be read, whose owner
 * lookup failed, whose owner is unreachable unreported, whose send failed, or
 * that had no time left (`remainingMs`) come back `failed`; every other item
 * succeeded (sent, duplicate, or skipped as unreachable and reported by the drain).
 */
export async function relayDigests(deps: RelayDeps, items: readonly RelayItem[]): Promise<RelayBatchResult> {
  const userIds = items.flatMap((item) => (item.digest ? [item.digest.userId] : []));
  let owners: ReadonlyMap<string, OwnerRecord> = new Map();
  let lookupError: unknown;
  if (userIds.length > 0) {
    try {
      owners = await deps.directory.getMany(userIds);
    } catch (error: unknown) {
      lookupError = error;
    }
  }
  const outcomes = await mapWithConcurrency(
    items,
    deps.concurrency ?? DEFAULT_RELAY_CONCURRENCY,
    async (item): Promise<RelayOutcome & { recordId: string }> => {
      const recordId = item.id;
      if (!item.digest) return { recordId, status: 'failed', error: item.error };
      const userId = item.digest.userId;
      if (lookupError !== undefined) return { recordId, status: 'failed', userId, error: lookupError };
      try {
        return { recordId, ...(await relayOne(deps, item.digest, owners)) };
      } catch (error: unknown) {
        return { recordId, status: 'failed', userId, error };
      }
    },
  );
  return {
    outcomes,
    batchItemFailures: outcomes
      .filter((o) => o.status === 'failed')
      .map((o) => ({ itemIdentifier: o.recordId })),
  };
}

/**
 * Relays one SQS batch of SNS notifications (raw message delivery off). Only
 * failed records are in `batchItemFailures`: SQS retries exactly those, and
 * after the queue's `maxReceiveCount` they land in the DLQ.
 */
export function relayBatch(deps: RelayDeps, records: readonly RelayRecord[]): Promise<RelayBatchResult> {
  return relayDigests(deps, readRecords(records));
}

/** A record the relay gave up on: its SQS message, and its owner when the record was readable. */
export interface GaveUpRecord {
  readonly messageId: string;
  readonly userId?: string;
}

/**
 * The batch's failed records that were on their last delivery: SQS's `receiveCount` at or over the queue's
 * `maxReceiveCount`, so SQS moves each to the DLQ (when its visibility timeout ends) instead of delivering it again —
 * the relay gave up on them (counted in `EmailRelayGaveUp`, whose alarm tells the admins of them, where the DLQ's
 * depth alarm, already in alarm for an earlier digest, would say nothing; named in the `relay batch` log line). A
 * permanent SES error, an unreadable message, an owner unreachable unreported, a record out of time on that delivery:
 * any failure the partial batch response returns. Not counted here: `ApproximateReceiveCount` is approximate, and a
 * receive that invoked nothing (the event source mapping throttled) counts too, so a record may reach the DLQ
 * uncounted — the depth alarm is in alarm while it is there (no new notification if it already was); and the
 * records of an invocation that failed as a whole (a thrown error, a timeout, a cold-start failure: no partial
 * batch response), on which `RelayFunctionErrors` alarms.
 */
export function failedOnLastDelivery(
  records: readonly RelayRecord[],
  result: RelayBatchResult,
  maxReceiveCount: number,
): readonly GaveUpRecord[] {
  const failed = new Set(result.batchItemFailures.map((f) => f.itemIdentifier));
  const owners = new Map(result.outcomes.map((o) => [o.recordId, o.userId]));
  return records
    .filter(
      (r) => failed.has(r.messageId) && r.receiveCount !== undefined && r.receiveCount >= maxReceiveCount,
    )
    .map((r) => {
      const userId = owners.get(r.messageId);
      return { messageId: r.messageId, ...(userId !== undefined && { userId }) };
    });
}

/** Counts per outcome, for metrics and the log. */
export function tallyOutcomes(outcomes: readonly RelayOutcome[]) {
  const count = (status: RelayOutcome['status']) => outcomes.filter((o) => o.status === status).length;
  return {
    sent: count('sent'),
    duplicates: count('duplicate'),
    skippedUnreachable: count('skipped'),
    failed: count('failed'),
    /** Of `failed`: owners who cannot be emailed and whom the drain did not report to the admins. */
    unreportedUnreachable: outcomes.filter(
      (o) => o.status === 'failed' && o.error instanceof UnreportedUnreachableOwnerError,
    ).length,
    /** Of `failed`: records not sent for lack of time (not started, or no time for another attempt): SES slow. */
    outOfTime: outcomes.filter((o) => o.status === 'failed' && o.error instanceof NoTimeLeftError).length,
    failures: outcomes.flatMap((o) =>
      o.status === 'failed'
        ? [{ ...(o.userId !== undefined && { userId: o.userId }), error: errorText(o.error) }]
        : [],
    ),
    skipped: outcomes.flatMap((o) =>
      o.status === 'skipped' ? [{ userId: o.userId, reason: o.reason }] : [],
    ),
  };
}
