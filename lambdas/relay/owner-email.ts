/**
 * One owner email, as the relay sends it and `pc-hygiene relay` writes it
 * (docs/notifications.md, "The email"): who from and to, the SNS digest's
 * subject with the credential's name as the body writes it (Unicode: the
 * MIME writer encodes it, RFC 2047), the text digest as `text/plain`, its HTML rendering, and the
 * digest id, a hash of `(drainId, part, userId)` and the part's events key
 * (`events-key.ts`): the same for a duplicate send of the same part, another
 * for an owner's second digest of one drain. It is the email's
 * `X-PC-Hygiene-Digest` header, which SES keeps, so a person or a mail filter
 * can tell a duplicate; and the local part of its `Message-ID`, which SES does
 * not keep: "If you provide a Message-ID header, Amazon SES overrides the
 * header with its own value", and the `Date` header with the time it accepted
 * the email ("Amazon SES header fields"). So a duplicate send arrives as a
 * separate email, which mail clients do not fold; the `.eml` files of
 * `pc-hygiene relay` keep both headers as written. Then the MIME:
 * `multipart/alternative` built by nodemailer's MailComposer, never by hand.
 * The email is rendered at its `Date`, the relay's clock: its relative phrases
 * ("expires in 6 hours"), the subject's too, are computed then, so one held
 * back for SES's daily quota, retried or redriven from the relay DLQ is true
 * when sent (an expiry passed by then "has expired", a deletion date "was due",
 * and a restore window ended by then promises no restore: `lambdas/hygiene/digest/`); one sent
 * more than an hour after the digest's `generatedAt` opens by saying when it was prepared.
 * With the config's `ownerContact`
 * (docs/configuration.md) the advice names it, and when it is one email
 * address it is the `Reply-To`. No I/O, no clock (the date is passed in).
 */
import { createHash } from 'node:crypto';
import MailComposer from 'nodemailer/lib/mail-composer';
import { type DigestDocument, digestSubject, digestText, phrasesNow, plainName } from '../hygiene/digest';
import { emailAddressProblem } from '../hygiene/email-address-rules';
import { parseInstant } from '../hygiene/time';
import { renderDigestHtml } from '../render/digest-html';
import { digestEventsKey } from './events-key';
import { isSesSendable, sesAddress } from './ses-address';

/** Domain of the `Message-ID` when the sender's address has none SES could be given. */
const FALLBACK_MESSAGE_ID_DOMAIN = 'pc-hygiene.invalid';

/** A rendered owner email, before MIME. */
export interface OwnerEmail {
  /** The sender, `address` or `Name <address>` (the configured sender identity). */
  readonly from: string;
  readonly to: { readonly address: string; readonly name?: string };
  /** The digest's subject in Unicode (`digestSubject`, `unicode`); {@link composeMime} encodes it (RFC 2047). */
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  readonly date: Date;
  /** The `Reply-To`: the config's `ownerContact` when it is one address SES can take ({@link replyToOf}). */
  readonly replyTo?: string;
  /** {@link digestId}: stable for one `(drainId, part, userId)` and events key; the `X-PC-Hygiene-Digest` header. */
  readonly digestId: string;
  /** `<digest.<digestId>@domain>` (SES replaces it with its own). */
  readonly messageId: string;
}

/** The header that carries {@link OwnerEmail.digestId}: SES keeps it, unlike `Message-ID`. */
export const DIGEST_ID_HEADER = 'X-PC-Hygiene-Digest';

/** The part of an owner's directory record an email needs. */
export interface EmailRecipient {
  readonly email: string;
  readonly name?: string;
}

/**
 * The domain of a sender as SES is given it (`sesAddress`, the one address
 * rule: `Name <a@b.example>` → `b.example`, `a@bücher.example` →
 * `xn--bcher-kva.example`), lower-cased, for the Message-ID; the fallback for
 * a sender SES cannot send from.
 */
function senderDomain(from: string): string {
  if (!isSesSendable(from)) return FALLBACK_MESSAGE_ID_DOMAIN;
  const address = sesAddress(from);
  return address.slice(address.lastIndexOf('@') + 1).toLowerCase();
}

/** The digest part an email carries, as its id and `Message-ID` are derived from. */
type DigestIdentity = Pick<DigestDocument, 'drainId' | 'part' | 'userId' | 'events'>;

/**
 * The id of one `(drainId, part, userId)` and events key (two digests of one
 * owner in one drain have two): 32 hex characters of a SHA-256, which keeps
 * odd ids out of the headers. The same for every send of the same part.
 */
export function digestId(document: DigestIdentity): string {
  return createHash('sha256')
    .update(
      JSON.stringify([document.drainId, document.part, document.userId, digestEventsKey(document.events)]),
    )
    .digest('hex')
    .slice(0, 32);
}

/** `<digest.<digestId>@domain>`: the `Message-ID` the relay writes (SES sends its own instead). */
export function digestMessageId(document: DigestIdentity, from: string): string {
  return messageIdOf(digestId(document), from);
}

/** The `Message-ID` of the digest whose {@link digestId} is `id`, sent from `from`. */
function messageIdOf(id: string, from: string): string {
  return `<digest.${id}@${senderDomain(from)}>`;
}

/**
 * The `Reply-To` of an owner email: `ownerContact` when it is one email
 * address (the project's one address rule, `emailAddressProblem`) that SES
 * can take (`sesAddress`, in its Punycode form), else none: a team name or a
 * chat channel is said in the text only. Never a header built from free text.
 */
export function replyToOf(contact: string | undefined): string | undefined {
  if (contact === undefined || emailAddressProblem(contact) !== undefined || !isSesSendable(contact))
    return undefined;
  return sesAddress(contact);
}

/**
 * Renders the email of one digest part for one owner: subject as the SNS
 * digest's but in Unicode (`digestSubject`'s `unicode`: a name keeps its
 * accents and script), text as the notifier's email text (greeting the owner by name when
 * known) on the relay's route, HTML from the same events, every relative
 * phrase computed at `date` (`phrasesNow`: never before `generatedAt`).
 * @param date the `Date` header, the send: the relay's clock (SES replaces it with when it accepted the email);
 *   `pc-hygiene relay`'s clock (`Date.now`); for `npm start`, the demo's fixed `now`
 * @param contact the config's `ownerContact`: whom the owner asks; unset, "your platform/security team"
 * @throws {RangeError} when `generatedAt` is not a valid instant or `date` not a valid `Date`
 */
export function ownerEmail(
  document: DigestDocument,
  recipient: EmailRecipient,
  from: string,
  date: Date,
  contact?: string,
): OwnerEmail {
  const generated = parseInstant(document.generatedAt);
  if (!generated.ok)
    throw new RangeError(`generatedAt ${JSON.stringify(document.generatedAt)}: ${generated.reason}`);
  const sentAt = date.getTime();
  if (Number.isNaN(sentAt)) throw new RangeError('date is not a valid Date: the send must be an instant');
  const subject = digestSubject(
    document.events,
    phrasesNow(generated.ms, sentAt),
    document.part,
    document.parts,
    'unicode',
  );
  const name = plainName(recipient.name);
  const id = digestId(document);
  const replyTo = replyToOf(contact);
  return {
    from,
    to: { address: recipient.email, ...(name !== undefined && { name }) },
    subject,
    text: digestText(document, name, { route: 'relay', sentAt, ...(contact !== undefined && { contact }) }),
    html: renderDigestHtml({
      userId: document.userId,
      ...(name !== undefined && { ownerName: name }),
      events: document.events,
      generatedAt: document.generatedAt,
      part: document.part,
      parts: document.parts,
      ...(document.wholeDigest !== undefined && { wholeDigest: document.wholeDigest }),
      subject,
      sentAt,
      ...(contact !== undefined && { contact }),
    }),
    date,
    ...(replyTo !== undefined && { replyTo }),
    digestId: id,
    messageId: messageIdOf(id, from),
  };
}

/**
 * The email as RFC 5322 bytes: `multipart/alternative` with `text/plain` and
 * `text/html` (UTF-8, quoted-printable), headers `From`, `To`, `Subject` (non-ASCII as UTF-8 encoded-words),
 * `Date`, `Message-ID`, `Reply-To` (when the email has one), `X-PC-Hygiene-Digest`, `Auto-Submitted: auto-generated`
 * (RFC 3834) and `X-Auto-Response-Suppress: All` (Exchange): no vacation auto-replies.
 * Every line ends in CRLF, the bodies' too. What SESv2 sends as raw content and what `.eml` files hold.
 */
export async function composeMime(email: OwnerEmail): Promise<Buffer> {
  const composer = new MailComposer({
    from: email.from,
    to: { name: email.to.name ?? '', address: email.to.address },
    subject: email.subject,
    text: email.text,
    html: email.html,
    date: email.date,
    messageId: email.messageId,
    // An address nodemailer formats as one (never raw header text): `replyToOf` let only one bare address through.
    ...(email.replyTo !== undefined && { replyTo: email.replyTo }),
    textEncoding: 'quoted-printable',
    // CRLF line ends throughout, bodies too: RFC 5322 allows CR and LF only together (nodemailer keeps the text's
    // bare LF otherwise, while its headers end in CRLF).
    newline: 'windows',
    // No vacation or out-of-office replies to an automated sender: RFC 3834, and Exchange's own header.
    headers: {
      'Auto-Submitted': 'auto-generated',
      'X-Auto-Response-Suppress': 'All',
      [DIGEST_ID_HEADER]: email.digestId,
    },
  });
  return composer.compile().build();
}
