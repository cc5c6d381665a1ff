/**
 * Phase 3 of a drain, render: the claimed items' events (read from the base
 * table by the claim; the index holds none) that are addressed to their
 * credential's owner, grouped by owner, become one digest per owner — split
 * into parts when large. A digest that cannot be split is left pending and reported.
 */
import { type DigestPart, DigestTooLargeError, renderDigest } from '../digest';
import type { OutboxEvent } from '../events';
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
    const digest = renderOwnerDigest(context, state, userId, events, verdicts.get(userId)?.name);
    if (digest !== undefined) digests.push(digest);
  }
  state.counters.owners += digests.length;
  return digests;
}

/** One owner's digest, or `undefined` (counted as failed, left pending) when it cannot be split to fit. */
function renderOwnerDigest(
  context: DrainContext,
  state: DrainState,
  userId: string,
  events: readonly OutboxEvent[],
  ownerName: string | undefined,
): OwnerDigest | undefined {
  const { settings } = context;
  try {
    const parts = renderDigest({
      userId,
      events,
      now: context.now,
      drainId: settings.drainId,
      ...(ownerName !== undefined && { ownerName }),
      budget: settings.budget,
    });
    state.digestSeq += 1;
    const seq = state.digestSeq;
    return { userId, parts, ids: parts.map((p) => `o${seq}-p${p.part}`) };
  } catch (error: unknown) {
    if (!(error instanceof DigestTooLargeError)) throw error;
    // Left pending (its claim is released): an operator sees it in the failures and the outbox age.
    state.counters.eventsFailed += events.length;
    state.failures.add({
      userId,
      code: error.name,
      message: error.message,
      senderFault: true,
      events: events.length,
    });
    return undefined;
  }
}
