/**
 * What the email relay needs from the outside world, as interfaces
 * (docs/notifications.md, "Email relay"): a sender of raw MIME (SESv2 in
 * `lambdas/aws/ses-email-sender.ts`), a ledger that makes each digest part
 * go out once and keeps its events, and the same ledger's side for the SES
 * events handler, which reports a bounced part's events to the admins once
 * (both DynamoDB in `lambdas/aws/relay-ledger-store.ts`); and the error a
 * sender throws when the invocation's time budget has no room for another
 * attempt (docs/notifications.md, "The relay's guarantees"); and a way to hold a
 * received queue message back (the relay handler's, for SES's spent daily quota). Tests pass in-memory fakes.
 */
import type { OutboxEvent } from '../hygiene/events';

/** One email to send, as raw RFC 5322 bytes. */
export interface OutgoingEmail {
  readonly raw: Uint8Array;
  /** The sender identity, `address` or `Name <address>` (`FromEmailAddress` is its bare address, `ses-address.ts`). */
  readonly from: string;
  /** The recipient's address as the directory holds it (`Destination.ToAddresses`, its domain in Punycode). */
  readonly to: string;
  /** Tags SES attaches to the message's bounce and complaint events (`EmailTags`). */
  readonly tags: Readonly<Record<string, string>>;
  /** Which digest part the email carries (logs; the CLI names its `.eml` files by it). */
  readonly digest: { readonly userId: string; readonly drainId: string; readonly part: number };
}

/** The time one `send` may use: the caller's time budget, as the notifier's and the sweep's `remainingMs`. */
export interface SendBudget {
  /** Milliseconds left of the caller's time budget (Lambda's remaining time minus a safety margin). */
  readonly remainingMs: () => number;
}

/**
 * Sends email. Retries throttling and transient errors itself; what it throws is final for this delivery.
 * Given a {@link SendBudget}, it starts no attempt, and no backoff sleep, that could not finish within it
 * (an attempt may take {@link EmailSender.attemptMs}): it throws {@link NoTimeLeftError} instead.
 */
export interface EmailSender {
  /**
   * The longest one attempt may take, in ms (absent: no bound is known, 0). With less of the budget left
   * the sender makes no attempt, and the relay starts no record (it fails untried, nothing claimed).
   */
  readonly attemptMs?: number;
  /** @returns the provider's message id */
  send(email: OutgoingEmail, budget?: SendBudget): Promise<{ readonly messageId: string }>;
}

/**
 * Too little of the invocation's time budget is left to send (a first attempt, or another after a
 * transient error: its `cause`), so nothing more was tried. Transient by nature: the record fails alone,
 * its claim is released, and SQS delivers it again after the visibility timeout, to an invocation with
 * time. Counted apart (`EmailRelayOutOfTime`), so a slow SES shows as such rather than as a timeout.
 */
export class NoTimeLeftError extends Error {
  override readonly name = 'NoTimeLeftError';
}

/**
 * Whether `neededMs` (and more than nothing) is left of `budget`; no budget: always. The one test of
 * "is there time" for the sender's attempts and the relay's records.
 */
export function hasTimeFor(budget: SendBudget | undefined, neededMs: number): boolean {
  if (budget === undefined) return true;
  const left = budget.remainingMs();
  return left > 0 && left >= neededMs;
}

/** One message the relay function received from its queue, as SQS names it for a later call on it. */
export interface ReceivedMessage {
  /** The queue's ARN (the record's `eventSourceARN`). */
  readonly queueArn: string;
  /** This delivery's receipt handle (the record's `receiptHandle`). */
  readonly receiptHandle: string;
}

/**
 * Hides a received message from the queue's readers for longer than the queue's visibility timeout (SQS
 * `ChangeMessageVisibility`): the relay handler holds back a digest SES refused for a spent 24-hour quota
 * (`quota-deferral.ts`), so its next delivery comes hours later rather than minutes.
 */
export interface MessageVisibility {
  /** Makes `message` invisible for `seconds` from now (SQS allows at most 12 hours from its receipt). */
  hideFor(message: ReceivedMessage, seconds: number): Promise<void>;
}

/** The outcome of claiming a digest part for sending. */
export type LedgerClaim =
  /** Ours to send; `token` names the claim for {@link RelayLedger.release}. */
  | { readonly status: 'claimed'; readonly token: string }
  /** Sent before (a redelivered message): do not send again. */
  | { readonly status: 'sent' }
  /** Another delivery holds a live claim and may be sending right now. */
  | { readonly status: 'in-progress' };

/** A digest part's state in the ledger, read without claiming it: what a {@link RelayLedger.claim} would meet. */
export type LedgerPartState =
  /** A claim would take it: no entry, or a claim whose lease lapsed (its sender crashed; the email may have gone out). */
  | { readonly status: 'free' }
  /** Sent (or its bounce reported): the email went out. */
  | { readonly status: 'sent' }
  /** Another delivery holds a live claim and may be sending right now. */
  | { readonly status: 'in-progress' };

/**
 * Remembers which digest messages were emailed, keyed
 * `relay#<drainId>#<part>#<userId>#<eventsKey>` (`events-key.ts`; emails of
 * an earlier version without the last part): claim before sending (with a lease, so a
 * crashed sender's claim lapses), mark sent after, release on failure; and
 * read a part's state where nothing is to be sent (an owner who cannot be emailed).
 */
export interface RelayLedger {
  /**
   * Claims `key` unless it was sent or another live claim holds it; the claim
   * keeps `events` (the part's events, for a bounce report) when given, with
   * `generatedAt` (the digest's: when the drain handed it to the relay, which
   * the report says of a deletion's purge).
   */
  claim(
    key: string,
    now: number,
    leaseMs: number,
    events?: readonly OutboxEvent[],
    generatedAt?: string,
  ): Promise<LedgerClaim>;
  /** Records `key` as sent (after the provider accepted the email). */
  markSent(key: string, token: string, messageId: string, now: number): Promise<void>;
  /** Drops our claim after a failed send, so the retry can send at once. */
  release(key: string, token: string): Promise<void>;
  /** The part's state at `now` (a consistent read): the {@link claim}'s judgement, with nothing written. */
  partState(key: string, now: number): Promise<LedgerPartState>;
}

/** A digest part's entry as the SES events handler reads it back. */
export type StoredDigestPart =
  /** No entry: never claimed, or removed by its TTL. */
  | { readonly status: 'absent' }
  /** The events the claim kept, and the digest's `generatedAt` when it kept it (not an entry claimed before). */
  | { readonly status: 'found'; readonly events: readonly OutboxEvent[]; readonly generatedAt?: string }
  /** An entry, but its events cannot be read back (claimed before they were kept, too large, corrupt). */
  | { readonly status: 'unreadable'; readonly problem: string };

/** The outcome of claiming the report of a bounce. */
export type BounceReportClaim =
  /** Ours to publish; `token` names the claim for release. */
  | { readonly status: 'claimed'; readonly token: string }
  /** Reported before (a redelivered bounce event, or another bounce of the same part): publish nothing. */
  | { readonly status: 'reported' }
  /** Another invocation holds a live claim and may be publishing right now. */
  | { readonly status: 'in-progress' }
  /** The entry to record it on is gone (only for `mustExist`). */
  | { readonly status: 'absent' };

/**
 * The relay ledger as the SES events handler uses it: read a bounced part's
 * events, and record (claim before publishing, mark after, release on failure)
 * that its bounce was reported, so a redelivered bounce publishes nothing.
 */
export interface BounceReportLedger {
  /** The part's entry and its events (a consistent read). */
  readDigest(key: string): Promise<StoredDigestPart>;
  /**
   * Claims the report of a bounce on the entry `key`, unless it was reported
   * or a live claim holds it. With `mustExist` the entry must already be there
   * (a digest part's); without, it is created (a bounce keyed by SES's message
   * id), with the ledger's TTL.
   */
  claimReport(key: string, now: number, leaseMs: number, mustExist: boolean): Promise<BounceReportClaim>;
  /** Records the report as published. */
  markReported(key: string, token: string, now: number): Promise<void>;
  /** Drops our claim after a failed publish, so the retry can publish at once. */
  releaseReport(key: string, token: string): Promise<void>;
}
