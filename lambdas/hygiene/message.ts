/**
 * The transport-neutral notification message the domain renders (owner
 * digests, the owner-unreachable report, run summaries): a subject, one text
 * for people (email), the versioned JSON document for machines (every other protocol),
 * and the routing fields subscribers filter on (docs/notifications.md). Also
 * the size budget the domain splits messages by, which the publisher port
 * supplies: the domain never knows the transport's limits or byte counting.
 * The SNS wire format (`MessageStructure: 'json'` envelope, message
 * attributes, SNS limits and byte counting) lives in `lambdas/aws/sns-wire.ts`.
 * Pure: no AWS imports.
 */

/** The subject line's limit (SNS `Subject`, an email subject line). */
export const SUBJECT_MAX_CHARS = 100;

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
  /** The subject line: printable ASCII, at most 100 characters ({@link subjectText}). */
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
 * Makes text safe for a subject line: printable ASCII without line breaks, at
 * most 100 characters (what SNS accepts as `Subject`). Accents are folded
 * (`é` → `e`), other characters become `?`, whitespace runs collapse, and an
 * over-long text is cut with `...`.
 */
export function subjectText(text: string, maxChars = SUBJECT_MAX_CHARS): string {
  // Most names are already printable ASCII words with single spaces: nothing to fold (one per digest).
  const ascii = isPlainAscii(text) ? text : foldToPrintableAscii(text);
  return ascii.length <= maxChars ? ascii : `${ascii.slice(0, maxChars - 3).trimEnd()}...`;
}

/** A name quoted for a subject, cut to `maxChars` so the rest of the subject still fits. */
export function quotedName(name: string, maxChars: number): string {
  return `"${subjectText(name, Math.max(4, maxChars - 2))}"`;
}
