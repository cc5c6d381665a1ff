/**
 * The transport-neutral notification message the domain renders (owner
 * digests, the owner-unreachable report, run summaries): a subject, one text
 * for people (email), the versioned JSON document for machines (every other protocol),
 * and the routing fields subscribers filter on (docs/notifications.md). Also
 * the size budget the domain splits messages by, which the publisher port
 * supplies: the domain never knows the transport's limits or byte counting.
 * The SNS wire format (`MessageStructure: 'json'` envelope, message
 * attributes, SNS limits and byte counting) lives in `lambdas/aws/sns-wire.ts`.
 * Subjects come in two character sets: printable ASCII for SNS, Unicode for
 * the relay's own email (docs/notifications.md, "The email"). Pure: no AWS imports.
 */
import { flattenedText } from './untrusted-text';

/** The subject line's limit (SNS `Subject`, an email subject line): characters, code points in a Unicode subject. */
export const SUBJECT_MAX_CHARS = 100;

/**
 * The characters a subject may hold: `ascii`, printable ASCII (SNS's rule for
 * `Subject`: accents folded, other characters `?`); `unicode`, any character
 * but the unsafe ones (`untrusted-text.ts`), for an email the relay sends
 * itself, whose MIME writer encodes the header (RFC 2047 encoded-words).
 */
export type SubjectCharset = 'ascii' | 'unicode';

/** How urgent a message is: `high` = something happened or is due now, `warning` = act soon, `info` = heads-up. */
export const SEVERITIES = ['info', 'warning', 'high'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Who a message is for: an owner's digest, or the operators' run summaries and guard trips. */
export type Audience = 'owner' | 'admin';

/**
 * How the drain judged a digest's owner (docs/notifications.md, "Owner
 * reach"): `reachable` on the configured route, `unreachable` (the same events
 * went to the admins in the drain's owner-unreachable report), or
 * `unverified` (no directory to judge by: nobody was told of a miss).
 */
export const OWNER_REACH_VERDICTS = ['reachable', 'unreachable', 'unverified'] as const;
export type OwnerReachVerdict = (typeof OWNER_REACH_VERDICTS)[number];

/** What subscribers route a message on (SNS: its message attributes). */
export interface NotificationRouting {
  readonly audience: Audience;
  readonly severity: Severity;
  readonly eventTypes: readonly string[];
  /** The owner a digest is for (owner messages only). */
  readonly userId?: string;
  /** The drain's verdict on that owner (owner digests only): the relay skips only an owner the admins were told of. */
  readonly ownerReach?: OwnerReachVerdict;
  /** `operator` for a run an operator started from the CLI (admin run summaries only). */
  readonly origin?: string;
}

/** One notification, independent of the transport that carries it. */
export interface NotificationMessage {
  /** The subject line: printable ASCII, at most 100 characters ({@link subjectText}, `ascii`: SNS's rule). */
  readonly subject: string;
  /** The text for people (email subscribers; every other protocol gets the document). */
  readonly text: string;
  /** The versioned JSON document for machine subscribers. */
  readonly document: unknown;
  readonly routing: NotificationRouting;
}

/** A message handed to the publisher: `id` is unique within one batch (letters, digits, `-`, `_`, ≤ 80). */
export interface OutgoingMessage extends NotificationMessage {
  readonly id: string;
}

/**
 * The size budget of one message, given by the publisher's side: how the
 * transport counts a message's bytes and how many it takes.
 */
export interface MessageBudget {
  /** Size limit of one message, as {@link MessageBudget.measure} counts it. */
  readonly maxMessageBytes: number;
  /** The bytes the transport counts for a message. */
  measure(message: NotificationMessage): number;
}

/** A publisher's limits: one message's budget, and how much one `publishBatch` call takes. */
export interface PublishLimits extends MessageBudget {
  /** Messages per `publishBatch` call. */
  readonly maxBatchEntries: number;
  /** Total measured bytes per `publishBatch` call. */
  readonly maxBatchBytes: number;
}

/**
 * The fields every versioned JSON document of a drain carries besides its
 * content (owner digests and the owner-unreachable report; docs/notifications.md).
 */
export interface DrainDocumentEnvelope {
  readonly severity: Severity;
  /** When the document was rendered (the drain's clock), canonical UTC. */
  readonly generatedAt: string;
  /** The drain that sent it: parts of one document share it. */
  readonly drainId: string;
  readonly part: number;
  readonly parts: number;
}

/** One numbered message of a document split to fit the budget. */
export interface NumberedMessagePart {
  readonly message: NotificationMessage;
  readonly part: number;
  readonly parts: number;
  /** {@link MessageBudget.measure} of the message. */
  readonly bytes: number;
}

/** The most severe of the given severities (`info` for none). */
export function maxSeverity(severities: Iterable<Severity>): Severity {
  let max = 0;
  for (const s of severities) max = Math.max(max, SEVERITIES.indexOf(s));
  return SEVERITIES[max] ?? 'info';
}

/** Printable ASCII words separated by single spaces: what {@link subjectText} would return unchanged. */
const PLAIN_ASCII = /^[\x21-\x7e]+(?: [\x21-\x7e]+)*$/;

/**
 * True for printable ASCII words separated by single spaces (no control,
 * non-ASCII or leading, trailing or repeated whitespace): text that neither
 * subject folding nor name flattening would change.
 */
export function isPlainAscii(text: string): boolean {
  return PLAIN_ASCII.test(text);
}

/** Accents folded (`é` → `e`), whitespace runs collapsed, other characters `?`, trimmed: printable ASCII. */
export function foldToPrintableAscii(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/\s+/g, ' ')
    .replace(/[^\x20-\x7e]/gu, '?')
    .trim();
}

/**
 * Splits text into grapheme clusters (what a reader sees as one character: a letter and its marks, an emoji
 * sequence). Made on the first cut, not at load: only the relay's Unicode subjects cut by clusters, and every Lambda
 * that renders a message imports this module.
 */
let graphemes: Intl.Segmenter | undefined;

/**
 * Text of at most `maxChars` code points: as it is when it fits, else its
 * longest run of whole grapheme clusters that fits beside `...`, so a cut
 * never falls inside a surrogate pair, a combining sequence or an emoji
 * sequence. Code points, not clusters, are counted: one cluster has no length
 * limit (a letter with a thousand combining marks is one), and a count that
 * does not change with the runtime's Unicode version keeps subjects stable.
 */
function cutCodePoints(text: string, maxChars: number): string {
  // UTF-16 units are never fewer than code points: most subjects fit without counting.
  if (text.length <= maxChars || [...text].length <= maxChars) return text;
  let kept = '';
  let count = 0;
  graphemes ??= new Intl.Segmenter('en', { granularity: 'grapheme' });
  for (const { segment } of graphemes.segment(text)) {
    const size = [...segment].length;
    if (count + size > maxChars - 3) break;
    kept += segment;
    count += size;
  }
  // A joiner (ZWJ, ZWNJ) closes its cluster: left last, the flattening would turn it into a space before the `...`.
  return `${kept.replace(/[\s\u200c\u200d]+$/u, '')}...`;
}

/**
 * Makes text safe for a subject line, at most `maxChars` characters, cut
 * with `...` when longer. `ascii` (the default; SNS's `Subject`): printable
 * ASCII without line breaks, accents folded (`é` → `e`), other characters
 * `?`, whitespace runs collapsed. `unicode` (the relay's email): flattened
 * as a name in the digest's body is (`flattenedText`: no control, bidi,
 * format or line-separator character), counted in code points and cut only
 * between grapheme clusters ({@link cutCodePoints}).
 * @param maxChars at least 4 (room for one character and `...`)
 * @throws {RangeError} when `maxChars` is not an integer of at least 4
 */
export function subjectText(
  text: string,
  maxChars = SUBJECT_MAX_CHARS,
  charset: SubjectCharset = 'ascii',
): string {
  if (!Number.isInteger(maxChars) || maxChars < 4)
    throw new RangeError(`subject maxChars ${maxChars}: must be an integer of at least 4`);
  if (charset === 'unicode') return cutCodePoints(flattenedText(text), maxChars);
  // Most names are already printable ASCII words with single spaces: nothing to fold (one per digest).
  const ascii = isPlainAscii(text) ? text : foldToPrintableAscii(text);
  return ascii.length <= maxChars ? ascii : `${ascii.slice(0, maxChars - 3).trimEnd()}...`;
}

/** A name quoted for a subject in `charset`, cut to `maxChars` so the rest of the subject still fits. */
export function quotedName(name: string, maxChars: number, charset: SubjectCharset = 'ascii'): string {
  return `"${subjectText(name, Math.max(4, maxChars - 2), charset)}"`;
}
