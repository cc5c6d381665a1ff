/**
 * Pacing per recipient (docs/notifications.md, "Size limits, splitting, batching and pacing"). Amazon SNS
 * suspends an `email` or `email-json` subscription that is sent more than 10 messages a second (it goes back to
 * `PendingConfirmation` and is deleted 48 hours later unless re-confirmed), counted per subscription after its
 * filter policy. The admins' subscription receives every admin message, and an owner's every part of their
 * digests, so a report or a digest split into many parts must not reach one subscription in a burst. The rule:
 * a `publishBatch` call carries at most one message per recipient ({@link recipientOf}), and two calls carrying
 * the same recipient start at least {@link RECIPIENT_SPACING_MS} apart, so no recipient is sent more than
 * {@link RECIPIENT_MESSAGES_PER_SECOND} messages in any second. A {@link RecipientPacer} remembers, for one drain
 * (or one bounce report), when each recipient may next be sent to; the wait itself is the caller's port (`sleep`:
 * the handlers and the CLI pass the timer of `lambdas/aws/timer-sleep.ts`). Pure: no timer, no I/O.
 */
import type { NotificationMessage } from '../message';

/**
 * At most this many messages to one recipient in any 1-second window: half of SNS's limit of 10 messages per
 * second for an `email` or `email-json` subscription (Amazon SNS Developer Guide, "Amazon SNS email subscription
 * setup and management": exceeding it suspends the subscription). Half, because SNS delivers asynchronously: the
 * spacing of our publishes is not the spacing of its deliveries, which may bunch up.
 */
export const RECIPIENT_MESSAGES_PER_SECOND = 5;

/** The window of {@link RECIPIENT_MESSAGES_PER_SECOND}. */
const PACING_WINDOW_MS = 1_000;

/** The least time between two calls carrying the same recipient (200 ms: five a second). */
export const RECIPIENT_SPACING_MS = PACING_WINDOW_MS / RECIPIENT_MESSAGES_PER_SECOND;

/**
 * Who receives a message, as SNS email subscriptions see it (the one place this is derived): `admins` for every
 * admin-audience message (the admins' subscription filters on `audience`), `owner:<userId>` for an owner's (their
 * subscription filters on `userId`). An owner message without a `userId` (none is rendered) shares one key.
 */
export function recipientOf(message: NotificationMessage): string {
  const { audience, userId } = message.routing;
  return audience === 'admin' ? 'admins' : `owner:${userId ?? ''}`;
}

/** When a call may start: `at` on the pacer's timeline, `waitMs` from now. */
export interface PacedTurn {
  readonly at: number;
  readonly waitMs: number;
}

/**
 * Whom a run of publishes sent to, and when each recipient may next be sent to. One per drain (every chunk and
 * the report share it: an owner may have digests in two chunks) or per bounce report. Its timeline is the
 * caller's clock, never behind a turn already waited for: a clock that stands still (a test's) or steps back
 * cannot shorten the spacing.
 */
export class RecipientPacer {
  /** Per recipient: the earliest start of the next call carrying them. */
  private readonly nextAt = new Map<string, number>();
  /** The latest turn waited for: the timeline never reads earlier. */
  private reached = Number.NEGATIVE_INFINITY;
  private held = 0;

  /** Messages not published because their wait would have ended past the caller's time budget. */
  get heldBack(): number {
    return this.held;
  }

  /** The turn of a call carrying `recipients`, at `now` on the caller's clock; nothing is reserved. */
  turn(recipients: readonly string[], now: number): PacedTurn {
    const from = Math.max(now, this.reached);
    let at = from;
    for (const recipient of recipients) at = Math.max(at, this.nextAt.get(recipient) ?? from);
    return { at, waitMs: at - from };
  }

  /** Reserves `turn` for `recipients`: their next call starts {@link RECIPIENT_SPACING_MS} after it at the earliest. */
  take(recipients: readonly string[], turn: PacedTurn): void {
    for (const recipient of recipients) this.nextAt.set(recipient, turn.at + RECIPIENT_SPACING_MS);
  }

  /** `messages` were not published: their turn would have come after the caller's time budget (nothing reserved). */
  holdBack(messages: number): void {
    this.held += messages;
  }

  /**
   * How long after `now` until every recipient a call was reserved for may be sent to again: up to
   * {@link RECIPIENT_SPACING_MS} after the last call carrying them; 0 when no call was reserved.
   */
  settledInMs(now: number): number {
    return this.turn([...this.nextAt.keys()], now).waitMs;
  }

  /** The wait for `turn` is over: the timeline has reached it. */
  arrived(turn: PacedTurn): void {
    this.reached = Math.max(this.reached, turn.at);
  }
}
