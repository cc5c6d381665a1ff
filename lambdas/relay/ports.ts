/**
 * What the email relay needs from the outside world, as interfaces
 * (docs/notifications.md, "Email relay"): a sender of raw MIME (SESv2 in
 * `lambdas/aws/ses-email-sender.ts`) and a ledger that makes each digest part
 * go out once (DynamoDB in `lambdas/aws/relay-ledger-store.ts`). Tests pass
 * in-memory fakes.
 */

/** One email to send, as raw RFC 5322 bytes. */
export interface OutgoingEmail {
  readonly raw: Uint8Array;
  /** The sender identity (`FromEmailAddress`). */
  readonly from: string;
  /** The recipient (`Destination.ToAddresses`). */
  readonly to: string;
  /** Tags SES attaches to the message's bounce and complaint events (`EmailTags`). */
  readonly tags: Readonly<Record<string, string>>;
  /** Which digest part the email carries (logs; the CLI names its `.eml` files by it). */
  readonly digest: { readonly userId: string; readonly drainId: string; readonly part: number };
}

/** Sends email. Retries throttling and transient errors itself; what it throws is final for this delivery. */
export interface EmailSender {
  /** @returns the provider's message id */
  send(email: OutgoingEmail): Promise<{ readonly messageId: string }>;
}

/** The outcome of claiming a digest part for sending. */
export type LedgerClaim =
  /** Ours to send; `token` names the claim for {@link RelayLedger.release}. */
  | { readonly status: 'claimed'; readonly token: string }
  /** Sent before (a redelivered message): do not send again. */
  | { readonly status: 'sent' }
  /** Another delivery holds a live claim and may be sending right now. */
  | { readonly status: 'in-progress' };

/**
 * Remembers which digest parts were emailed, keyed
 * `relay#<drainId>#<part>#<userId>`: claim before sending (with a lease, so a
 * crashed sender's claim lapses), mark sent after, release on failure.
 */
export interface RelayLedger {
  /** Claims `key` unless it was sent or another live claim holds it. */
  claim(key: string, now: number, leaseMs: number): Promise<LedgerClaim>;
  /** Records `key` as sent (after the provider accepted the email). */
  markSent(key: string, token: string, messageId: string, now: number): Promise<void>;
  /** Drops our claim after a failed send, so the retry can send at once. */
  release(key: string, token: string): Promise<void>;
}
