/**
 * Step 4 of a drain (docs/notifications.md, "One drain"), render: the read
 * items' events (read from the base table under the drain lease; the index
 * holds none) that are addressed to their credential's owner, grouped by
 * owner, become one digest per owner — split
 * into parts when large. An event too large for a message even alone (values
 * at the parse bounds that escape heavily) is left out of its digest, pending
 * and reported in the failures, so it never holds back its owner's other notices.
 */
import { type DigestPart, DigestTooLargeError, renderDigest } from '../digest';
import type { OutboxEvent } from '../events';
import type { OwnerReachVerdict } from '../message';
import type { DrainContext, DrainState } from './drain-state';
import type { OwnerVerdict, ScreenedItem } from './reach';

/** One owner's rendered digest. */
export interface OwnerDigest {
  readonly userId: string;
  readonly parts: readonly DigestPart[];
  /** Batch entry id per part, unique within the drain. */
  readonly ids: readonly string[];
}

/** Groups events by the owner each is addressed to, owners in first-seen order. */
export function groupByOwner(events: readonly OutboxEvent[]): Map<string, OutboxEvent[]> {
  const owners = new Map<string, OutboxEvent[]>();
  for (const event of events) {
    const list = owners.get(event.userId);
    if (list) list.push(event);
    else owners.set(event.userId, [event]);
  }
  return owners;
}

/**
 * Renders one digest per owner of the screened events (only those addressed
 * to their credential's owner), greeting the owner by the directory's name.
 */
export function renderOwnerDigests(
  context: DrainContext,
  state: DrainState,
  screened: readonly ScreenedItem[],
  verdicts: ReadonlyMap<string, OwnerVerdict>,
): OwnerDigest[] {
  const digests: OwnerDigest[] = [];
  for (const [userId, events] of groupByOwner(screened.flatMap((s) => s.events))) {
    const digest = renderOwnerDigest(context, state, userId, events, verdicts.get(userId));
    if (digest !== undefined) digests.push(digest);
  }
  state.counters.owners += digests.length;
  return digests;
}

/** The drain's verdict on an owner, as each digest part carries it (`ownerReach`). */
function ownerReachOf(context: DrainContext, verdict: OwnerVerdict | undefined): OwnerReachVerdict {
  if (!context.reach.verified) return 'unverified';
  return verdict?.reachable === false ? 'unreachable' : 'reachable';
}

/**
 * Room left in a message for the part counter ("part 2 of 3", in the subject,
 * the text and the document: a few hundred bytes at most) when an event is
 * judged to fit alone, so it also fits as one part of a split message.
 */
export const PART_COUNTER_ROOM_BYTES = 1024;

/**
 * True when `render`, given one event alone, yields messages within `limit`
 * with {@link PART_COUNTER_ROOM_BYTES} to spare; `false` when it throws
 * `tooLarge`'s error (other errors propagate).
 */
export function fitsAlone(
  render: () => readonly { readonly bytes: number }[],
  limit: number,
  tooLarge: abstract new (...args: never[]) => Error,
): boolean {
  try {
    return render().every((part) => part.bytes <= limit - PART_COUNTER_ROOM_BYTES);
  } catch (error: unknown) {
    if (error instanceof tooLarge) return false;
    throw error;
  }
}

/**
 * One owner's digest, or `undefined` when none of its events can be sent. An
 * event too large for a message even alone is left out (counted as failed,
 * left pending), and the owner's other events go.
 */
function renderOwnerDigest(
  context: DrainContext,
  state: DrainState,
  userId: string,
  events: readonly OutboxEvent[],
  verdict: OwnerVerdict | undefined,
): OwnerDigest | undefined {
  const { settings } = context;
  const render = (list: readonly OutboxEvent[]) =>
    renderDigest({
      userId,
      events: list,
      now: context.now,
      drainId: settings.drainId,
      ...(verdict?.name !== undefined && { ownerName: verdict.name }),
      ownerReach: ownerReachOf(context, verdict),
      ...(settings.ownerContact !== undefined && { ownerContact: settings.ownerContact }),
      budget: settings.budget,
    });
  const limit = settings.budget.maxMessageBytes;
  let parts = renderOrUndefined(render, events);
  if (parts === undefined) {
    // Some event alone exceeds a message: the others go, it stays pending (a failure).
    const fitting = events.filter((e) => fitsAlone(() => render([e]), limit, DigestTooLargeError));
    parts = fitting.length > 0 ? renderOrUndefined(render, fitting) : undefined;
    recordTooLarge(
      state,
      userId,
      parts === undefined ? events.length : events.length - fitting.length,
      limit,
    );
    if (parts === undefined) return undefined;
  }
  state.digestSeq += 1;
  const seq = state.digestSeq;
  return { userId, parts, ids: parts.map((p) => `o${seq}-p${p.part}`) };
}

/** `render(events)`, or `undefined` when the digest cannot be split to fit. */
function renderOrUndefined(
  render: (events: readonly OutboxEvent[]) => DigestPart[],
  events: readonly OutboxEvent[],
): DigestPart[] | undefined {
  try {
    return render(events);
  } catch (error: unknown) {
    if (!(error instanceof DigestTooLargeError)) throw error;
    return undefined;
  }
}

/** Events left out of a digest, each too large for a message alone: left pending, counted as failed. */
function recordTooLarge(state: DrainState, userId: string, events: number, limit: number): void {
  if (events === 0) return;
  // An operator sees them in the failures and the outbox age.
  state.counters.eventsFailed += events;
  state.failures.add({
    userId,
    code: DigestTooLargeError.name,
    message: `${events} event(s) left pending: an event alone does not fit a message of at most ${limit} bytes`,
    senderFault: true,
    events,
  });
}
