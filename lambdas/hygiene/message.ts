/**
 * SNS message building blocks shared by owner digests and admin reports:
 * limits, the `MessageStructure: 'json'` envelope, message attributes, subject
 * sanitising and the byte size SNS counts. Pure: no AWS imports.
 *
 * Why this wire format is still in the domain (issue 10 asked to move it to
 * `lambdas/aws/`): the notifier's publisher port is SNS-shaped
 * (`PublishEntry` in `outbox-ports.ts`), and four domain modules build or pack
 * entries with it (`digest.ts`, `unreachable-report.ts`, `notifier/publish.ts`,
 * `notifier/drain-state.ts`). Moving only these helpers would make the domain
 * import an adapter folder (the arrow pointing outwards). The move comes with
 * a transport-neutral port: the notifier hands `(subject, text, document,
 * routing)` to the publisher, and `lambdas/aws/sns-publisher.ts` builds the
 * envelope and attributes and counts the bytes against these limits.
 */
import type { MessageAttribute, PublishEntry } from './outbox-ports';

/** SNS's limit for one message, and for all messages of one `PublishBatch` call together (256 KiB). */
export const SNS_MESSAGE_LIMIT_BYTES = 262_144;
/** SNS's limit on entries per `PublishBatch` call. */
export const SNS_BATCH_MAX_ENTRIES = 10;
/** SNS's limit on `Subject` length (email subject line). */
const SNS_SUBJECT_MAX_CHARS = 100;

/** How urgent a message is: `high` = something happened or is due now, `warning` = act soon, `info` = heads-up. */
export const SEVERITIES = ['info', 'warning', 'high'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Who a message is for: an owner's digest, or the operators' run summaries and guard trips. */
export type Audience = 'owner' | 'admin';

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

/** One numbered message of a document split to fit SNS: its entry without the batch `Id`. */
export interface NumberedMessagePart {
  readonly entry: Omit<PublishEntry, 'Id'>;
  readonly part: number;
  readonly parts: number;
  /** {@link publishEntryBytes} of the entry. */
  readonly bytes: number;
}

/** The most severe of the given severities (`info` for none). */
export function maxSeverity(severities: Iterable<Severity>): Severity {
  let max = 0;
  for (const s of severities) max = Math.max(max, SEVERITIES.indexOf(s));
  return SEVERITIES[max] ?? 'info';
}

/**
 * Protocols that receive the versioned JSON document instead of the text.
 * Email gets the readable text; `default` (SMS, mobile push, anything not
 * listed) gets the same text.
 */
export const MACHINE_PROTOCOLS = ['sqs', 'lambda', 'http', 'https', 'email-json'] as const;

/**
 * The `Message` of a `MessageStructure: 'json'` publish: one text for people
 * (`default`, `email`) and one JSON document for machines (each machine
 * protocol key carries the document serialised as a string, as SNS requires).
 */
export function jsonStructuredMessage(text: string, document: unknown): string {
  // Exactly `JSON.stringify({ default, email, sqs, lambda, http, https, "email-json" })`, but each value is
  // escaped once, not once per protocol: the document is the bulk of a digest and appears five times.
  const quotedText = JSON.stringify(text);
  const quotedDoc = JSON.stringify(JSON.stringify(document));
  let body = `{"default":${quotedText},"email":${quotedText}`;
  for (const protocol of MACHINE_PROTOCOLS) body += `,${JSON.stringify(protocol)}:${quotedDoc}`;
  return `${body}}`;
}

/** The message attributes subscription filter policies route on. */
export function messageAttributes(fields: {
  readonly audience: Audience;
  readonly severity: Severity;
  readonly eventTypes: readonly string[];
  readonly userId?: string;
}): Record<string, MessageAttribute> {
  return {
    ...(fields.userId !== undefined && { userId: { DataType: 'String', StringValue: fields.userId } }),
    eventTypes: { DataType: 'String.Array', StringValue: JSON.stringify(fields.eventTypes) },
    severity: { DataType: 'String', StringValue: fields.severity },
    audience: { DataType: 'String', StringValue: fields.audience },
  };
}

/**
 * The bytes SNS counts for one entry: message body, subject and every
 * attribute's name, type and value (UTF-8), the basis of the 256 KiB limits.
 */
export function publishEntryBytes(
  entry: Pick<PublishEntry, 'Subject' | 'Message' | 'MessageAttributes'>,
): number {
  let bytes = Buffer.byteLength(entry.Message, 'utf8') + Buffer.byteLength(entry.Subject, 'utf8');
  for (const [name, attribute] of Object.entries(entry.MessageAttributes)) {
    bytes +=
      Buffer.byteLength(name, 'utf8') +
      Buffer.byteLength(attribute.DataType, 'utf8') +
      Buffer.byteLength(attribute.StringValue, 'utf8');
  }
  return bytes;
}

/**
 * Makes text safe for an SNS `Subject`: SNS accepts only printable ASCII
 * without line breaks, at most 100 characters. Accents are folded
 * (`é` → `e`), other characters become `?`, whitespace runs collapse, and an
 * over-long text is cut with `...`.
 */
export function subjectText(text: string, maxChars = SNS_SUBJECT_MAX_CHARS): string {
  const ascii = text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/\s+/g, ' ')
    .replace(/[^\x20-\x7e]/gu, '?')
    .trim();
  return ascii.length <= maxChars ? ascii : `${ascii.slice(0, maxChars - 3).trimEnd()}...`;
}

/** A name quoted for a subject, cut to `maxChars` so the rest of the subject still fits. */
export function quotedName(name: string, maxChars: number): string {
  return `"${subjectText(name, Math.max(4, maxChars - 2))}"`;
}
