/**
 * SES bounces, complaints and rejects → the owner directory (docs/notifications.md,
 * "Email relay"). SES publishes each sending event of the relay's
 * configuration set to an SNS topic. A permanent bounce marks the owner's
 * address `bouncing`, which makes the owner unreachable on the `relay` route
 * until the directory is updated. A complaint (the person marked the notice
 * as spam: their own "stop") records the owner `unsubscribed` at that
 * address, an opt-out like any other: it stops both routes, travels in
 * `owners export`, is remembered for the address when an import moves them
 * away (and recorded again if one moves them back), and is undone only by
 * `owners resubscribe` or a move to an address they did not opt out at.
 * A bounce SES does not call permanent marks nothing (the address may work
 * next time). Event publishing sends one only once SES has stopped retrying
 * ("Contents of event data that Amazon SES publishes to Amazon SNS": it
 * "only publishes hard bounces and soft bounces that are no longer retried"),
 * so one of a subtype other than `General` (`MailboxFull`, `MessageTooLarge`,
 * `ContentRejected`, `AttachmentRejected`), and an `Undetermined` one, means
 * SES gave up on the email: its digest part is reported to the admins as a
 * permanent bounce's is (below), saying which it was (counted in
 * `transient`). A `Transient` bounce with subtype `General` is either such a
 * delivery SES gave up on or an automatic reply (an out-of-office) to an
 * email that was delivered; the **DSN-failure rule** tells them apart: when
 * its bounced recipients carry a DSN failure (`action` `failed`, or a
 * `status` of class 4 or 5, such as SES's own `4.4.7` after its retries) it
 * is reported as a `MailboxFull` one is; without one it is only counted
 * (`transient`). A `Reject` event (SES found a virus and did not send the
 * email) is a delivery that did not happen either: reported the same way, as
 * bounce type `Undetermined`, subtype `Reject`, marking no one. Other events
 * change nothing. Neither does a complaint that is not a person's "stop",
 * by the `Feedback-Type` of the ISP's report (RFC 5965's format) SES passes
 * on (`complaint.complaintFeedbackType`): `not-spam` (RFC 6430) says the
 * message is *not* spam (the person moved it out of their spam folder), the
 * opposite of a "stop", counted apart (`notSpam`); `auth-failure` (RFC 6591)
 * and `virus` are the provider's findings about the message (its
 * authentication failed, it carried a virus), not anything the person did,
 * counted apart (`authOrVirusReports`, and by feedback type in
 * `authOrVirusTypes`: the handler's `EmailAuthOrVirusReports` metric and
 * alarm, docs/deploy.md, "Runbook: Email authentication or virus reports").
 * Both are logged with the summary, as unreadable messages are; neither is in
 * `bounces` or `complaints` (the bounce alarm).
 *
 * A **suppressed send** is not a complaint either. The relay's configuration
 * set turns SES's account-level suppression list on for bounces and
 * complaints, and SES accepts an email to an address on it but does not
 * send it; it reports a permanent bounce with `bounceSubType`
 * `OnAccountSuppressionList`, or a complaint with `complaintSubType`
 * `OnAccountSuppressionList` (SES API reference, `Complaint.ComplaintSubType`:
 * "SES accepted the message, but didn't attempt to send it because it was on
 * the account-level suppression list"). Either is read as a permanent bounce
 * marked `suppressed`: the owner is marked `bouncing` and the digest reported
 * to the admins, never recorded `unsubscribed` nor remembered as an opt-out
 * (bob, who shares an alias with alice, did not complain when alice did).
 * Counted in `bounces` and apart (`suppressed`), never in `complaints`.
 *
 * Attribution: the owner comes from the email's owner tag (`email-tags.ts`),
 * the address from `mail.destination`, what the relay sent to. Not from the
 * recipients the DSN names: a forwarding mailbox bounces under its final
 * address, which the directory never holds. The mark and the opt-out are
 * written only while the directory still holds an address the relay sent
 * to, compared trimmed and case-insensitively (`normalizeEmail`, the
 * subscription reconciler's rule: a re-export may change the case), with the
 * domain in Punycode (`mailboxKey`: the relay gives SES
 * `bob@xn--bcher-kva.example` for the directory's `bob@bücher.example`, and
 * SES's events name what it was given). DynamoDB conditions cannot compare
 * case-insensitively, so the use case reads the owner, compares, and writes
 * conditionally on the exact spelling it read; an import that changed the
 * spelling in between fails the condition and the owner is read again. This
 * needs no normalised copy of the address in the table (which every item
 * written before would lack, and the import would have to keep in step),
 * and bounces and complaints are rare: one consistent read each costs
 * nothing.
 *
 * A complaint can arrive hours after the send, after an import (a wrong
 * export) moved the owner to another address. It is still the person's stop
 * at the address the relay sent to, so it is remembered for that address
 * (its digest added to `optedOutAddresses`, conditional on the address read
 * as above), as the import would have remembered it had the complaint come
 * first: an import that moves them back records `unsubscribed` again. Their
 * current address is left as it is: they never complained there. A bounce
 * for an address they no longer hold changes nothing (the address is not
 * theirs any more).
 *
 * A permanent bounce (and a bounce SES gave up on, or a reject, above) also means the
 * notices that email carried reached no one: each is handed to the
 * bounced-digest reporter (`bounced-digest.ts`),
 * which gives the admins the part's events, once, with what the email's tags
 * say (owner, drain, part) and the owner's name read here. The directory
 * write and the report are tried independently: a failure of either fails
 * the invocation after both were tried (Lambda retries it; both are
 * idempotent). Pure over the directory and reporter ports.
 */

import { digestUnion, optedOutAddressDigest } from '../hygiene/opted-out-address';
import type { OwnerBounceRecorder, OwnerDirectory, OwnerRecord } from '../hygiene/owner-directory';
import { formatInstant, parseInstant } from '../hygiene/time';
import { type BouncedEmail, type NotPermanentBounceType, REJECTED } from './bounce-report';
import type { BouncedDigestOutcome } from './bounced-digest';
import { digestPartFromTags } from './email-tags';
import { directorySpellings, mailboxKey } from './ses-address';

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
  /** A complaint whose feedback type is `auth-failure` or `virus` (RFC 5965): the provider's report, not a stop. */
  | { readonly kind: 'auth-or-virus'; readonly feedbackType: AuthOrVirusFeedback }
  /** Deliveries, opens…: nothing to record. */
  | { readonly kind: 'ignored' };

/**
 * The feedback types of a provider's own finding about an email (not the person's stop): `auth-failure` (it failed
 * SPF, DKIM or DMARC authentication, RFC 6591) and `virus` (it carried one, RFC 5965).
 */
export type AuthOrVirusFeedback = 'auth-failure' | 'virus';

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
    if (feedback !== 'complaint') return { kind: 'auth-or-virus', feedbackType: feedback };
    return problem({ kind: 'complaint', sentTo: to(), ...owner, at: at() });
  }
  if (type === 'Reject') {
    // SES found a virus and sent nothing: the notices reached no one, and the address is not in question.
    const at = instant(mail?.timestamp, now);
    return problem({ kind: 'bounce', sentTo: sentTo(mail, undefined), ...owner, at, ...REJECTED });
  }
  return { kind: 'ignored' };
}

/**
 * The address problem of one SES event ({@link readSesEvent}): a bounce
 * (permanent, a suppressed send, or one SES gave up on, a `Reject` included)
 * or a complaint, or `undefined` for anything else (a `Transient`/`General`
 * bounce without a DSN failure and a feedback report that is not a stop
 * included).
 * @throws {SyntaxError} when `message` is not JSON
 */
export function addressProblemOf(message: string, now: number): AddressProblem | undefined {
  const reading = readSesEvent(message, now);
  return reading.kind === 'problem' ? reading.problem : undefined;
}

/** What {@link recordAddressProblems} did. */
export interface AddressProblemSummary {
  /** Permanent bounces and complaints read, suppressed sends included. */
  readonly bounces: number;
  /** Of those, complaints (a person's: a suppressed send reported as a complaint is not one). */
  readonly complaints: number;
  /**
   * Of `bounces`, suppressed sends: SES did not send the email, the address being on the account's suppression
   * list (reported as a bounce or a complaint with subtype `OnAccountSuppressionList`; read as a permanent bounce).
   */
  readonly suppressed: number;
  /** Owners marked bouncing (by a permanent bounce or a suppressed send). */
  readonly marked: number;
  /** Owners recorded unsubscribed by a complaint (at the address the relay sent to, still theirs). */
  readonly optedOut: number;
  /**
   * Complaints about an address the owner no longer holds (an import moved them away since the send): the
   * address remembered in their `optedOutAddresses`, so a move back records them `unsubscribed` again.
   */
  readonly optOutsRemembered: number;
  /**
   * Problems nothing was recorded for: no owner tag or an absent owner; a bounce for an address the owner no
   * longer holds; a complaint naming no address.
   */
  readonly unattributed: number;
  /** Messages that were not JSON (logged, skipped: SNS would only redeliver the same text). */
  readonly unreadable: number;
  /**
   * Complaints whose feedback type is `not-spam` (the person said the email is not spam): nothing recorded,
   * not counted in `bounces` or `complaints`.
   */
  readonly notSpam: number;
  /**
   * Complaints whose feedback type is `auth-failure` or `virus` (the provider's finding, not the person's stop):
   * nothing recorded, not counted in `bounces` or `complaints`; the handler's `EmailAuthOrVirusReports` (alarm at 1).
   */
  readonly authOrVirusReports: number;
  /**
   * `authOrVirusReports` by feedback type (`auth-failure`, `virus`; only those seen): for the log, which tells the
   * operator which runbook step applies (docs/deploy.md, "Runbook: Email authentication or virus reports").
   */
  readonly authOrVirusTypes: Readonly<Partial<Record<AuthOrVirusFeedback, number>>>;
  /**
   * Bounces SES did not report as permanent (`Transient` of any subtype, `Undetermined`), and `Reject` events: nobody
   * marked, not in `bounces`. All but `Transient`/`General` ones without a DSN failure (automatic replies) are
   * reported as permanent ones are (`digestsReported`).
   */
  readonly transient: number;
  /**
   * `transient` by SES's type and subtype (`Transient/General`, `Transient/MailboxFull`, `Undetermined/Undetermined`;
   * `Undetermined/Reject` for a `Reject`; `…/-` without a subtype): for the log, as a metric dimension per subtype
   * would be one more metric each.
   */
  readonly transientTypes: Readonly<Record<string, number>>;
  /**
   * Bounces (permanent, suppressed sends, and those SES gave up on without calling them permanent) whose digest part
   * was reported to the admins (with its events or without).
   */
  readonly digestsReported: number;
  /** Of those, reported without the events: they could not be read back (untagged, expired, unreadable). */
  readonly digestsUnreadable: number;
  /** Bounces whose report had been published before (a redelivered event, another bounce of the part): nothing published. */
  readonly reportsRepeated: number;
}

/** Reports a bounced relay email's digest part to the admins, once (`reportBouncedDigest`, bound to its ports). */
export type BouncedDigestReporter = (email: BouncedEmail) => Promise<BouncedDigestOutcome>;

/** What bounce attribution needs from the directory: the owner's current address, and the conditional writes. */
export interface BounceDirectory extends OwnerBounceRecorder, Pick<OwnerDirectory, 'getMany'> {}

/** Reads and conditional writes per problem before giving up on an address that keeps changing. */
const MARK_ATTEMPTS = 3;

/** An owner's address changed between every read and write: the invocation fails and is retried. */
export class BounceMarkContendedError extends Error {
  override readonly name = 'BounceMarkContendedError';
  constructor(
    readonly userId: string,
    attempts: number,
  ) {
    super(
      `owner ${JSON.stringify(userId)}: the directory's address changed between read and write in each of ` +
        `${attempts} attempts to record the address problem (an import running meanwhile?)`,
    );
  }
}

/**
 * What the directory recorded of a problem: `recorded` at the owner's current
 * address (a bounce: bouncing; a complaint: `unsubscribed`), `remembered` (a
 * complaint about an address the owner has moved away from: its digest added
 * to their `optedOutAddresses`), or `unattributed` (nothing).
 */
type Attribution = 'recorded' | 'remembered' | 'unattributed';

/**
 * The problem's conditional write for `userId`, whose address is `current` (the exact spelling read;
 * `undefined`: none), and what it records; `undefined` when there is nothing to write (a bounce, or a
 * complaint naming no address, for an address the owner does not hold).
 */
function writeFor(
  directory: BounceDirectory,
  problem: AddressProblem,
  userId: string,
  current: string | undefined,
): { attribution: Attribution; write: () => Promise<boolean> } | undefined {
  const sentTo = new Set(problem.sentTo.map(mailboxKey));
  if (current !== undefined && sentTo.has(mailboxKey(current))) {
    const write =
      problem.kind === 'complaint'
        ? () => directory.recordComplaint(userId, current)
        : () => directory.markBouncing(userId, current, problem.at);
    return { attribution: 'recorded', write };
  }
  if (problem.kind !== 'complaint' || sentTo.size === 0) return undefined;
  // Under each spelling the directory may hold it in (a Punycode domain also in Unicode): an import that moves
  // the owner back, in either, finds the opt-out.
  const digests = digestUnion(problem.sentTo.flatMap(directorySpellings).map(optedOutAddressDigest));
  return {
    attribution: 'remembered',
    write: () => directory.rememberOptedOutAddresses(userId, current, digests),
  };
}

/**
 * Records the problem for its owner: at their current address when it is one
 * the relay sent to, compared normalised (see the file header); a complaint
 * about an address they no longer hold is remembered for that address.
 * @returns `unattributed` when there is no owner tag or the owner is absent, or for a bounce (or a complaint
 *   naming no address) when their address is not one the relay sent to; `owner` as last read
 * @throws {BounceMarkContendedError} when the address changed during every attempt
 */
async function recordForOwner(
  directory: BounceDirectory,
  problem: AddressProblem,
): Promise<{ attribution: Attribution; owner?: OwnerRecord }> {
  const { userId } = problem;
  if (userId === undefined) return { attribution: 'unattributed' };
  for (let attempt = 1; attempt <= MARK_ATTEMPTS; attempt++) {
    const owner = (await directory.getMany([userId])).get(userId);
    if (owner === undefined) return { attribution: 'unattributed' };
    const planned = writeFor(directory, problem, userId, owner.email);
    if (planned === undefined) return { attribution: 'unattributed', owner };
    // Conditional on the exact spelling read: an import in between fails it, and the owner is read again.
    if (await planned.write()) return { attribution: planned.attribution, owner };
  }
  throw new BounceMarkContendedError(userId, MARK_ATTEMPTS);
}

/** The bounced email as the reporter needs it: the tags, the address, when, and the owner's name when read. */
function bouncedEmailOf(problem: AddressProblem, owner: OwnerRecord | undefined): BouncedEmail {
  const { userId, drainId, part, eventsKey, sesMessageId } = problem;
  return {
    ...(userId !== undefined && { userId }),
    ...(owner?.name !== undefined && { name: owner.name }),
    ...(drainId !== undefined && { drainId }),
    ...(part !== undefined && { part }),
    ...(eventsKey !== undefined && { eventsKey }),
    sentTo: problem.sentTo,
    bouncedAt: problem.at,
    ...(sesMessageId !== undefined && { sesMessageId }),
    ...(problem.suppressed && { suppressed: true }),
    ...(problem.bounceType !== undefined && { bounceType: problem.bounceType }),
    ...(problem.bounceSubType !== undefined && { bounceSubType: problem.bounceSubType }),
  };
}

/** Mutable counters of {@link AddressProblemSummary}. */
type Tally = {
  -readonly [K in Exclude<keyof AddressProblemSummary, 'transientTypes' | 'authOrVirusTypes'>]: number;
} & {
  transientTypes: Record<string, number>;
  authOrVirusTypes: Partial<Record<AuthOrVirusFeedback, number>>;
};

/** Counts a bounce SES did not report as permanent, by its type and subtype. */
function countTransient(summary: Tally, bounceType: NotPermanentBounceType, bounceSubType = '-'): void {
  const key = `${bounceType}/${bounceSubType}`;
  summary.transient += 1;
  summary.transientTypes[key] = (summary.transientTypes[key] ?? 0) + 1;
}

/** Counts a provider's `auth-failure` or `virus` report, by its feedback type. */
function countAuthOrVirus(summary: Tally, feedbackType: AuthOrVirusFeedback): void {
  summary.authOrVirusReports += 1;
  summary.authOrVirusTypes[feedbackType] = (summary.authOrVirusTypes[feedbackType] ?? 0) + 1;
}

/**
 * Records a permanent bounce or a complaint for its owner ({@link recordForOwner}) and counts what it recorded.
 * @returns the owner as last read
 */
async function recordAndCount(
  directory: BounceDirectory,
  problem: AddressProblem,
  summary: Tally,
): Promise<OwnerRecord | undefined> {
  const result = await recordForOwner(directory, problem);
  if (result.attribution === 'unattributed') summary.unattributed += 1;
  else if (result.attribution === 'remembered') summary.optOutsRemembered += 1;
  else if (problem.kind === 'complaint') summary.optedOut += 1;
  else summary.marked += 1;
  return result.owner;
}

/**
 * The owner of a bounce that marks nothing, read only for their name in the report: a failed read leaves the name
 * out rather than failing the invocation (nothing was to be written, so a retry would only repeat the report's claim).
 */
async function ownerForName(directory: BounceDirectory, userId: string | undefined) {
  if (userId === undefined) return undefined;
  return (await directory.getMany([userId]).catch(() => undefined))?.get(userId);
}

/**
 * One problem: the directory write (none for a bounce SES did not call
 * permanent: the owner is only read, for their name), then (a bounce) the
 * report, each tried whatever the other did; the first failure is thrown
 * after both.
 */
async function handleProblem(
  directory: BounceDirectory,
  problem: AddressProblem,
  summary: Tally,
  reportBounce: BouncedDigestReporter | undefined,
): Promise<void> {
  let failure: { error: unknown } | undefined;
  let owner: OwnerRecord | undefined;
  try {
    owner =
      problem.bounceType === undefined
        ? await recordAndCount(directory, problem, summary)
        : await ownerForName(directory, problem.userId);
  } catch (error: unknown) {
    failure = { error };
  }
  // A bounce with none of the relay's tags is of mail the configuration set carried for something else: counted
  // (bounces and unattributed, or transient), not reported as a lost digest.
  if (problem.kind === 'bounce' && reportBounce !== undefined && carriesRelayTag(problem)) {
    try {
      const outcome = await reportBounce(bouncedEmailOf(problem, owner));
      if (outcome.status === 'duplicate') summary.reportsRepeated += 1;
      else {
        summary.digestsReported += 1;
        if (!outcome.eventsReadBack) summary.digestsUnreadable += 1;
      }
    } catch (error: unknown) {
      failure ??= { error };
    }
  }
  if (failure !== undefined) throw failure.error;
}

/** Whether an email carried any of the relay's tags (owner, drain, part): it was a digest part the relay sent. */
function carriesRelayTag(problem: AddressProblem): boolean {
  return problem.userId !== undefined || problem.drainId !== undefined || problem.part !== undefined;
}

/**
 * Marks the owners of permanent bounces (suppressed sends included) bouncing,
 * and records the owners of complaints `unsubscribed` (or, moved away since
 * the send, remembers the address they complained about); with
 * `reportBounce`, reports the digest part of each permanent bounce, and of
 * each bounce SES gave up on without calling it permanent (a `Reject`
 * included), to the admins. Counts `Transient`/`General` bounces without a
 * DSN failure and feedback reports that are not a stop, which change nothing.
 * @param messages the SNS messages (SES event JSON)
 * @param now arrival instant, epoch ms
 * @throws what the directory or the reporter throws, and {@link BounceMarkContendedError} (the invocation
 *   fails: Lambda retries it twice, then keeps it in the schedule dead-letter queue; the writes are
 *   idempotent and a report is published once)
 */
export async function recordAddressProblems(
  directory: BounceDirectory,
  messages: readonly string[],
  now: number,
  reportBounce?: BouncedDigestReporter,
): Promise<AddressProblemSummary> {
  const summary: Tally = {
    bounces: 0,
    complaints: 0,
    suppressed: 0,
    marked: 0,
    optedOut: 0,
    optOutsRemembered: 0,
    unattributed: 0,
    unreadable: 0,
    notSpam: 0,
    authOrVirusReports: 0,
    authOrVirusTypes: {},
    transient: 0,
    transientTypes: {},
    digestsReported: 0,
    digestsUnreadable: 0,
    reportsRepeated: 0,
  };
  for (const message of messages) {
    let reading: SesEventReading;
    try {
      reading = readSesEvent(message, now);
    } catch {
      summary.unreadable += 1;
      continue;
    }
    if (reading.kind === 'not-spam') summary.notSpam += 1;
    if (reading.kind === 'auth-or-virus') countAuthOrVirus(summary, reading.feedbackType);
    if (reading.kind === 'general-transient') countTransient(summary, 'Transient', 'General');
    if (reading.kind !== 'problem') continue;
    const { problem } = reading;
    if (problem.bounceType !== undefined) countTransient(summary, problem.bounceType, problem.bounceSubType);
    else summary.bounces += 1;
    if (problem.kind === 'complaint') summary.complaints += 1;
    if (problem.suppressed) summary.suppressed += 1;
    await handleProblem(directory, problem, summary, reportBounce);
  }
  return summary;
}
