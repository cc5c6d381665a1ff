/**
 * Step 6 of a drain (docs/notifications.md, "One drain"), mark: remove
 * exactly each item's events whose message was accepted, many items per
 * request (the store batches them).
 * Items none of whose events were accepted need no write: the drain lease, not
 * a per-item claim, kept other drains off them, and they stay pending for the
 * next drain. A failed mark is counted; its events stay pending (already
 * published, they may be published again: a duplicate window
 * docs/notifications.md lists), and the drain keeps its lease until it lapses.
 * What is marked is chosen per stored entry (the event object read from it,
 * tracked from publish to mark), never by an id two entries may share: a
 * malformed entry, or another entry whose message failed, is never removed in
 * place of the published entry with its id. Superseded events (`supersede.ts`)
 * are removed by the same mark, under the same guards: never published, they
 * need no lease kept when their mark fails, and count as no duplicate when
 * another drain removed them first.
 */
import type { OutboxEvent } from '../events';
import type { MarkRequest, PendingOutboxItem } from '../outbox-ports';
import { type DrainContext, type DrainState, recordStoreError } from './drain-state';

/**
 * One item to mark: the item as read, which of its events (the very objects it holds) were published, and which
 * it had outgrown (superseded: removed unpublished).
 */
export interface MarkSelection {
  readonly item: PendingOutboxItem;
  readonly published: ReadonlySet<OutboxEvent>;
  readonly superseded?: ReadonlySet<OutboxEvent>;
}

/** Marks each item's accepted events sent and removes its superseded ones (items with neither are left as they are). */
export async function markPublished(
  context: DrainContext,
  state: DrainState,
  items: readonly PendingOutboxItem[],
  accepted: ReadonlySet<OutboxEvent>,
  superseded: ReadonlySet<OutboxEvent> = new Set(),
): Promise<void> {
  const selections = items.map((item) => ({
    item,
    published: new Set(item.events.filter((e) => accepted.has(e))),
    superseded: new Set(item.events.filter((e) => superseded.has(e))),
  }));
  await markSelected(context, state, selections);
}

/** Marks exactly the selected events of each item sent (items with none selected are left as they are). */
export async function markSelected(
  context: DrainContext,
  state: DrainState,
  selections: readonly MarkSelection[],
): Promise<void> {
  const marks = selections.flatMap((selection) => {
    const request = markRequest(selection);
    return request === undefined ? [] : [{ request, superseded: selection.superseded?.size ?? 0 }];
  });
  if (marks.length === 0) return;
  const requests = marks.map((m) => m.request);
  let outcomes: Awaited<ReturnType<typeof context.deps.outbox.markSent>>;
  try {
    outcomes = await context.deps.outbox.markSent(requests);
  } catch (error: unknown) {
    outcomes = requests.map(() => ({ status: 'failed', error }));
  }
  marks.forEach(({ request, superseded }, i) => {
    const outcome = outcomes[i];
    if (outcome?.status === 'marked') {
      // The store counts gone entries, not which: a superseded one gone first was sent by no one twice (a lower
      // bound when both kinds are gone; only a drain whose lease lapsed removes entries under another's mark).
      state.counters.eventsAlreadyMarked += Math.max(0, outcome.alreadyGone - superseded);
      return;
    }
    const error = outcome?.status === 'failed' ? outcome.error : new Error('no mark outcome returned');
    // Only a published event left unmarked may be published again: then the lease is kept until it lapses.
    if (request.publishedEventIds.length > superseded) state.unmarkedAfterPublish += 1;
    recordStoreError(state, request.item.userId, error, request.publishedEventIds.length);
  });
}

/**
 * The mark request for one item, or `undefined` when none of its events was
 * published or superseded (its `publishedEventIds` names both: the store
 * removes them alike). Its item lists the ids of those entries only, each at its
 * list index (`undefined` elsewhere): the store's plan, in which each published
 * id takes the first listed entry with that id, removes exactly those entries,
 * each guarded by its id (and run id) at that index. (A store that must
 * re-plan because the list changed meanwhile finds them again by their whole
 * stored content in the list as it then is, never by id alone:
 * `relocatePublished` in `lambdas/aws/outbox-mark-write.ts`.)
 */
export function markRequest({ item, published, superseded }: MarkSelection): MarkRequest | undefined {
  const malformed = new Set(item.malformed.map((m) => m.index));
  const listed: (string | undefined)[] = [];
  const publishedEventIds: string[] = [];
  let next = 0;
  for (let index = 0; index < item.storedEventIds.length; index++) {
    // `events` holds the valid entries in list order: the malformed indexes are the gaps.
    const event = malformed.has(index) ? undefined : item.events[next++];
    const marked = event !== undefined && (published.has(event) || superseded?.has(event) === true);
    listed.push(marked ? event.eventId : undefined);
    if (marked) publishedEventIds.push(event.eventId);
  }
  if (publishedEventIds.length === 0) return undefined;
  return { item: { ...item, storedEventIds: listed }, publishedEventIds };
}
