/**
 * The SNS wire format of notifications (docs/notifications.md): SNS's limits,
 * the `MessageStructure: 'json'` envelope (the versioned JSON document as
 * `default`, the text for `email`), the message attributes subscription filter
 * policies route on, and the bytes SNS counts. The domain hands
 * transport-neutral {@link NotificationMessage}s to its publisher port; this
 * module turns them into `PublishBatch` entries for the SNS adapter
 * (`sns-publisher.ts`) and the CLI's JSON Lines file sink, which writes exactly
 * what SNS would receive. {@link SNS_LIMITS} is the size budget the handlers and
 * the CLI give the domain (through the publisher port). Pure: no AWS SDK calls.
 */
import type {
  NotificationMessage,
  NotificationRouting,
  OutgoingMessage,
  PublishLimits,
} from '../hygiene/message';

/** SNS's limit for one message, and for all messages of one `PublishBatch` call together (256 KiB). */
export const SNS_MESSAGE_LIMIT_BYTES = 262_144;
/** SNS's limit on entries per `PublishBatch` call. */
export const SNS_BATCH_MAX_ENTRIES = 10;

/** SNS message attribute (`String` or `String.Array`, the only types used here). */
export interface MessageAttribute {
  readonly DataType: 'String' | 'String.Array' | 'Number';
  readonly StringValue: string;
}

/** One message shaped exactly like an SNS `PublishBatchRequestEntry`. */
export interface PublishEntry {
  /** Unique within one batch: letters, digits, `-`, `_`, at most 80 characters. */
  readonly Id: string;
  readonly Subject: string;
  /** With `MessageStructure: 'json'`: a JSON object of per-protocol texts. */
  readonly Message: string;
  readonly MessageStructure: 'json';
  readonly MessageAttributes: Readonly<Record<string, MessageAttribute>>;
}

/** A `MessageStructure: 'json'` body and the UTF-8 bytes it takes. */
interface StructuredBody {
  readonly body: string;
  readonly bytes: number;
}

/**
 * {@link jsonStructuredMessage} and its UTF-8 bytes. Each value is in the body once, so counting the whole body
 * costs no more than counting the values apart.
 */
function structuredBody(text: string, document: unknown): StructuredBody {
  const body = JSON.stringify({ default: JSON.stringify(document), email: text });
  return { body, bytes: Buffer.byteLength(body, 'utf8') };
}

/**
 * The `Message` of a `MessageStructure: 'json'` publish: the versioned JSON
 * document (serialised as a string, as SNS requires) under `default`, and the
 * readable text under `email`. SNS delivers `default` to every protocol the
 * body does not name, so every protocol the topic allows but `email` (`sqs`,
 * `lambda`, `https`, `email-json`, `firehose`) receives the document
 * (docs/notifications.md, "The message"). The document is written once: a key
 * per machine protocol would repeat it in every message, about 3.5× the bytes,
 * the SNS billing chunks and the client's work to serialise, sign and send.
 * Exactly `JSON.stringify({ default: JSON.stringify(document), email: text })`.
 */
export function jsonStructuredMessage(text: string, document: unknown): string {
  return structuredBody(text, document).body;
}

/**
 * The message attributes subscription filter policies route on. SNS evaluates them at publish but does not deliver
 * them with a `MessageStructure: 'json'` publish, so each value is in the document too, where subscribers read it
 * (docs/notifications.md, "Message attributes and filter policies").
 */
export function messageAttributes(fields: NotificationRouting): Record<string, MessageAttribute> {
  return {
    ...(fields.userId !== undefined && { userId: { DataType: 'String', StringValue: fields.userId } }),
    eventTypes: { DataType: 'String.Array', StringValue: JSON.stringify(fields.eventTypes) },
    severity: { DataType: 'String', StringValue: fields.severity },
    audience: { DataType: 'String', StringValue: fields.audience },
    // The drain's verdict on a digest's owner: owner subscriptions' filters exclude `unreachable` (the relay reads the document's).
    ...(fields.ownerReach !== undefined && {
      ownerReach: { DataType: 'String', StringValue: fields.ownerReach },
    }),
    // Lets a subscription filter on operator runs (`origin=operator`).
    ...(fields.origin !== undefined && { origin: { DataType: 'String', StringValue: fields.origin } }),
  };
}

/**
 * The JSON body of each rendered document and its bytes, kept from its
 * measuring to its publishing: every digest is measured (does it fit, or must
 * it be split?) and then sent, and serializing its document is a large part of
 * a drain's own CPU per event.
 * Keyed by the document object (documents are never changed once rendered)
 * and checked against the text.
 */
const wireBodies = new WeakMap<object, StructuredBody & { readonly text: string }>();

/** {@link structuredBody} of `message`, serialized once per document and text. */
function wireBody(message: NotificationMessage): StructuredBody {
  const { text, document } = message;
  if (typeof document !== 'object' || document === null) return structuredBody(text, document);
  const kept = wireBodies.get(document);
  if (kept !== undefined && kept.text === text) return kept;
  const wire = { text, ...structuredBody(text, document) };
  wireBodies.set(document, wire);
  return wire;
}

/** A neutral message as an SNS entry without its batch `Id`. */
export function snsEntryFields(message: NotificationMessage): Omit<PublishEntry, 'Id'> {
  return {
    Subject: message.subject,
    Message: wireBody(message).body,
    MessageStructure: 'json',
    MessageAttributes: messageAttributes(message.routing),
  };
}

/** A neutral message as the `PublishBatch` entry SNS receives. */
export function snsEntry(message: OutgoingMessage): PublishEntry {
  return { Id: message.id, ...snsEntryFields(message) };
}

/** What SNS counts of one message attribute: any type name, not only the ones sent here. */
interface AttributeParts {
  readonly DataType: string;
  readonly StringValue: string;
}

/** The bytes SNS counts for message attributes: each one's name, type and value (UTF-8). */
function attributeBytes(attributes: Readonly<Record<string, AttributeParts>>): number {
  let bytes = 0;
  for (const name in attributes) {
    const attribute = attributes[name] as AttributeParts;
    bytes +=
      Buffer.byteLength(name, 'utf8') +
      Buffer.byteLength(attribute.DataType, 'utf8') +
      Buffer.byteLength(attribute.StringValue, 'utf8');
  }
  return bytes;
}

/**
 * The bytes SNS counts for one entry: message body, subject and every
 * attribute's name, type and value (UTF-8), the basis of the 256 KiB limits.
 */
export function publishEntryBytes(entry: {
  readonly Subject: string;
  readonly Message: string;
  readonly MessageAttributes: Readonly<Record<string, AttributeParts>>;
}): number {
  return (
    Buffer.byteLength(entry.Message, 'utf8') +
    Buffer.byteLength(entry.Subject, 'utf8') +
    attributeBytes(entry.MessageAttributes)
  );
}

/**
 * The bytes SNS counts for a neutral message once it is an entry
 * ({@link publishEntryBytes} of {@link snsEntryFields}), the body's bytes
 * counted once with its serialization.
 */
export function snsMessageBytes(message: NotificationMessage): number {
  return (
    wireBody(message).bytes +
    Buffer.byteLength(message.subject, 'utf8') +
    attributeBytes(messageAttributes(message.routing))
  );
}

/**
 * SNS's budget for the domain: one message at most {@link SNS_MESSAGE_LIMIT_BYTES}
 * (or `maxMessageBytes`), measured as SNS counts it; batches of at most 10
 * entries and 256 KiB.
 */
export function snsLimits(maxMessageBytes = SNS_MESSAGE_LIMIT_BYTES): PublishLimits {
  return {
    maxMessageBytes,
    maxBatchEntries: SNS_BATCH_MAX_ENTRIES,
    maxBatchBytes: SNS_MESSAGE_LIMIT_BYTES,
    measure: snsMessageBytes,
  };
}

/** {@link snsLimits} at SNS's own limits. */
export const SNS_LIMITS: PublishLimits = snsLimits();
