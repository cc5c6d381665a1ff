/**
 * SES bounces and complaints → the owner directory (docs/notifications.md,
 * "Email relay"). SES publishes each sending event of the relay's
 * configuration set to an SNS topic; a permanent bounce or a complaint marks
 * the owner's address `bouncing`, which makes the owner unreachable on the
 * `relay` route until the directory is updated. Transient bounces (mailbox
 * full, auto-replies) and other events change nothing. The owner comes from
 * the email's owner tag (`email-tags.ts`); the write happens only while the
 * directory still holds the bounced address. Pure over the directory port.
 */
import type { OwnerBounceRecorder } from '../hygiene/owner-directory';
import { formatInstant, parseInstant } from '../hygiene/time';
import { OWNER_TAG, userIdFromTag } from './email-tags';

/** An SES event the directory acts on. */
export interface AddressProblem {
  readonly kind: 'bounce' | 'complaint';
  /** The addresses SES names. */
  readonly recipients: readonly string[];
  /** The owner the email was sent to (from its tag), when known. */
  readonly userId?: string;
  /** When SES reported it, canonical UTC. */
  readonly at: string;
}

function object(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function addresses(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  return list.flatMap((r) => {
    const address = object(r)?.emailAddress;
    return typeof address === 'string' && address !== '' ? [address] : [];
  });
}

/** The instant of an event, or `fallback` when it carries none that parses. */
function instant(value: unknown, fallback: number): string {
  const parsed = typeof value === 'string' ? parseInstant(value) : undefined;
  return formatInstant(parsed?.ok ? parsed.ms : fallback);
}

/**
 * Reads one SES event (event publishing's `eventType`, or a feedback
 * notification's `notificationType`): a permanent bounce or a complaint, or
 * `undefined` for anything else (deliveries, transient bounces, opens…).
 * @param now when the event arrived, used when it carries no timestamp
 * @throws {SyntaxError} when `message` is not JSON
 */
export function addressProblemOf(message: string, now: number): AddressProblem | undefined {
  const event = object(JSON.parse(message));
  const type = event?.eventType ?? event?.notificationType;
  const tags = object(object(event?.mail)?.tags);
  const tag = tags?.[OWNER_TAG];
  const userId = userIdFromTag(Array.isArray(tag) && typeof tag[0] === 'string' ? tag[0] : undefined);
  const owner = userId !== undefined ? { userId } : {};
  if (type === 'Bounce') {
    const bounce = object(event?.bounce);
    if (bounce?.bounceType !== 'Permanent') return undefined;
    const recipients = addresses(bounce.bouncedRecipients);
    return { kind: 'bounce', recipients, ...owner, at: instant(bounce.timestamp, now) };
  }
  if (type === 'Complaint') {
    const complaint = object(event?.complaint);
    const recipients = addresses(complaint?.complainedRecipients);
    return { kind: 'complaint', recipients, ...owner, at: instant(complaint?.timestamp, now) };
  }
  return undefined;
}

/** What {@link recordAddressProblems} did. */
export interface AddressProblemSummary {
  readonly bounces: number;
  readonly complaints: number;
  /** Owners marked bouncing. */
  readonly marked: number;
  /** Problems no owner could be marked for (no owner tag, absent owner, or the address has changed). */
  readonly unattributed: number;
  /** Messages that were not JSON (logged, skipped: SNS would only redeliver the same text). */
  readonly unreadable: number;
}

/**
 * Marks the owners of permanent bounces and complaints bouncing.
 * @param messages the SNS messages (SES event JSON)
 * @param now arrival instant, epoch ms
 * @throws what the directory throws (the invocation fails: Lambda retries it twice, then keeps it in the
 *   schedule dead-letter queue; marking is idempotent)
 */
export async function recordAddressProblems(
  directory: OwnerBounceRecorder,
  messages: readonly string[],
  now: number,
): Promise<AddressProblemSummary> {
  const summary = { bounces: 0, complaints: 0, marked: 0, unattributed: 0, unreadable: 0 };
  for (const message of messages) {
    let problem: AddressProblem | undefined;
    try {
      problem = addressProblemOf(message, now);
    } catch {
      summary.unreadable += 1;
      continue;
    }
    if (problem === undefined) continue;
    summary.bounces += 1;
    if (problem.kind === 'complaint') summary.complaints += 1;
    let marked = false;
    for (const email of problem.recipients) {
      if (problem.userId !== undefined && (await directory.markBouncing(problem.userId, email, problem.at)))
        marked = true;
    }
    if (marked) summary.marked += 1;
    else summary.unattributed += 1;
  }
  return summary;
}
