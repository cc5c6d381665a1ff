/**
 * The SES message tags that tie a bounce or complaint back to the digest part
 * the relay emailed: the relay tags every email with the owner's `userId`, the
 * drain's id, the part number and the part's events key (`events-key.ts`);
 * SES copies the tags into the configuration set's bounce and complaint
 * events, and the SES events handler marks that owner's address bouncing and
 * finds the part's relay ledger entry (`relay#<drainId>#<part>#<userId>#<eventsKey>`,
 * or `relay#<drainId>#<part>#<userId>` for an email tagged before the events
 * key) to report its events to the admins (docs/notifications.md, "Email
 * relay"). SES tag values allow only `[A-Za-z0-9_-]`, at most 256 characters,
 * so the ids travel base64url-encoded, the part as decimal digits, and the
 * events key as it is (base64url already). Pure.
 */
import { EVENTS_KEY_PATTERN } from './events-key';

/** Name of the tag carrying the owner's `userId` (base64url). */
export const OWNER_TAG = 'pc-hygiene-user';
/** Name of the tag carrying the digest's `drainId` (base64url). */
export const DRAIN_TAG = 'pc-hygiene-drain';
/** Name of the tag carrying the digest's part number (decimal). */
export const PART_TAG = 'pc-hygiene-part';
/** Name of the tag carrying the part's events key (`events-key.ts`; already base64url). */
export const EVENTS_TAG = 'pc-hygiene-events';

/** SES's limit on a tag value. */
const TAG_VALUE_MAX_CHARS = 256;

/** `text` base64url-encoded, or `undefined` when the encoding does not fit a tag value (more than 192 bytes). */
function encodedText(text: string): string | undefined {
  const value = Buffer.from(text, 'utf8').toString('base64url');
  return value.length <= TAG_VALUE_MAX_CHARS ? value : undefined;
}

/** The text a base64url tag value carries, or `undefined` when it is not one {@link encodedText} makes. */
function decodedText(value: string | undefined): string | undefined {
  if (value === undefined || !/^[A-Za-z0-9_-]+$/.test(value)) return undefined;
  const text = Buffer.from(value, 'base64url').toString('utf8');
  return text === '' || Buffer.from(text, 'utf8').toString('base64url') !== value ? undefined : text;
}

/**
 * The owner tag of an email: {@link OWNER_TAG} when the encoded id fits a
 * tag value (ids up to 192 bytes); none otherwise (such an owner's bounces
 * cannot be attributed, and the handler counts them as unattributed).
 */
export function ownerTags(userId: string): Record<string, string> {
  const value = encodedText(userId);
  return value !== undefined ? { [OWNER_TAG]: value } : {};
}

/** The `userId` a tag value carries, or `undefined` when it is not one. */
export function userIdFromTag(value: string | undefined): string | undefined {
  return decodedText(value);
}

/** Which digest part an email carries: the relay ledger key's parts. */
export interface DigestPartRef {
  readonly userId: string;
  readonly drainId: string;
  readonly part: number;
  /**
   * The part's events key (`events-key.ts`): which of an owner's digests of
   * the drain it is. Absent only for an email tagged before the relay tagged it.
   */
  readonly eventsKey?: string;
}

/**
 * All the tags of a digest email: the owner tag ({@link ownerTags}), and
 * {@link DRAIN_TAG}, {@link PART_TAG} and {@link EVENTS_TAG}; a tag whose value
 * would not fit is left out (its bounce is then reported without the events:
 * see `bounced-digest.ts`).
 */
export function digestEmailTags(ref: DigestPartRef): Record<string, string> {
  const drain = encodedText(ref.drainId);
  return {
    ...ownerTags(ref.userId),
    ...(drain !== undefined && { [DRAIN_TAG]: drain }),
    [PART_TAG]: String(ref.part),
    // Always a tag value: `digestEventsKey` makes 22 base64url characters (the pattern checks a tag read back).
    ...(ref.eventsKey !== undefined && { [EVENTS_TAG]: ref.eventsKey }),
  };
}

/** What an event's tags say about the email's digest part: each field when its tag is present and valid. */
export type TaggedDigestPart = Partial<DigestPartRef>;

/** A positive decimal part number (no sign, no leading zero), or `undefined`. */
function partFromTag(value: string | undefined): number | undefined {
  if (value === undefined || !/^[1-9][0-9]{0,8}$/.test(value)) return undefined;
  return Number(value);
}

/** An events key as {@link EVENTS_TAG} carries it, or `undefined`. */
function eventsKeyFromTag(value: string | undefined): string | undefined {
  return value !== undefined && EVENTS_KEY_PATTERN.test(value) ? value : undefined;
}

/**
 * Reads the tags of an SES event's `mail.tags` (each tag name → a list of
 * values; the first is taken): the owner, drain, part and events key, each when tagged.
 */
export function digestPartFromTags(tags: Readonly<Record<string, unknown>> | undefined): TaggedDigestPart {
  const first = (name: string): string | undefined => {
    const values = tags?.[name];
    return Array.isArray(values) && typeof values[0] === 'string' ? values[0] : undefined;
  };
  const userId = userIdFromTag(first(OWNER_TAG));
  const drainId = decodedText(first(DRAIN_TAG));
  const part = partFromTag(first(PART_TAG));
  const eventsKey = eventsKeyFromTag(first(EVENTS_TAG));
  return {
    ...(userId !== undefined && { userId }),
    ...(drainId !== undefined && { drainId }),
    ...(part !== undefined && { part }),
    ...(eventsKey !== undefined && { eventsKey }),
  };
}
