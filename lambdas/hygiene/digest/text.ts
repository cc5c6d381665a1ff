/**
 * A digest's text (docs/notifications.md, "The message", "The email"): the body SNS email subscriptions receive, and
 * the relay's `text/plain` part rendered again from the machine document ({@link digestText}). The late note, the
 * greeting, the parts line of a split digest, each section's heading and advice, the footer. The HTML email
 * (`lambdas/render/digest-html.ts`) uses the same pieces: the late note, the parts line, the headings, the footer,
 * and the instant its relative phrases are computed at ({@link phrasesNow}).
 */
import type { OutboxEvent } from '../events';
import type { OwnerDeliveryRoute } from '../owner-directory';
import { parseInstant, relativePhrase } from '../time';
import { adviceText } from './advice';
import type { DigestDocument, WholeDigest } from './document';
import { type EventLine, line, lineText, whomToAsk } from './event-line';
import { credentialLabel, describeEvent } from './event-lines';
import { DELETION_FATE, SECTION_ORDER, sectionOf } from './order';
import { foldOvertaken } from './overtaken';
import { count, kindCounts, utcMinute } from './phrases';
import { plainName, plainValue } from './plain-text';
import { hasExpired, isDeletionDue } from './tenses';

/**
 * What an owner's text and HTML say beyond their events: whom to ask, how the
 * owner stops the emails on the route they come by, and a late delivery.
 */
export interface OwnerWording {
  /** Whom the owner asks (the config's `ownerContact`); unset: "your platform/security team". */
  readonly contact?: string;
  /**
   * The route the text is delivered by, for how the owner opts out there: the SNS email's unsubscribe link, or
   * (the relay) marking the email as spam, an SES complaint (docs/notifications.md, "Owner reach").
   * @default 'sns-email' (the notifier's text goes only to SNS email subscriptions)
   */
  readonly route?: OwnerDeliveryRoute;
  /**
   * When the email is sent (epoch ms), the relay's clock as it renders it: relative phrases are computed from it
   * ({@link phrasesNow}), and a send more than an hour after the digest was rendered says so first.
   */
  readonly sentAt?: number;
}

/** A send later than this after `generatedAt` is called late ({@link lateDeliveryNote}). */
const LATE_AFTER_MS = 3_600_000;

/**
 * The instant an email's relative phrases ("in 6 hours", "2 days ago") are computed from: its send, the relay's clock
 * as it renders it (a send held back for SES's daily quota, retried or redriven from the DLQ is true when sent:
 * docs/notifications.md, "The email"), never before `generatedAt` (a relay clock behind the drain's reads as the
 * drain's); `generatedAt` when the text is not rendered at a send (the notifier's own, delivered at once).
 */
export function phrasesNow(generatedAt: number, sentAt: number | undefined): number {
  return sentAt === undefined ? generatedAt : Math.max(generatedAt, sentAt);
}

/**
 * The line a digest delivered more than an hour after it was rendered opens
 * with (a hold for SES's daily quota, a relay redrive from its DLQ days
 * later): it lists what was pending at `generatedAt`, while its relative
 * phrases are as of the send ({@link phrasesNow}), so it says both;
 * `undefined` when on time.
 */
export function lateDeliveryNote(generatedAt: number, sentAt: number | undefined): string | undefined {
  if (sentAt === undefined || sentAt - generatedAt <= LATE_AFTER_MS) return undefined;
  // The one rounding rule of relative phrases: "in 18 hours" from `generatedAt` is "18 hours" late.
  const late = relativePhrase(sentAt, generatedAt).replace(/^in /, '');
  return `This notice was prepared on ${utcMinute(generatedAt)} and is delivered ${late} late: it lists what was pending then, with relative times as of its sending (${utcMinute(sentAt)}).`;
}

/**
 * The footer's lines, the text's and the HTML's: who sends the notice and
 * why, whom to ask and how to stop the emails (asking, or the route's own
 * opt-out, after which the owner's notices go to the admins:
 * docs/notifications.md, "Owner reach"). It does not say "click no link": an
 * SNS email ends with SNS's unsubscribe link.
 */
export function footerLines(wording: OwnerWording): EventLine[] {
  const optOut =
    (wording.route ?? 'sns-email') === 'relay'
      ? 'Marking them as spam also stops them'
      : 'Unsubscribing with the link below also stops them';
  return [
    line`All times are UTC. Sent by PersonalClient Hygiene because you own the API credentials above.`,
    line`Questions, or to stop these emails: ask ${whomToAsk(wording.contact)}. ${optOut}; your notices then go to the admins instead.`,
    line`Nothing in this notice asks you to sign in or enter a password.`,
  ];
}

/**
 * The line near the top of each part of a split digest, the text's and the HTML's: which part it is and, from the
 * document's `wholeDigest`, what all the parts cover, "This digest is long: this is part 2 of 3; together the 3
 * parts cover 57 credentials (12 deleted, 20 unused, 25 expired or expiring)." (the entries the whole digest would
 * show as one message: an expiry warning its credential's deletion overtakes, `wholeDigest.overtaken`, is counted
 * once, as that deleted credential, not also as expired or expiring); the part alone for a document without
 * `wholeDigest` (an older notifier's), every event counted for one without `overtaken`. The whole holds counts, not
 * instants: which of its expiry warnings have expired when the line is read (a relay email sent late heads its
 * section "Expired") it cannot tell, so they are "expired or expiring", true whenever it is read, as the section's
 * widest heading says.
 */
export function partsLine(part: number, parts: number, whole?: WholeDigest): string {
  const which = `This digest is long: this is part ${part} of ${parts}`;
  if (whole === undefined) return `${which}.`;
  const overtaken = whole.overtaken ?? 0;
  const expiry = [[(whole.byType['expiry-warning'] ?? 0) - overtaken, 'expired or expiring']] as const;
  const covered = `${count(whole.events - overtaken, 'credential')} (${kindCounts(whole.byType, expiry).join(', ')})`;
  return `${which}; together the ${parts} parts cover ${covered}.`;
}

/**
 * A section's heading, in the tense its notices are read in, as their subject and lines are
 * (`tenses.ts`): the expiry section's says "Expired" when every notice in it is read after its expiry, "Expired or
 * expiring soon" when some are; a stale or orphan section ("Will be deleted unless used", "Will be deleted: the owner
 * has left") says "Was due to be deleted unless used" when its one notice is read at or after its deletion date
 * ({@link isDeletionDue}), "Were due to be …" when all of several are, "Were due to be or will be …" when some are.
 * Over some of a section's notices (a part's) it is never longer than over them all, as `packing.ts` prices it.
 */
export function sectionHeading(title: string, events: readonly OutboxEvent[], now: number): string {
  const expired = events.filter((event) => hasExpired(event, now)).length;
  if (expired > 0) return expired === events.length ? 'Expired' : 'Expired or expiring soon';
  const due = events.filter((event) => isDeletionDue(event, now));
  const type = due[0]?.type;
  // Only a stale or orphan warning is ever due (isDeletionDue); a section holds one type.
  if (type !== 'stale-warning' && type !== 'orphan-flagged') return title;
  const fate = DELETION_FATE[type];
  if (due.length < events.length) return `Were due to be or will be ${fate}`;
  return `${events.length === 1 ? 'Was' : 'Were'} due to be ${fate}`;
}

/**
 * The advice every credential of a section shares, said once under its title
 * (the plural form for several), or `undefined` when each has its own.
 */
function sharedAdvice(events: readonly OutboxEvent[], now: number, contact: string | undefined) {
  const several = events.length > 1;
  const advice = events.map((event) => adviceText(event, now, contact, several));
  return advice.every((a) => a === advice[0]) ? advice[0] : undefined;
}

/** A section's first lines in the text: a blank line, then its heading and count ("Expiring soon (3)"). */
export function headingLines(title: string, inSection: readonly OutboxEvent[], now: number): string[] {
  return ['', `${sectionHeading(title, inSection, now)} (${inSection.length})`];
}

/**
 * One credential's lines in the text: its label, then the lines `described` ({@link describeEvent}) indented under
 * it, the last (its advice) left out when its section says the advice once for all (`shared`).
 */
export function credentialLines(event: OutboxEvent, described: readonly string[], shared: boolean): string[] {
  const own = shared ? described.slice(0, -1) : described;
  return [`  * ${credentialLabel(event)}`, ...own.map((line) => `    ${line}`)];
}

/** What `lines` add to a text they are appended to (its lines are joined by newlines): each line after a newline. */
export function appendedText(lines: readonly string[]): string {
  return lines.map((line) => `\n${line}`).join('');
}

/** What the text of one part is rendered from. */
export interface TextView {
  readonly userId: string;
  readonly ownerName?: string | undefined;
  readonly events: readonly OutboxEvent[];
  /** When relative phrases are computed from ({@link phrasesNow}). */
  readonly now: number;
  /** The digest's `generatedAt`, epoch ms and as written: what the text lists is as of then. */
  readonly generatedMs: number;
  readonly generatedIso: string;
  readonly part: number;
  readonly parts: number;
  /** A split digest's whole ({@link partsLine}). */
  readonly whole?: WholeDigest | undefined;
  readonly wording: OwnerWording;
}

/**
 * The text of one part ({@link TextView}): the late note, the greeting, the parts line, each section's heading,
 * shared advice and credentials, the footer. The notifier's email text and the relay's `text/plain` part alike. The
 * entries, their headings' counts and shared advice are of the events shown (`foldOvertaken`, `overtaken.ts`): an
 * expiry warning its credential's deletion overtakes is a line of that deletion's entry.
 */
export function renderText(view: TextView): string {
  const { events, now, wording } = view;
  const late = lateDeliveryNote(view.generatedMs, wording.sentAt);
  // On the relay, the digest was handed to it when generated: a restore window read past its end says so.
  const relayedAt = wording.route === 'relay' ? view.generatedMs : undefined;
  const lines: string[] = [
    ...(late === undefined ? [] : [late, '']),
    `Hello ${plainName(view.ownerName) ?? plainValue(view.userId)},`,
    '',
    `Here is what the credential hygiene worker did or will do to your personal API credentials (as of ${view.generatedIso}).`,
  ];
  if (view.parts > 1) lines.push(partsLine(view.part, view.parts, view.whole));
  // An expiry warning its credential's deletion overtakes is said in that deletion's entry, not in its own.
  const fold = foldOvertaken(events);
  const bySection = SECTION_ORDER.map((): OutboxEvent[] => []);
  for (const event of fold.shown) bySection[sectionOf(event)]?.push(event);
  SECTION_ORDER.forEach((section, index) => {
    const inSection = bySection[index] ?? [];
    if (inSection.length === 0) return;
    lines.push(...headingLines(section.title, inSection, now));
    const shared = sharedAdvice(inSection, now, wording.contact);
    if (shared !== undefined) lines.push(shared);
    for (const event of inSection) {
      const described = describeEvent(event, now, wording.contact, relayedAt, fold.overtakenBy(event));
      lines.push(...credentialLines(event, described, shared !== undefined));
    }
  });
  lines.push('', '--', ...footerLines(wording).map(lineText));
  return lines.join('\n');
}

/**
 * The text digest of one published part, rendered again from its machine
 * document as the notifier rendered it for email, greeting `ownerName` when
 * the directory knows it: the relay's `text/plain` part, with the relay's
 * `wording` (its route's opt-out, whom to ask, the send). Its relative
 * phrases are computed at the send, `wording.sentAt` ({@link phrasesNow});
 * without one, from `generatedAt`, word for word the notifier's text.
 * @throws {RangeError} when `generatedAt` is not a valid instant
 */
export function digestText(
  document: Pick<DigestDocument, 'userId' | 'events' | 'generatedAt' | 'part' | 'parts' | 'wholeDigest'>,
  ownerName?: string,
  wording: OwnerWording = {},
): string {
  const parsed = parseInstant(document.generatedAt);
  if (!parsed.ok)
    throw new RangeError(`generatedAt ${JSON.stringify(document.generatedAt)}: ${parsed.reason}`);
  return renderText({
    userId: document.userId,
    ownerName,
    events: document.events,
    now: phrasesNow(parsed.ms, wording.sentAt),
    generatedMs: parsed.ms,
    generatedIso: document.generatedAt,
    part: document.part,
    parts: document.parts,
    whole: document.wholeDigest,
    wording,
  });
}
