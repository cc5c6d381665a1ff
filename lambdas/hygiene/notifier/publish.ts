/**
 * Step 5 of a drain (docs/notifications.md, "One drain"), publish: the
 * rendered messages go out in batches within the publisher's limits (SNS:
 * ≤ 10 entries, ≤ 256 KiB together), and the per-entry outcome decides which
 * events may be marked sent. A publisher that throws fails its whole batch;
 * nothing it carried is marked.
 */

import { describeError } from '../errors';
import type { OutboxEvent } from '../events';
import type { OutgoingMessage } from '../message';
import type { FailedEntry, NotificationPublisher } from '../outbox-ports';
import { mapWithConcurrency } from '../task-pool';
import type { DrainContext, DrainState } from './drain-state';
import type { OwnerDigest } from './render';

/** Splits entries into `publishBatch` calls of at most `maxEntries` and `maxBytes` in total. */
export function batchEntries<T extends { readonly bytes: number }>(
  entries: readonly T[],
  maxEntries: number,
  maxBytes: number,
): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const entry of entries) {
    if (current.length > 0 && (current.length >= maxEntries || bytes + entry.bytes > maxBytes)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(entry);
    bytes += entry.bytes;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** A message ready to publish: the message with its batch `id`, and its measured size. */
export interface SizedMessage {
  readonly message: OutgoingMessage;
  readonly bytes: number;
}

/**
 * Publishes `messages` through `publisher` in batches within `limits` (a
 * drain's may be tighter than the publisher's), `concurrency` batches at a time; returns the failed messages by `id`
 * (absent = accepted). A publisher that throws fails its whole batch. Also
 * the SES events handler's bounce reports (`lambdas/relay/bounced-digest.ts`).
 */
export async function publishInBatches(
  publisher: NotificationPublisher,
  messages: readonly SizedMessage[],
  limits: { readonly maxBatchEntries: number; readonly maxBatchBytes: number },
  concurrency: number,
): Promise<Map<string, FailedEntry>> {
  const failedById = new Map<string, FailedEntry>();
  const batches = batchEntries(messages, limits.maxBatchEntries, limits.maxBatchBytes);
  await mapWithConcurrency(batches, concurrency, async (batch) => {
    const request = batch.map((m) => m.message);
    let failed: readonly FailedEntry[];
    try {
      ({ failed } = await publisher.publishBatch(request));
    } catch (error: unknown) {
      // A publisher should report failures per entry; a throw fails the whole batch.
      const { code, message } = describeError(error);
      failed = request.map((r) => ({ id: r.id, code, message, senderFault: false }));
    }
    for (const f of failed) failedById.set(f.id, f);
  });
  return failedById;
}

/** Publishes a drain's `messages` in batches; returns the failed messages by `id` (absent = accepted). */
export async function publishMessages(
  context: DrainContext,
  messages: readonly SizedMessage[],
): Promise<Map<string, FailedEntry>> {
  // Batches are independent (each message is one owner's digest part, or one report part): a few at a time.
  const { deps, settings } = context;
  return publishInBatches(deps.publisher, messages, settings, settings.publishConcurrency);
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
