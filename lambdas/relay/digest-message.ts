/**
 * Reads an owner digest back from the wire, for the relay: from the SNS
 * notification an SQS queue receives (raw message delivery off, so the body is
 * SNS's JSON envelope with `Message` = what SNS delivers to the `sqs`
 * protocol, i.e. the digest's JSON document), and from a `PublishBatch` entry
 * as `notify --sink jsonl:…` writes it, now or in an older version
 * (docs/notifications.md): an admin entry is skipped, a line of any other
 * shape refused. What the relay acts on (`audience`, `userId`, `ownerReach`)
 * is read from the document: SNS does not deliver the message attributes of a
 * `MessageStructure: 'json'` publish, as every notice is published, so the
 * envelope normally has none ("Email relay", docs/notifications.md). When a
 * notification or entry does carry attributes, they must agree with the
 * document. The document is checked field by field: a message the relay
 * cannot read is a permanent failure and names what is wrong (but for a
 * wrong `wholeDigest`, an optional count, which is left out).
 * Pure: no I/O.
 */
import {
  countByType,
  DIGEST_SCHEMA,
  DIGEST_SCHEMA_VERSION,
  type DigestDocument,
  type EventTypeCounts,
  eventTypesOf,
  foldOvertaken,
  type WholeDigest,
} from '../hygiene/digest';
import { describeError } from '../hygiene/errors';
import { EVENT_TYPES, type OutboxEvent } from '../hygiene/events';
import { OWNER_REACH_VERDICTS, type OwnerReachVerdict, SEVERITIES } from '../hygiene/message';
import { parseOutboxEvent } from '../hygiene/outbox-item';
import { parseInstant } from '../hygiene/time';

/** A message is not an owner digest the relay can read. */
export class InvalidDigestMessageError extends Error {
  override readonly name = 'InvalidDigestMessageError';
}

/** What the relay reads from a message: whose digest it is, and the digest document. */
export interface RelayDigest {
  /** The owner: `document.userId` (equal to the `userId` attribute when the message carries one). */
  readonly userId: string;
  readonly document: DigestDocument;
  /**
   * How the drain judged the owner: the document's `ownerReach`, else the message's `ownerReach` attribute (a
   * `notify --sink jsonl:…` file of a notifier that put the verdict in the attributes only); absent from an older
   * notifier's digests.
   */
  readonly ownerReach?: OwnerReachVerdict;
}

function record(value: unknown, what: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new InvalidDigestMessageError(`${what} is not a JSON object`);
  return value as Record<string, unknown>;
}

function text(v: Record<string, unknown>, key: string, what: string): string {
  const value = v[key];
  if (typeof value !== 'string' || value === '')
    throw new InvalidDigestMessageError(`${what}: ${key} is missing or not a non-empty string`);
  return value;
}

function positiveInteger(v: Record<string, unknown>, key: string, what: string): number {
  const value = v[key];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1)
    throw new InvalidDigestMessageError(`${what}: ${key} ${JSON.stringify(value)} is not a positive integer`);
  return value;
}

function events(value: unknown, what: string): OutboxEvent[] {
  if (!Array.isArray(value) || value.length === 0)
    throw new InvalidDigestMessageError(`${what}: events is missing or empty`);
  return value.map((raw, i) => {
    const parsed = parseOutboxEvent(raw);
    if (!parsed.ok) throw new InvalidDigestMessageError(`${what}: events[${i}] ${parsed.problem}`);
    return parsed.event;
  });
}

/**
 * A drain's verdict as the wire carries it (the document's field or the attribute), checked: absent, or one of
 * {@link OWNER_REACH_VERDICTS}.
 */
function ownerReachOf(value: unknown, what: string): OwnerReachVerdict | undefined {
  if (value === undefined) return undefined;
  const verdict = OWNER_REACH_VERDICTS.find((v) => v === value);
  if (verdict === undefined)
    throw new InvalidDigestMessageError(
      `${what} ${JSON.stringify(value)} is not one of ${OWNER_REACH_VERDICTS.join(', ')}`,
    );
  return verdict;
}

/**
 * A `wholeDigest`'s `overtaken` as the wire carries it, checked: absent (none, or an older notifier), or a
 * non-negative integer not above the whole's expiry warnings (`byType`) nor below this part's own overtaken ones
 * (`foldOvertaken` over the part: what the whole folds includes them).
 * @throws {InvalidDigestMessageError} naming what is wrong
 */
function overtakenOf(
  value: unknown,
  byType: EventTypeCounts,
  part: readonly OutboxEvent[],
  where: string,
): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0)
    throw new InvalidDigestMessageError(
      `${where}: overtaken ${JSON.stringify(value)} is not a non-negative integer`,
    );
  const warnings = byType['expiry-warning'] ?? 0;
  if (value > warnings)
    throw new InvalidDigestMessageError(
      `${where}: overtaken ${value} is more than its ${warnings} expiry-warning events`,
    );
  const fold = foldOvertaken(part);
  const own = part.length - fold.shown.length;
  if (value < own)
    throw new InvalidDigestMessageError(`${where}: overtaken ${value} is fewer than this part's ${own}`);
  return value;
}

/**
 * A split digest's `wholeDigest` as the wire carries it, checked: absent, or `events` a positive integer and
 * `byType` a positive integer per known event type, summing to `events`, none fewer than this part's own `events`,
 * and `overtaken` absent or as {@link overtakenOf} checks it.
 * @throws {InvalidDigestMessageError} naming what is wrong
 */
export function wholeDigestOf(
  value: unknown,
  part: readonly OutboxEvent[],
  what: string,
): WholeDigest | undefined {
  if (value === undefined) return undefined;
  const where = `${what}: wholeDigest`;
  const v = record(value, where);
  const total = positiveInteger(v, 'events', where);
  const counts = record(v.byType, `${where}: byType`);
  const byType: EventTypeCounts = {};
  for (const key of Object.keys(counts)) {
    const type = EVENT_TYPES.find((t) => t === key);
    if (type === undefined)
      throw new InvalidDigestMessageError(`${where}: byType ${JSON.stringify(key)} is not an event type`);
    byType[type] = positiveInteger(counts, type, `${where}: byType`);
  }
  const sum = Object.values(byType).reduce((a, n) => a + n, 0);
  if (sum !== total)
    throw new InvalidDigestMessageError(`${where}: byType counts ${sum} events, not ${total}`);
  const inPart = countByType(part);
  for (const type of EVENT_TYPES) {
    const whole = byType[type] ?? 0;
    const own = inPart[type] ?? 0;
    if (whole < own)
      throw new InvalidDigestMessageError(
        `${where}: byType counts ${whole} ${type} events, fewer than this part's ${own}`,
      );
  }
  const overtaken = overtakenOf(v.overtaken, byType, part, where);
  return { events: total, byType, ...(overtaken !== undefined && { overtaken }) };
}

/**
 * The `wholeDigest` the email says, or none: a wrong one ({@link wholeDigestOf}) is left out rather than refused, as
 * it only adds a count to the part's line, which then reads as an older notifier's ("this is part 2 of 3."): an
 * optional line must not cost the owner the email.
 */
function readableWholeDigest(
  value: unknown,
  part: readonly OutboxEvent[],
  what: string,
): WholeDigest | undefined {
  try {
    return wholeDigestOf(value, part, what);
  } catch (error: unknown) {
    if (error instanceof InvalidDigestMessageError) return undefined;
    throw error;
  }
}

/**
 * Checks a parsed digest document (`personal-client-hygiene/digest`, version 1; `ownerReach` and `wholeDigest`
 * optional; a wrong `wholeDigest` is left out: {@link readableWholeDigest}).
 * @throws {InvalidDigestMessageError} naming the first wrong field
 */
export function parseDigestDocument(value: unknown, what = 'digest document'): DigestDocument {
  const v = record(value, what);
  if (v.schema !== DIGEST_SCHEMA)
    throw new InvalidDigestMessageError(
      `${what}: schema ${JSON.stringify(v.schema)} is not ${DIGEST_SCHEMA}`,
    );
  if (v.version !== DIGEST_SCHEMA_VERSION)
    throw new InvalidDigestMessageError(
      `${what}: version ${JSON.stringify(v.version)} is not ${DIGEST_SCHEMA_VERSION}`,
    );
  if (v.audience !== 'owner')
    throw new InvalidDigestMessageError(`${what}: audience ${JSON.stringify(v.audience)} is not owner`);
  const generatedAt = text(v, 'generatedAt', what);
  if (!parseInstant(generatedAt).ok)
    throw new InvalidDigestMessageError(
      `${what}: generatedAt ${JSON.stringify(generatedAt)} is not an instant`,
    );
  const part = positiveInteger(v, 'part', what);
  const parts = positiveInteger(v, 'parts', what);
  if (part > parts)
    throw new InvalidDigestMessageError(`${what}: part ${part} is greater than parts ${parts}`);
  const severity = v.severity;
  if (typeof severity !== 'string' || !(SEVERITIES as readonly string[]).includes(severity))
    throw new InvalidDigestMessageError(
      `${what}: severity ${JSON.stringify(severity)} is not one of ${SEVERITIES.join(', ')}`,
    );
  const ownerReach = ownerReachOf(v.ownerReach, `${what}: ownerReach`);
  const list = events(v.events, what);
  const wholeDigest = readableWholeDigest(v.wholeDigest, list, what);
  return {
    schema: DIGEST_SCHEMA,
    version: DIGEST_SCHEMA_VERSION,
    audience: 'owner',
    userId: text(v, 'userId', what),
    generatedAt,
    drainId: text(v, 'drainId', what),
    part,
    parts,
    ...(wholeDigest !== undefined && { wholeDigest }),
    severity: severity as DigestDocument['severity'],
    ...(ownerReach !== undefined && { ownerReach }),
    eventTypes: eventTypesOf(list),
    events: list,
  };
}

function json(textValue: string, what: string): unknown {
  try {
    return JSON.parse(textValue);
  } catch (error: unknown) {
    throw new InvalidDigestMessageError(`${what} is not valid JSON (${describeError(error).message})`);
  }
}

/**
 * The digest as its document says, checked against the routing attributes the message carries, if any (a
 * `MessageStructure: 'json'` notification has none; a `notify --sink jsonl:…` entry has them): an attribute that
 * differs from the document (`userId`, `ownerReach`) is a permanent failure. The verdict is the document's, else
 * the attribute's (an entry from a notifier that put it in the attributes only).
 */
function digestFor(attributes: unknown, document: DigestDocument, what: string): RelayDigest {
  const userId = attribute(attributes, 'userId');
  if (userId !== undefined && userId !== document.userId)
    throw new InvalidDigestMessageError(
      `${what}: userId attribute ${JSON.stringify(userId)} differs from the document's ${JSON.stringify(document.userId)}`,
    );
  const attributeReach = ownerReachOf(attribute(attributes, 'ownerReach'), `${what}: ownerReach attribute`);
  if (
    attributeReach !== undefined &&
    document.ownerReach !== undefined &&
    attributeReach !== document.ownerReach
  )
    throw new InvalidDigestMessageError(
      `${what}: ownerReach attribute ${JSON.stringify(attributeReach)} differs from the document's ${JSON.stringify(document.ownerReach)}`,
    );
  const ownerReach = document.ownerReach ?? attributeReach;
  return { userId: document.userId, document, ...(ownerReach !== undefined && { ownerReach }) };
}

/** One string attribute of a message, whatever its wire shape (`StringValue` or `Value`). */
function attribute(attributes: unknown, name: string): string | undefined {
  if (attributes === null || typeof attributes !== 'object') return undefined;
  const entry = (attributes as Record<string, unknown>)[name];
  if (entry === null || typeof entry !== 'object') return undefined;
  const e = entry as Record<string, unknown>;
  const value = e.StringValue ?? e.Value;
  return typeof value === 'string' ? value : undefined;
}

/**
 * The digest in an SQS record's body: SNS's notification envelope (raw
 * message delivery off), whose `Message` is the digest document. The owner,
 * the audience and the drain's verdict are the document's: SNS delivers no
 * `MessageAttributes` for a `MessageStructure: 'json'` publish ("Message
 * attributes are sent only when the message structure is String, not JSON":
 * docs/notifications.md, "Email relay"). Attributes an envelope does carry (a
 * `String` publish) must agree with the document.
 * @throws {InvalidDigestMessageError} when the body is not an owner digest notification
 */
export function digestFromSnsEnvelope(body: string): RelayDigest {
  const envelope = record(json(body, 'SQS message body'), 'SQS message body');
  if (envelope.Type !== 'Notification' || typeof envelope.Message !== 'string')
    throw new InvalidDigestMessageError(
      'SQS message body is not an SNS notification envelope (is raw message delivery on?)',
    );
  const audience = attribute(envelope.MessageAttributes, 'audience');
  if (audience !== undefined && audience !== 'owner')
    throw new InvalidDigestMessageError(`SNS notification audience ${JSON.stringify(audience)} is not owner`);
  const document = parseDigestDocument(json(envelope.Message, 'SNS Message'), 'SNS Message');
  return digestFor(envelope.MessageAttributes, document, 'SNS notification');
}

/**
 * The text SNS delivers to the relay's queue (protocol `sqs`) from a
 * `MessageStructure: 'json'` body: its own `sqs` key when the body has one
 * (an entry an older version wrote: it named every machine protocol, and its
 * `default` is the readable text), else `default` (the document).
 */
function sqsDelivery(byProtocol: Record<string, unknown>, what: string): string {
  const key = Object.hasOwn(byProtocol, 'sqs') ? 'sqs' : 'default';
  const value = byProtocol[key];
  if (typeof value !== 'string')
    throw new InvalidDigestMessageError(
      `${what}: Message has no ${key} document (not MessageStructure json?)`,
    );
  return value;
}

/**
 * The audience and `Message` of a `PublishBatch` entry as `notify --sink jsonl:…` writes
 * every line (`cli/jsonl-sink.ts`, in every version: `Message` a string,
 * `MessageStructure: 'json'`, `MessageAttributes` with `audience` `owner` or
 * `admin`); anything else (a credentials or `owners export` line, another
 * audience) is not such an entry, so never counted as an admin message.
 * @throws {InvalidDigestMessageError} naming what the entry lacks
 */
function publishEntry(
  e: Record<string, unknown>,
  what: string,
): { readonly audience: 'owner' | 'admin'; readonly message: string } {
  const missing = ['Message', 'MessageStructure', 'MessageAttributes'].filter(
    (key) => !Object.hasOwn(e, key),
  );
  if (missing.length > 0)
    throw new InvalidDigestMessageError(
      `${what} is not a notify --sink jsonl: entry (no ${missing.join(', no ')})`,
    );
  if (typeof e.Message !== 'string') throw new InvalidDigestMessageError(`${what}: Message is not a string`);
  if (e.MessageStructure !== 'json')
    throw new InvalidDigestMessageError(
      `${what}: MessageStructure ${JSON.stringify(e.MessageStructure)} is not json`,
    );
  record(e.MessageAttributes, `${what}: MessageAttributes`);
  const audience = attribute(e.MessageAttributes, 'audience');
  if (audience === 'owner' || audience === 'admin') return { audience, message: e.Message };
  throw new InvalidDigestMessageError(
    audience === undefined
      ? `${what}: MessageAttributes has no audience`
      : `${what}: audience ${JSON.stringify(audience)} is neither owner nor admin`,
  );
}

/**
 * Reads one `PublishBatch` entry as `notify --sink jsonl:…` writes it: the
 * owner digest it carries (the document SNS would deliver to the relay's
 * queue: `default`, or `sqs` in a file an older version wrote), or `undefined`
 * for an admin message (which the relay's subscription would not receive).
 * @throws {InvalidDigestMessageError} when the entry is not such an entry
 *   (no `Message`, `MessageStructure: 'json'` or audience `owner`/`admin`), or
 *   an owner entry cannot be read
 */
export function digestFromPublishEntry(entry: unknown, what = 'entry'): RelayDigest | undefined {
  const e = record(entry, what);
  const { audience, message } = publishEntry(e, what);
  if (audience === 'admin') return undefined;
  const byProtocol = record(json(message, `${what}: Message`), `${what}: Message`);
  const delivered = sqsDelivery(byProtocol, what);
  const document = parseDigestDocument(json(delivered, `${what}: sqs document`), `${what}: document`);
  return digestFor(e.MessageAttributes, document, what);
}
