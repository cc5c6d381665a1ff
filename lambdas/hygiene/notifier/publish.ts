/**
 * Step 5 of a drain (docs/notifications.md, "One drain"), publish: the
 * rendered messages go out in batches within the publisher's limits (SNS:
 * ≤ 10 entries, ≤ 256 KiB together), paced per recipient (`pacing.ts`: at
 * most one message per recipient in a batch, and batches carrying the same
 * recipient spaced, so no email subscription is suspended for receiving more
 * than SNS allows), and the per-entry outcome decides which events may be
 * marked sent. A publisher that throws fails its whole batch, and a batch
 * whose pacing wait would end past the time budget is not published: nothing
 * either carried is marked (it stays pending for the next drain).
 */

import { describeError } from '../errors';
import type { OutboxEvent } from '../events';
import type { OutgoingMessage } from '../message';
import type { FailedEntry, NotificationPublisher } from '../outbox-ports';
import { mapWithConcurrency } from '../task-pool';
import type { DrainContext, DrainState } from './drain-state';
import { RECIPIENT_MESSAGES_PER_SECOND, type RecipientPacer, recipientOf } from './pacing';
import type { OwnerDigest } from './render';

/**
 * Splits entries into `publishBatch` calls of at most `maxEntries` and `maxBytes` in total, in order: a call
 * closes at the first entry that does not fit. With `keyOf` (the recipient), a call holds at most one entry per
 * key: an entry whose key the call already holds waits for the next call, ahead of the entries after it, so
 * distinct recipients still share calls. Without it every entry is distinct.
 */
export function batchEntries<T extends { readonly bytes: number }>(
  entries: readonly T[],
  maxEntries: number,
  maxBytes: number,
  keyOf: (entry: T) => unknown = (entry) => entry,
): T[][] {
  const batches: T[][] = [];
  let rest: readonly T[] = entries;
  while (rest.length > 0) {
    const batch: T[] = [];
    const keys = new Set<unknown>();
    const deferred: T[] = [];
    let bytes = 0;
    let next = 0;
    for (; next < rest.length; next++) {
      const entry = rest[next] as T;
      if (batch.length > 0 && (batch.length >= maxEntries || bytes + entry.bytes > maxBytes)) break;
      const key = keyOf(entry);
      if (keys.has(key)) {
        deferred.push(entry);
        continue;
      }
      keys.add(key);
      batch.push(entry);
      bytes += entry.bytes;
    }
    batches.push(batch);
    rest = [...deferred, ...rest.slice(next)];
  }
  return batches;
}

/** A message ready to publish: the message with its batch `id`, and its measured size. */
export interface SizedMessage {
  readonly message: OutgoingMessage;
  readonly bytes: number;
}

/** How a run of publishes is paced per recipient (`pacing.ts`). */
export interface PublishPacing {
  /** Whom the run sent to and when: one per drain, shared by all its publishes. */
  readonly pacer: RecipientPacer;
  /** The caller's clock (epoch ms). */
  readonly clock: () => number;
  /** Waits `ms` milliseconds (the caller's port; tests advance a fake clock). */
  readonly sleep: (ms: number) => Promise<void>;
  /**
   * The caller's time budget left (ms): a batch whose wait would end when it is spent is not published (its
   * entries fail `TimeBudgetSpent` and stay pending). Absent: unlimited.
   */
  readonly remainingMs?: () => number;
}

/** How {@link publishInBatches} publishes: the batch limits (a drain's may be tighter than the publisher's), calls in flight, pacing. */
export interface PublishPlan {
  readonly limits: { readonly maxBatchEntries: number; readonly maxBatchBytes: number };
  readonly concurrency: number;
  readonly pacing: PublishPacing;
}

/**
 * Publishes `messages` through `publisher` in batches within `plan.limits`, at most one message per recipient in
 * a batch, `plan.concurrency` batches at a time, each batch waiting for its recipients' turn (`pacing.ts`);
 * returns the failed messages by `id` (absent = accepted). A publisher that throws fails its whole batch; a batch
 * whose wait would end past the time budget fails `TimeBudgetSpent` unpublished. The one publish path: the drain's
 * digests and report, and the SES events handler's bounce reports (`lambdas/relay/bounced-digest.ts`).
 */
export async function publishInBatches(
  publisher: NotificationPublisher,
  messages: readonly SizedMessage[],
  plan: PublishPlan,
): Promise<Map<string, FailedEntry>> {
  const failedById = new Map<string, FailedEntry>();
  const { limits, pacing } = plan;
  const batches = batchEntries(messages, limits.maxBatchEntries, limits.maxBatchBytes, (m) =>
    recipientOf(m.message),
  );
  await mapWithConcurrency(batches, plan.concurrency, async (batch) => {
    const request = batch.map((m) => m.message);
    const waitMs = await awaitTurn(pacing, request.map(recipientOf));
    const failed = waitMs === undefined ? await publishBatch(publisher, request) : heldBack(request, waitMs);
    for (const f of failed) failedById.set(f.id, f);
  });
  return failedById;
}

/**
 * Waits until a batch carrying `recipients` may start, and reserves that turn.
 * @returns `undefined` when it may start now; else the wait that would end past the time budget (nothing reserved)
 */
async function awaitTurn(pacing: PublishPacing, recipients: readonly string[]): Promise<number | undefined> {
  const { pacer } = pacing;
  const turn = pacer.turn(recipients, pacing.clock());
  if (turn.waitMs > 0 && pacing.remainingMs !== undefined && pacing.remainingMs() <= turn.waitMs) {
    pacer.holdBack(recipients.length);
    return turn.waitMs;
  }
  pacer.take(recipients, turn);
  if (turn.waitMs > 0) await pacing.sleep(turn.waitMs);
  pacer.arrived(turn);
  return undefined;
}

/** One `publishBatch` call; a throw fails every entry of it. */
async function publishBatch(
  publisher: NotificationPublisher,
  request: readonly OutgoingMessage[],
): Promise<readonly FailedEntry[]> {
  try {
    return (await publisher.publishBatch(request)).failed;
  } catch (error: unknown) {
    // A publisher should report failures per entry; a throw fails the whole batch.
    const { code, message } = describeError(error);
    return request.map((r) => ({ id: r.id, code, message, senderFault: false }));
  }
}

/** A batch not published: its pacing wait would end past the time budget. Its entries stay pending. */
function heldBack(request: readonly OutgoingMessage[], waitMs: number): FailedEntry[] {
  const message =
    `not published: its recipient's pacing wait (${waitMs} ms, at most ${RECIPIENT_MESSAGES_PER_SECOND} ` +
    'messages a second to one recipient) would end past the time budget; it stays pending for a later drain';
  return request.map((r) => ({ id: r.id, code: 'TimeBudgetSpent', message, senderFault: false }));
}

/** Publishes a drain's `messages` in batches; returns the failed messages by `id` (absent = accepted). */
export async function publishMessages(
  context: DrainContext,
  messages: readonly SizedMessage[],
): Promise<Map<string, FailedEntry>> {
  // Batches are independent (each message is one owner's digest part, or one report part): a few at a time,
  // paced per recipient across the whole drain (the pacer is the drain's).
  const { deps, settings } = context;
  return publishInBatches(deps.publisher, messages, {
    limits: settings,
    concurrency: settings.publishConcurrency,
    pacing: {
      pacer: settings.pacer,
      clock: deps.clock,
      sleep: deps.sleep,
      ...(deps.remainingMs !== undefined && { remainingMs: deps.remainingMs }),
    },
  });
}

/** Publishes every digest part; returns the events (stored entries, by identity) whose message was accepted. */
export async function publishDigests(
  context: DrainContext,
  state: DrainState,
  digests: readonly OwnerDigest[],
): Promise<Set<OutboxEvent>> {
  const messages = digests.flatMap((d) =>
    d.parts.map((part, i) => ({ message: { id: d.ids[i] as string, ...part.message }, bytes: part.bytes })),
  );
  const failedById = await publishMessages(context, messages);
  const accepted = new Set<OutboxEvent>();
  for (const digest of digests) {
    let complete = true;
    digest.parts.forEach((part, i) => {
      const failure = failedById.get(digest.ids[i] as string);
      if (failure) {
        complete = false;
        state.counters.eventsFailed += part.events.length;
        state.failures.add({
          userId: digest.userId,
          code: failure.code,
          message: failure.message,
          senderFault: failure.senderFault,
          events: part.events.length,
        });
        return;
      }
      state.counters.parts += 1;
      state.counters.eventsPublished += part.events.length;
      for (const e of part.events) accepted.add(e);
    });
    if (complete) state.counters.digests += 1;
  }
  return accepted;
}
