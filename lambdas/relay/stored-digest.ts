/**
 * The events of a digest part as the relay ledger keeps them (docs/data-model.md,
 * "Relay ledger"): written with the claim, before the email is sent, so that
 * when SES later reports a bounce (permanent, or one it gave up on) the SES events handler can give the
 * admins exactly the events that email carried (docs/notifications.md, "Email
 * relay"), with the digest's `generatedAt`: when the drain handed it to the
 * relay and released the purge of its deletions, which the report says
 * (`bounce-report.ts`). Stored as gzip-compressed JSON
 * (`{"v":1,"generatedAt":"…","events":[…]}`; `generatedAt` optional, absent
 * from an entry claimed before it was kept: the version stays): a digest
 * part is at most one SNS message (256 KiB), its events JSON less, and gzip
 * makes that a few KiB in practice (at worst the JSON plus a few hundred bytes),
 * well within DynamoDB's 400 KB item; anything larger than
 * {@link MAX_STORED_DIGEST_BYTES} is not stored, and the bounce report says the
 * events could not be read back. Read back through the outbox event parser,
 * so what reaches the report is what a digest may carry. Pure (node:zlib only).
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { describeError } from '../hygiene/errors';
import type { OutboxEvent } from '../hygiene/events';
import { parseOutboxEvent } from '../hygiene/outbox-item';
import { parseInstant } from '../hygiene/time';

/** The stored form's version. */
const STORED_DIGEST_VERSION = 1;
/** The most compressed bytes stored: room to spare in a 400 KB item. */
export const MAX_STORED_DIGEST_BYTES = 300_000;
/** The most bytes a stored value may inflate to: more than any SNS message (refuses a corrupt or foreign value). */
const MAX_INFLATED_BYTES = 1_048_576;

/**
 * The compressed form of a digest part's events, and of its `generatedAt` when given.
 * @returns `undefined` when it would exceed {@link MAX_STORED_DIGEST_BYTES} (the claim then stores none)
 */
export function encodeDigestEvents(
  events: readonly OutboxEvent[],
  generatedAt?: string,
): Uint8Array | undefined {
  const stored = { v: STORED_DIGEST_VERSION, ...(generatedAt !== undefined && { generatedAt }), events };
  const bytes = gzipSync(JSON.stringify(stored));
  return bytes.length <= MAX_STORED_DIGEST_BYTES ? new Uint8Array(bytes) : undefined;
}

/** The events read back (with the digest's `generatedAt` when it was kept), or why they cannot be. */
export type DecodedDigestEvents =
  | { readonly ok: true; readonly events: readonly OutboxEvent[]; readonly generatedAt?: string }
  | { readonly ok: false; readonly problem: string };

function inflate(bytes: Uint8Array): unknown {
  return JSON.parse(gunzipSync(bytes, { maxOutputLength: MAX_INFLATED_BYTES }).toString('utf8'));
}

/** Reads {@link encodeDigestEvents}'s output back; never throws. */
export function decodeDigestEvents(bytes: Uint8Array): DecodedDigestEvents {
  let stored: unknown;
  try {
    stored = inflate(bytes);
  } catch (error: unknown) {
    const why = describeError(error).message;
    return { ok: false, problem: `the stored events are not gzip-compressed JSON (${why})` };
  }
  const value = stored as { v?: unknown; generatedAt?: unknown; events?: unknown } | null;
  if (value === null || typeof value !== 'object' || value.v !== STORED_DIGEST_VERSION)
    return { ok: false, problem: `the stored events are not version ${STORED_DIGEST_VERSION}` };
  // Only a wording of the report rests on it: one that is not an instant is left out, not the events with it.
  const generatedAt =
    typeof value.generatedAt === 'string' && parseInstant(value.generatedAt).ok
      ? value.generatedAt
      : undefined;
  if (!Array.isArray(value.events) || value.events.length === 0)
    return { ok: false, problem: 'the stored events are missing or empty' };
  const events: OutboxEvent[] = [];
  for (const [i, raw] of value.events.entries()) {
    const parsed = parseOutboxEvent(raw);
    if (!parsed.ok) return { ok: false, problem: `stored event ${i} ${parsed.problem}` };
    events.push(parsed.event);
  }
  return { ok: true, events, ...(generatedAt !== undefined && { generatedAt }) };
}
