/**
 * What an SES event notification says (docs/notifications.md, "Email relay"): SES publishes each sending event of
 * the relay's configuration set to an SNS topic, and this module reads one such message into what the relay does
 * with it ({@link SesEventReading}); recording it in the owner directory and reporting it to the admins is
 * `ses-events.ts`'s job. Pure parsing: no port, no I/O.
 *
 * A bounce SES calls `Permanent` is an address problem that marks the owner's address. A bounce SES does not call
 * permanent marks nothing (the address may work next time). Event publishing sends one only once SES has stopped
 * retrying ("Contents of event data that Amazon SES publishes to Amazon SNS": it "only publishes hard bounces and
 * soft bounces that are no longer retried"), so one of a subtype other than `General` (`MailboxFull`,
 * `MessageTooLarge`, `ContentRejected`, `AttachmentRejected`), and an `Undetermined` one, means SES gave up on the
 * email: its digest part is reported to the admins as a permanent bounce's is, saying which it was (counted in
 * `transient`). A `Transient` bounce with subtype `General` is either such a delivery SES gave up on or an automatic
 * reply (an out-of-office) to an email that was delivered; the **DSN-failure rule** tells them apart: when its
 * bounced recipients carry a DSN failure (`action` `failed`, or a `status` of class 4 or 5, such as SES's own
 * `4.4.7` after its retries) it is read as a `MailboxFull` one is; without one it is only counted (`transient`). A
 * `Reject` event (SES found a virus and did not send the email) is a delivery that did not happen either: read the
 * same way, as bounce type `Undetermined`, subtype `Reject`, marking no one. Other events change nothing.
 *
 * A complaint is the person's "stop" (they marked the notice as spam), except by the `Feedback-Type` of the ISP's
 * report (RFC 5965's format) SES passes on (`complaint.complaintFeedbackType`): `not-spam` (RFC 6430) says the
 * message is *not* spam (the person moved it out of their spam folder), the opposite of a "stop", counted apart
 * (`notSpam`); `auth-failure` (RFC 6591) and `virus` are the provider's findings about the message (its
 * authentication failed, it carried a virus), not anything the person did, counted apart (`authOrVirusReports`, and
 * by feedback type in `authOrVirusTypes`: the handler's `EmailAuthOrVirusReports` metric and alarm, docs/deploy.md,
 * "Runbook: Email authentication or virus reports"). Neither is an address problem, nor in `bounces` or
 * `complaints` (the bounce alarm).
 *
 * A **suppressed send** is not a complaint either. The relay's configuration set turns SES's account-level
 * suppression list on for bounces and complaints, and SES accepts an email to an address on it but does not send
 * it; it reports a permanent bounce with `bounceSubType` `OnAccountSuppressionList`, or a complaint with
 * `complaintSubType` `OnAccountSuppressionList` (SES API reference, `Complaint.ComplaintSubType`: "SES accepted the
 * message, but didn't attempt to send it because it was on the account-level suppression list"). Either is read as a
 * permanent bounce marked `suppressed`: the owner is marked `bouncing` and the digest reported to the admins, never
 * recorded `unsubscribed` nor remembered as an opt-out (bob, who shares an alias with alice, did not complain when
 * alice did). Counted in `bounces` and apart (`suppressed`), never in `complaints`.
 *
 * What an event names: the owner and the digest part from the email's tags (`email-tags.ts`), the address from
 * `mail.destination`, what the relay sent to. Not from the recipients the DSN names: a forwarding mailbox bounces
 * under its final address, which the directory never holds.
 */

import { formatInstant, parseInstant } from '../hygiene/time';
import { type NotPermanentBounceType, REJECTED } from './bounce-report';
import { digestPartFromTags } from './email-tags';

/**
 * An SES event the handler acts on: a bounce (permanent, a suppressed send, or one SES gave up on without calling it
 * permanent: `bounceType`; a `Reject` is read as one of those) or a complaint.
 */
export interface AddressProblem {
  readonly kind: 'bounce' | 'complaint';
  /**
   * The addresses the relay sent the email to (`mail.destination`); the
   * recipients SES names only when the event carries no destination.
   */
  readonly sentTo: readonly string[];
  /** The owner the email was sent to (from its tag), when known. */
  readonly userId?: string;
  /** The digest part the email carried (from its tags), when known. */
  readonly drainId?: string;
  readonly part?: number;
  /** Which of the owner's digests of that drain (the events key tag), when tagged. */
  readonly eventsKey?: string;
  /** SES's id of the email (`mail.messageId`), when the event carries one. */
  readonly sesMessageId?: string;
  /** When SES reported it, canonical UTC. */
  readonly at: string;
  /**
   * True for a suppressed send (only with `kind: 'bounce'`): SES did not send the email because the address is on
   * the account's suppression list (a `OnAccountSuppressionList` bounce or complaint; see the file header).
   */
  readonly suppressed?: true;
  /**
   * SES's bounce type when it was not `Permanent` (only with `kind: 'bounce'`; `Transient` with subtype `General`
   * only under the DSN-failure rule, see the file header; `Undetermined` for a `Reject`): the email was not
   * delivered, its digest part is reported, and the owner is not marked bouncing (the address may work next time).
   * Absent for a permanent bounce.
   */
  readonly bounceType?: NotPermanentBounceType;
  /** SES's `bounceSubType` of such a bounce, when it gave one; `Reject` for a `Reject` event. */
  readonly bounceSubType?: string;
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

/** `mail.destination` (a list of addresses), else the recipients SES names (`bouncedRecipients`, `complainedRecipients`). */
function sentTo(mail: Record<string, unknown> | undefined, recipients: unknown): string[] {
  const destination = Array.isArray(mail?.destination)
    ? mail.destination.filter((a): a is string => typeof a === 'string' && a !== '')
    : [];
  return destination.length > 0 ? destination : addresses(recipients);
}

/** The instant of an event, or `fallback` when it carries none that parses. */
function instant(value: unknown, fallback: number): string {
  const parsed = typeof value === 'string' ? parseInstant(value) : undefined;
  return formatInstant(parsed?.ok ? parsed.ms : fallback);
}

/**
 * What one SES event is to the handler: an address problem, a bounce only counted, a feedback report that is not a
 * person's stop, or nothing.
 */
export type SesEventReading =
  | { readonly kind: 'problem'; readonly problem: AddressProblem }
  /**
   * A `Transient` bounce with subtype `General` whose recipients carry no DSN failure (an automatic reply, such as an
   * out-of-office, to an email that was delivered: the DSN-failure rule, file header): counted, nothing recorded or
   * reported.
   */
  | { readonly kind: 'general-transient' }
  /** A complaint whose feedback type is `not-spam` (RFC 5965): the person said the email is not spam. */
  | { readonly kind: 'not-spam' }
  /**
   * A complaint whose feedback type is `auth-failure` or `virus` (RFC 5965): the provider's report, not a stop; with
   * the owner the email was tagged for and SES's message id, when the event carries them (never the address).
   */
  | { readonly kind: 'auth-or-virus'; readonly report: AuthOrVirusReport }
  /** Deliveries, opens…: nothing to record. */
  | { readonly kind: 'ignored' };

/**
 * The feedback types of a provider's own finding about an email (not the person's stop): `auth-failure` (it failed
 * SPF, DKIM or DMARC authentication, RFC 6591) and `virus` (it carried one, RFC 5965).
 */
export type AuthOrVirusFeedback = 'auth-failure' | 'virus';

/** A provider's `auth-failure` or `virus` report, as the log names it: its type, the owner and the email, not the address. */
export interface AuthOrVirusReport {
  readonly feedbackType: AuthOrVirusFeedback;
  /** The owner the relay tagged the email for. */
  readonly userId?: string;
  /** SES's id of the email (`mail.messageId`). */
  readonly sesMessageId?: string;
}

/** A bounce as the handler treats it, by SES's bounce type and subtype ({@link bounceClass}). */
type BounceClass =
  | { readonly kind: 'permanent' }
  | { readonly kind: 'general-transient' }
  | {
      readonly kind: 'not-permanent';
      readonly bounceType: NotPermanentBounceType;
      readonly bounceSubType?: string;
    };

/** A string value, trimmed and in lower case, for comparing SES's type names; `undefined` when not a string. */
function token(value: unknown): string | undefined {
  return typeof value === 'string' ? value.trim().toLowerCase() : undefined;
}

/**
 * How a bounce is treated, by `bounce.bounceType` and `bounce.bounceSubType` ("Contents of event data that Amazon SES
 * publishes to Amazon SNS", bounce types: `Undetermined`, `Permanent`, `Transient`; the API's `BounceType` spells them
 * in capitals, so they are compared trimmed and case-insensitively): `Permanent` marks the address; `Transient` of a
 * subtype other than `General` (`MailboxFull`, `MessageTooLarge`, `ContentRejected`, `AttachmentRejected`, one SES
 * adds later, or none) and `Undetermined` mean SES gave up on the email without calling the address bad; so does
 * `Transient`/`General` under the DSN-failure rule ({@link carriesDsnFailure}), and without a DSN failure it is an
 * automatic reply, only counted. A type SES does not document, or none, is read as `Undetermined`: reported, never
 * marked, so the notices still reach a person.
 */
function bounceClass(bounce: Record<string, unknown> | undefined): BounceClass {
  const type = token(bounce?.bounceType);
  if (type === 'permanent') return { kind: 'permanent' };
  const subType = bounce?.bounceSubType;
  if (type === 'transient' && token(subType) === 'general' && !carriesDsnFailure(bounce?.bouncedRecipients))
    return { kind: 'general-transient' };
  return {
    kind: 'not-permanent',
    bounceType: type === 'transient' ? 'Transient' : 'Undetermined',
    ...(typeof subType === 'string' && subType.trim() !== '' && { bounceSubType: subType }),
  };
}

/**
 * The DSN-failure rule: whether any of a bounce's recipients (`bouncedRecipients`) carries a DSN failure, `action`
 * `failed` or a `status` of class 4 or 5 (`4.4.7`, `5.1.1`; RFC 3464's `Action` and `Status` fields, which SES copies
 * from the delivery status notification, its own when it gave up after retrying). An automatic reply (an
 * out-of-office) is no DSN and carries neither. Compared trimmed and case-insensitively.
 */
function carriesDsnFailure(recipients: unknown): boolean {
  if (!Array.isArray(recipients)) return false;
  return recipients.some((r) => {
    const recipient = object(r);
    const status = token(recipient?.status);
    return token(recipient?.action) === 'failed' || status?.startsWith('4.') || status?.startsWith('5.');
  });
}

/**
 * What a complaint's feedback type makes of it: SES's `complaintFeedbackType` is the report's `Feedback-Type`
 * ("Contents of event data that Amazon SES publishes to Amazon SNS", complaint object: `abuse`, `auth-failure`,
 * `fraud`, `not-spam`, `other`, `virus`). `not-spam` is sent when a person marks a message as not spam (RFC 6430);
 * `auth-failure` (the message failed authentication, RFC 6591) and `virus` (it carried one, RFC 5965) are the
 * provider's own findings, not the person's stop. Compared trimmed and case-insensitively, as RFC 5965's field values
 * are tokens. Every other type (`abuse`, `fraud`, `other`, one not listed), or none, is a complaint.
 */
function feedbackKind(
  complaint: Record<string, unknown> | undefined,
): 'not-spam' | AuthOrVirusFeedback | 'complaint' {
  const type = token(complaint?.complaintFeedbackType);
  if (type === 'not-spam' || type === 'auth-failure' || type === 'virus') return type;
  return 'complaint';
}

/**
 * Whether an event's subtype (`bounce.bounceSubType`, `complaint.complaintSubType`) says SES suppressed the send:
 * `OnAccountSuppressionList`. Compared trimmed and case-insensitively: it is the only value SES documents besides
 * none (`null`), so another spelling can only mean it, and missing it would be the worse error (a suppressed send
 * read as the person's complaint records an opt-out nobody made).
 */
function isSuppressedSend(subType: unknown): boolean {
  return token(subType) === 'onaccountsuppressionlist';
}

/**
 * Reads one SES event (event publishing's `eventType`, or a feedback
 * notification's `notificationType`): a bounce ({@link bounceClass}: a
 * permanent one, one SES gave up on without calling it permanent, or a
 * `Transient`/`General` one without a DSN failure, only counted), a
 * `Reject` (read as a bounce SES gave up on: `Undetermined`, subtype
 * `Reject`, when the email was sent: `mail.timestamp`), a complaint (a
 * suppressed send, bounce or complaint, read as a permanent bounce marked
 * `suppressed`), a complaint that is not a stop ({@link feedbackKind}), or
 * anything else (deliveries, opens…).
 * @param now when the event arrived, used when it carries no timestamp
 * @throws {SyntaxError} when `message` is not JSON
 */
export function readSesEvent(message: string, now: number): SesEventReading {
  const problem = (found: AddressProblem): SesEventReading => ({ kind: 'problem', problem: found });
  const event = object(JSON.parse(message));
  const type = event?.eventType ?? event?.notificationType;
  const mail = object(event?.mail);
  const messageId = mail?.messageId;
  const owner = {
    ...digestPartFromTags(object(mail?.tags)),
    ...(typeof messageId === 'string' && messageId !== '' && { sesMessageId: messageId }),
  };
  if (type === 'Bounce') {
    const bounce = object(event?.bounce);
    const bounceKind = bounceClass(bounce);
    if (bounceKind.kind === 'general-transient') return { kind: 'general-transient' };
    const suppressed = bounceKind.kind === 'permanent' && isSuppressedSend(bounce?.bounceSubType);
    const { kind: _kind, ...notPermanent } = bounceKind;
    return problem({
      kind: 'bounce',
      sentTo: sentTo(mail, bounce?.bouncedRecipients),
      ...owner,
      at: instant(bounce?.timestamp, now),
      ...(suppressed && { suppressed }),
      ...notPermanent,
    });
  }
  if (type === 'Complaint') {
    const complaint = object(event?.complaint);
    const to = () => sentTo(mail, complaint?.complainedRecipients);
    const at = () => instant(complaint?.timestamp, now);
    // SES did not send it: nobody complained (whatever feedback type an event might carry).
    if (isSuppressedSend(complaint?.complaintSubType))
      return problem({ kind: 'bounce', sentTo: to(), ...owner, at: at(), suppressed: true });
    const feedback = feedbackKind(complaint);
    if (feedback === 'not-spam') return { kind: 'not-spam' };
    if (feedback !== 'complaint') {
      const { userId, sesMessageId } = owner;
      const report = {
        feedbackType: feedback,
        ...(userId && { userId }),
        ...(sesMessageId && { sesMessageId }),
      };
      return { kind: 'auth-or-virus', report };
    }
    return problem({ kind: 'complaint', sentTo: to(), ...owner, at: at() });
  }
  if (type === 'Reject') {
    // SES found a virus and sent nothing: the notices reached no one, and the address is not in question.
    const at = instant(mail?.timestamp, now);
    return problem({ kind: 'bounce', sentTo: sentTo(mail, undefined), ...owner, at, ...REJECTED });
  }
  return { kind: 'ignored' };
}
