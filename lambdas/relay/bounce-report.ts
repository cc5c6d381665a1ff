/**
 * The admins' message about a relay email that bounced (permanently, or
 * not but SES gave up on it: below) (docs/notifications.md, "Email
 * relay"): the digest part's events, which
 * reached no one, in the drain's own `owner-unreachable` report (the same
 * document, text and splitting: `renderUnreachableReport`), reason
 * `bouncing`, with a paragraph and a `bouncedEmail` field naming the email
 * (drain, part, address, when, SES's message id); a deletion past its restore
 * window says its purge's hold ended when the drain handed the digest to the
 * relay (its `generatedAt`, which the relay's claim keeps), not at this
 * report. A suppressed send (SES did
 * not send the email: the address is on the account's suppression list;
 * `ses-event-reading.ts`) is reported the same way, its paragraph saying so instead
 * of "SES reported a permanent bounce", and `bouncedEmail.suppressed` true
 * (an optional field: the schema's version stays). A bounce SES did not call
 * permanent but gave up on (`Transient`, `Undetermined`; a `Reject`, SES
 * having found a virus, comes as `Undetermined` with subtype `Reject`,
 * `ses-event-reading.ts`) marks no one, so it is reported with the report-only
 * reason `email-undelivered` (`REPORT_ONLY_REASONS`), never `bouncing`,
 * which says the owner is marked: its paragraph says which bounce it was and
 * that the owner was **not** marked bouncing, `bouncedEmail.bounceType`/
 * `bounceSubType` carry SES's values (optional fields, absent for a permanent
 * bounce), and the owner's line says only to tell the owner about these
 * credentials another way (nothing to correct or clear). When the events
 * cannot be read back (an email sent before they were kept, a part whose
 * ledger entry expired, an email without the tags), a notice in the same
 * schema says what is known and that the events could not be read back, and
 * what to do as the drain's report says it for reason `bouncing` (the
 * owner's line, then the reason's advice: `reasonAdviceLines`; after a
 * bounce that did not mark the owner, only to tell them another way). Every
 * value from the event or the ledger is flattened in the text
 * (`plainValue`), as in the drain's report. Pure: no I/O.
 */
import { plainName, plainValue } from '../hygiene/digest';
import type { OutboxEvent } from '../hygiene/events';
import {
  type MessageBudget,
  type NotificationMessage,
  type NumberedMessagePart,
  subjectText,
} from '../hygiene/message';
import { formatInstant } from '../hygiene/time';
import {
  type ReportedReason,
  reasonAdviceLines,
  renderUnreachableReport,
  UNREACHABLE_REASON_TEXT,
  UNREACHABLE_REPORT_SCHEMA,
  UNREACHABLE_REPORT_SCHEMA_VERSION,
  type UnreachableOwner,
  type UnreachableReportDocument,
} from '../hygiene/unreachable-report';

/**
 * SES's bounce types other than `Permanent` ("Amazon SES notification contents", bounce types): a bounce of one of
 * them does not mark the owner bouncing (`ses-events.ts`).
 */
export type NotPermanentBounceType = 'Transient' | 'Undetermined';

/**
 * What is known of a relay email SES reported a bounce for: a permanent one (a suppressed send included), or one
 * SES gave up on without calling it permanent (`bounceType`).
 */
export interface BouncedEmail {
  /** The owner, from the email's owner tag. */
  readonly userId?: string;
  /** The owner's name in the directory, when read. */
  readonly name?: string;
  /** The digest's drain and part, from the email's tags. */
  readonly drainId?: string;
  readonly part?: number;
  /** Which of the owner's digests of that drain (the events key tag; finds its ledger entry), when tagged. */
  readonly eventsKey?: string;
  /** The addresses the relay sent it to (`mail.destination`). */
  readonly sentTo: readonly string[];
  /** When SES reported the bounce, canonical UTC. */
  readonly bouncedAt: string;
  /** SES's message id of the email (`mail.messageId`). */
  readonly sesMessageId?: string;
  /**
   * True when SES did not send the email because the address is on the account's suppression list (a
   * `OnAccountSuppressionList` bounce or complaint); absent for a bounce of an email SES sent.
   */
  readonly suppressed?: true;
  /**
   * SES's bounce type when it was not `Permanent`: the email was not delivered, but the owner was not marked
   * bouncing (the address may work next time). Absent for a permanent bounce and a suppressed send.
   */
  readonly bounceType?: NotPermanentBounceType;
  /** SES's bounce subtype (`MailboxFull`, `Undetermined`…) of such a bounce, when SES gave one. */
  readonly bounceSubType?: string;
}

/**
 * How a `Reject` (SES found a virus and did not send the email) is reported: as a bounce SES gave up on, of no bounce
 * type SES documents (`ses-event-reading.ts` reads it so; {@link whatHappened} says what it was).
 */
export const REJECTED = { bounceType: 'Undetermined', bounceSubType: 'Reject' } as const;

/**
 * The owner's reason in the report: `bouncing` when the email marked them (a permanent bounce, a suppressed send),
 * else `email-undelivered` (SES gave up on this one email; the address is not known bad).
 */
function reportedReasonOf(email: BouncedEmail): ReportedReason {
  return email.bounceType === undefined ? 'bouncing' : 'email-undelivered';
}

/** Whether a reported email is a reject ({@link REJECTED}). */
function isRejected(email: BouncedEmail): boolean {
  return email.bounceType === REJECTED.bounceType && email.bounceSubType === REJECTED.bounceSubType;
}

/** The `bouncedEmail` field of the report document: the email, and whether its events are listed. */
export interface BouncedEmailField extends Omit<BouncedEmail, 'name' | 'eventsKey'> {
  /** True when `owners[].events` are exactly the events the bounced email carried. */
  readonly eventsReadBack: boolean;
  /** Why the events could not be read back (when `eventsReadBack` is false). */
  readonly problem?: string;
}

/** The report's document: the drain report's, plus the email it is about. */
export interface BounceReportDocument extends UnreachableReportDocument {
  readonly bouncedEmail: BouncedEmailField;
}

/** `bouncedEmail` as the document carries it (the directory's name stays with the owner; the events key is the ledger's). */
function emailField(email: BouncedEmail, readBack: { eventsReadBack: boolean; problem?: string }) {
  const { name: _name, eventsKey: _eventsKey, ...field } = email;
  return { ...field, ...readBack } satisfies BouncedEmailField;
}

/** "digest part 2 of drain d-1", or what of it is unknown. */
function partPhrase(email: BouncedEmail): string {
  const part = email.part !== undefined ? `digest part ${email.part}` : 'digest part (part not tagged)';
  const drain = email.drainId !== undefined ? `drain ${plainValue(email.drainId)}` : 'a drain not tagged';
  return `${part} of ${drain}`;
}

/** What SES's documented subtypes of a transient bounce say about the receiving end ("Amazon SES notification contents"). */
const SUBTYPE_MEANING: Readonly<Record<string, string>> = {
  mailboxfull: 'the mailbox is full',
  messagetoolarge: 'the receiving server refused the email as too large',
  contentrejected: "the receiving server refused the email's content",
  attachmentrejected: 'the receiving server refused an attachment',
};

/** ", subtype MailboxFull (the mailbox is full)", or nothing when SES gave no subtype. */
function subTypePhrase(subType: string | undefined): string {
  if (subType === undefined) return '';
  const meaning = SUBTYPE_MEANING[subType.trim().toLowerCase()];
  return `, subtype ${plainValue(subType)}${meaning !== undefined ? ` (${meaning})` : ''}`;
}

/**
 * What SES reported, as the paragraph says it up to the instant: a permanent bounce, a send it suppressed (and why
 * an address is there), a reject, or a bounce it did not call permanent.
 */
function whatHappened(email: BouncedEmail): string {
  if (email.suppressed)
    return (
      "was not sent: SES did not send it because the address is on the account's suppression list (a bounce or " +
      "complaint there before, possibly another owner's at a shared mailbox), reported at"
    );
  if (email.bounceType === 'Transient')
    return `was not delivered: SES gave up on it and reported a transient bounce${subTypePhrase(email.bounceSubType)}, at`;
  if (isRejected(email))
    return 'was not sent: SES rejected it (SES found a virus in it and did not try to deliver it), reported at';
  if (email.bounceType === 'Undetermined')
    return `was not delivered: SES gave up on it and reported a bounce of undetermined type${subTypePhrase(email.bounceSubType)}, at`;
  return 'bounced: SES reported a permanent bounce at';
}

/** What the paragraph adds for a bounce that did not mark the owner (reason `email-undelivered`). */
const NOT_MARKED =
  'The owner was not marked bouncing: SES did not report the address as bad, and the next email to it may be ' +
  'delivered; there is nothing to clear, and nothing to correct unless the address keeps bouncing.';

/** The paragraph naming the email: whose, which part, to which address, what SES reported and when. */
function bounceLines(email: BouncedEmail): string[] {
  const name = plainName(email.name);
  const owner =
    email.userId !== undefined
      ? `owner ${plainValue(email.userId)}${name !== undefined ? ` (${name})` : ''}`
      : 'an owner it does not name (no owner tag)';
  const to = email.sentTo.length > 0 ? ` at ${email.sentTo.map(plainValue).join(', ')}` : '';
  const id = email.sesMessageId !== undefined ? `, SES message id ${plainValue(email.sesMessageId)}` : '';
  const notMarked = reportedReasonOf(email) === 'email-undelivered' ? ` ${NOT_MARKED}` : '';
  return [
    `The relay's email of ${partPhrase(email)} to ${owner}${to} ${whatHappened(email)} ` +
      `${email.bouncedAt}${id}. The notices it carried reached no one.${notMarked}`,
  ];
}

/** The drain report's message with the email named: the paragraph after the first line, the field in the document. */
function withBounce(message: NotificationMessage, email: BouncedEmail): NotificationMessage {
  const [first = '', ...rest] = message.text.split('\n');
  const document: BounceReportDocument = {
    ...(message.document as UnreachableReportDocument),
    bouncedEmail: emailField(email, { eventsReadBack: true }),
  };
  return { ...message, text: [first, '', ...bounceLines(email), ...rest].join('\n'), document };
}

/** What the report of a bounced digest part is rendered from. */
export interface BounceReportInput {
  /** The email, whose owner, drain and part are known (its ledger entry was found by them). */
  readonly email: BouncedEmail & { readonly userId: string; readonly drainId: string; readonly part: number };
  /** The events the email carried, as its ledger entry kept them. */
  readonly events: readonly OutboxEvent[];
  /** The handler's clock (epoch ms): `generatedAt`, and the relative phrases of the events. */
  readonly now: number;
  /**
   * When the drain handed the digest to the relay (the digest's `generatedAt`, epoch ms, kept by the relay's claim:
   * `stored-digest.ts`): the drain released the purge of its deletions then, so a deletion past its
   * `restorableUntil` says the hold ended then, not at this report (`UnreachableReportInput.relayedAt`). Absent
   * (an entry claimed before it was kept): worded as the drain's own report.
   */
  readonly relayedAt?: number;
  readonly budget: MessageBudget;
  /**
   * Where the report's commands aim — the restore commands and the owner's `pc-hygiene owners …` commands
   * (`UnreachableReportInput.targetFlags`): the deployment's `--stack NAME --region REGION`; absent when not known
   * (the report then says to add the deployment's `--stack NAME`).
   */
  readonly targetFlags?: string;
}

/**
 * The report: the drain's `owner-unreachable` report of this one owner
 * (reason `bouncing`, or `email-undelivered` when the email did not mark
 * them: {@link reportedReasonOf}; route `relay`, the drain's id), each part
 * naming the email, split like the drain's so that each part, named, fits the budget.
 * @throws {UnreachableReportTooLargeError} when one event alone cannot fit a message
 */
export function renderBounceReport(input: BounceReportInput): NumberedMessagePart[] {
  const { email } = input;
  const owner: UnreachableOwner = {
    userId: email.userId,
    ...(email.name !== undefined && { name: email.name }),
    reason: reportedReasonOf(email),
    events: input.events,
  };
  const budget: MessageBudget = {
    maxMessageBytes: input.budget.maxMessageBytes,
    // Measured as published, with the paragraph and the field: the splitting then leaves room for them.
    measure: (message) => input.budget.measure(withBounce(message, email)),
  };
  const parts = renderUnreachableReport({
    drainId: email.drainId,
    now: input.now,
    route: 'relay',
    owners: [owner],
    invalidEvents: [],
    budget,
    ...(input.targetFlags !== undefined && { targetFlags: input.targetFlags }),
    ...(input.relayedAt !== undefined && { relayedAt: input.relayedAt }),
  });
  return parts.map((p) => ({
    message: withBounce(p.message, email),
    part: p.part,
    parts: p.parts,
    bytes: p.bytes,
  }));
}

/**
 * What a notice without the events says to do first, whatever SES reported: tell the owner, who did not get these
 * notices, and where to find what they said (a report lists the events instead). No final stop.
 */
const TELL_THE_OWNER_UNLISTED =
  'tell the owner about their credentials another way (pc-hygiene report lists each owner’s credentials; ' +
  'pc-hygiene runs list, the deletions of each run)';

/**
 * What a bounce's notice without its events says to do: after a permanent bounce, also what the drain's report says
 * for `bouncing` (the reason's advice follows it: `reasonAdviceLines`), its commands naming the owner (the email's
 * owner tag; without one, the placeholder) and aimed by `targetFlags`, as the report's are; after one that did not
 * mark the owner, nothing about the address.
 */
function unreadableTodoLines(email: BouncedEmail, targetFlags: string | undefined): string[] {
  if (reportedReasonOf(email) === 'email-undelivered') return [`What to do: ${TELL_THE_OWNER_UNLISTED}.`];
  const todo = UNREACHABLE_REASON_TEXT.bouncing
    .todo(email.userId, targetFlags)
    .replace(/^\w/, (c) => c.toLowerCase());
  return [
    `What to do: ${TELL_THE_OWNER_UNLISTED}, and ${todo}`,
    ...reasonAdviceLines(['bouncing'], targetFlags),
  ];
}

/** The notice's subject: what happened to the email, and that its notices could not be read back. */
function unreadableSubject(email: BouncedEmail): string {
  const happened = email.suppressed
    ? 'was not sent'
    : reportedReasonOf(email) === 'email-undelivered'
      ? 'was not delivered'
      : 'bounced';
  return subjectText(`Hygiene: a relay email ${happened}; its notices could not be read back`);
}

/**
 * The notice for a bounced email whose events cannot be read back: the same
 * schema (no events; `bouncedEmail.eventsReadBack` false, with the problem),
 * severity `high` (the events may have been deletion notices).
 * @param targetFlags where its commands aim, as the report's ({@link BounceReportInput.targetFlags}); absent: not known
 */
export function renderUnreadableBounceNotice(
  email: BouncedEmail,
  problem: string,
  now: number,
  budget: MessageBudget,
  targetFlags?: string,
): NumberedMessagePart {
  const nowIso = formatInstant(now);
  const document: BounceReportDocument = {
    schema: UNREACHABLE_REPORT_SCHEMA,
    version: UNREACHABLE_REPORT_SCHEMA_VERSION,
    audience: 'admin',
    eventTypes: ['owner-unreachable'],
    severity: 'high',
    generatedAt: nowIso,
    // Empty when the email carried no drain tag (bouncedEmail then has no drainId).
    drainId: email.drainId ?? '',
    route: 'relay',
    part: 1,
    parts: 1,
    owners:
      email.userId !== undefined
        ? [
            {
              userId: email.userId,
              ...(email.name !== undefined && { name: email.name }),
              reason: reportedReasonOf(email),
              events: [],
            },
          ]
        : [],
    invalidEvents: [],
    bouncedEmail: emailField(email, { eventsReadBack: false, problem }),
  };
  const text = [
    `Owner notices that reached no one, as of ${nowIso}.`,
    '',
    ...bounceLines(email),
    `The events could not be read back: ${plainValue(problem)}.`,
    ...unreadableTodoLines(email, targetFlags),
    '',
    '--',
    'All times are UTC. Sent by PersonalClient Hygiene to the admins (audience=admin).',
  ].join('\n');
  const message: NotificationMessage = {
    subject: unreadableSubject(email),
    text,
    document,
    routing: { audience: 'admin', severity: 'high', eventTypes: ['owner-unreachable'] },
  };
  return { message, part: 1, parts: 1, bytes: budget.measure(message) };
}
