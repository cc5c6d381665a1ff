/**
 * No item stays in the outbox index with nothing pending (docs/notifications.md,
 * "Guarantees, and why the protocol keeps them"): two drains marking different
 * events of one item (one's lease lapsed while it still ran) each remove their
 * entry; the second must not leave an empty list with the index keys set. And
 * an item already left so (by a mark before partial removals were size-guarded)
 * is taken out of the index by the next drain, its held-back purge released —
 * unless an append meanwhile made it pending again; a read-only store
 * (`notify --dry-run`) writes nothing. The size guard of a partial removal
 * lets a sweep's append through, so it never re-plans into removing the wrong
 * one of two entries that share an event id. Real store and drain on DynamoDB Local.
 */

import { describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../lambdas/aws/dynamodb-client';
import { DynamoDbOutboxStore } from '../../lambdas/aws/outbox-store';
import { timerSleep } from '../../lambdas/aws/timer-sleep';
import { HYGIENE_ATTR, OUTBOX_ATTR, PURGE_PENDING_ATTR } from '../../lambdas/hygiene/data-contract';
import { runNotifier } from '../../lambdas/hygiene/notifier';
import { markRequest } from '../../lambdas/hygiene/notifier/mark';
import { getItem, outboxIndexEntriesOf, putItems, updateItem } from '../support/items';
import { useTestTable } from '../support/test-table';
import { outboxEvent, RecordingPublisher } from '../unit/outbox-fakes';

const NOW = Date.parse('2026-11-26T02:00:00.000Z');
const NOW_S = Math.floor(NOW / 1000);
/**
 * A purge held back until the notice is sent, due before now (so released at now); only ever on a soft-deleted
 * item (`deletedAt` set: a release never sets a TTL on a live one, docs/data-model.md).
 */
const HELD_PURGE = NOW_S - 86_400;
const SINCE = '2026-11-20T02:00:00.000Z';

const E0 = outboxEvent({ credentialId: 'pc-two', userId: 'alice', eventId: 'e0', type: 'deleted-expired' });
const E1 = outboxEvent({ credentialId: 'pc-two', userId: 'alice', eventId: 'e1' });

/** A drain lease request at {@link NOW}. */
function lease(drainId: string) {
  return { drainId, now: NOW, leaseUntil: NOW + 60_000 };
}

/** Index keys, list and purge attributes of an item, for comparison. */
function outboxState(item: Record<string, unknown> | undefined) {
  return {
    events: item?.[OUTBOX_ATTR.events],
    owner: item?.[OUTBOX_ATTR.owner],
    since: item?.[OUTBOX_ATTR.since],
    purgePending: item?.[PURGE_PENDING_ATTR],
    purgeAt: item?.[HYGIENE_ATTR.purgeAt],
  };
}

const LEFT_THE_INDEX = {
  events: undefined,
  owner: undefined,
  since: undefined,
  purgePending: undefined,
  purgeAt: NOW_S,
};

describe('an outbox emptied by marks leaves the index (DynamoDB Local)', () => {
  const table = useTestTable('outbox-empty-list', 'each');
  const store = () => new DynamoDbOutboxStore(table.client, table.tableName, { clock: () => NOW });

  it('two drains removing different events of one item: the second removal takes the item out of the index', async () => {
    await putItems(table.client, table.tableName, [
      {
        id: 'pc-two',
        userId: 'alice',
        [OUTBOX_ATTR.events]: [E0, E1],
        [OUTBOX_ATTR.owner]: 'alice',
        [OUTBOX_ATTR.since]: SINCE,
        deletedAt: SINCE,
        [PURGE_PENDING_ATTR]: HELD_PURGE,
      },
    ]);
    // Both drains read the item as [e0, e1]: A (its lease lapsed) published e0, B published e1.
    const [item] = await store().read(['pc-two']);
    if (item === undefined) throw new Error('not read');
    const [e0, e1] = item.events;
    const forA = markRequest({ item, published: new Set([e0 as NonNullable<typeof e0>]) });
    const forB = markRequest({ item, published: new Set([e1 as NonNullable<typeof e1>]) });
    if (forA === undefined || forB === undefined) throw new Error('no mark request');

    const markedB = await store().markSent([forB]);
    const markedA = await store().markSent([forA]);

    expect(markedB).toEqual([{ status: 'marked', removed: 1, alreadyGone: 0, remaining: 1 }]);
    expect(markedA).toEqual([{ status: 'marked', removed: 1, alreadyGone: 0, remaining: 0 }]);
    expect(outboxState(await getItem(table.client, table.tableName, 'pc-two'))).toEqual(LEFT_THE_INDEX);
    expect(await outboxIndexEntriesOf(table.client, table.tableName, 'alice')).toEqual([]);
  });

  it('a drain takes items left indexed with an empty or absent list out of the index, and releases their purge', async () => {
    const live = outboxEvent({ credentialId: 'pc-live', userId: 'bob' });
    await putItems(table.client, table.tableName, [
      {
        id: 'pc-empty',
        userId: 'alice',
        [OUTBOX_ATTR.events]: [],
        [OUTBOX_ATTR.owner]: 'alice',
        [OUTBOX_ATTR.since]: SINCE,
        deletedAt: SINCE,
        [PURGE_PENDING_ATTR]: HELD_PURGE,
      },
      { id: 'pc-absent', userId: 'alice', [OUTBOX_ATTR.owner]: 'alice', [OUTBOX_ATTR.since]: SINCE },
      {
        id: 'pc-live',
        userId: 'bob',
        [OUTBOX_ATTR.events]: [live],
        [OUTBOX_ATTR.owner]: 'bob',
        [OUTBOX_ATTR.since]: SINCE,
      },
    ]);
    const publisher = new RecordingPublisher();

    const summary = await runNotifier(
      { outbox: store(), publisher, clock: () => NOW, sleep: timerSleep },
      { drainId: 'd1' },
    );

    expect(summary).toMatchObject({ alreadyDrained: 2, eventsPublished: 1, eventsFailed: 0 });
    expect(outboxState(await getItem(table.client, table.tableName, 'pc-empty'))).toEqual(LEFT_THE_INDEX);
    expect(outboxState(await getItem(table.client, table.tableName, 'pc-absent'))).toEqual({
      ...LEFT_THE_INDEX,
      purgeAt: undefined,
    });
    expect(await outboxIndexEntriesOf(table.client, table.tableName, 'alice')).toEqual([]);
    expect(publisher.documents().map((d) => d.userId)).toEqual(['bob']);
  });

  it('a read-only store (notify --dry-run) writes nothing, with or without the lease', async () => {
    const stuck = {
      id: 'pc-preview',
      userId: 'alice',
      [OUTBOX_ATTR.events]: [],
      [OUTBOX_ATTR.owner]: 'alice',
      [OUTBOX_ATTR.since]: SINCE,
      deletedAt: SINCE,
      [PURGE_PENDING_ATTR]: HELD_PURGE,
    };
    await putItems(table.client, table.tableName, [stuck]);
    const preview = new DynamoDbOutboxStore(table.client, table.tableName, {
      clock: () => NOW,
      readOnly: true,
    });

    expect(await preview.read(['pc-preview'])).toEqual([]);
    expect(await preview.acquireLease(lease('d-preview'))).toEqual({ status: 'held' });
    await preview.releaseLease('d-preview');
    expect(await preview.read(['pc-preview'])).toEqual([]);

    expect(await getItem(table.client, table.tableName, 'pc-preview')).toEqual(stuck);
  });

  it('leaves such an item pending when a notice was appended between the read and the cleanup', async () => {
    await putItems(table.client, table.tableName, [
      {
        id: 'pc-racing',
        userId: 'alice',
        [OUTBOX_ATTR.events]: [],
        [OUTBOX_ATTR.owner]: 'alice',
        [OUTBOX_ATTR.since]: SINCE,
      },
    ]);
    const appended = outboxEvent({ credentialId: 'pc-racing', userId: 'alice', eventId: 'late' });
    // The store's client appends (as a sweep would) just before the cleanup's conditional write.
    const client = createDocumentClient({ endpoint: table.endpoint });
    let appendedOnce = false;
    client.middlewareStack.add(
      (next) => async (args) => {
        // The only write to this item through this client is the cleanup.
        const input = (args as { input?: { UpdateExpression?: string; Key?: { id?: unknown } } }).input;
        if (!appendedOnce && input?.UpdateExpression !== undefined && input.Key?.id === 'pc-racing') {
          appendedOnce = true;
          await updateItem(
            table.client,
            table.tableName,
            'pc-racing',
            'SET #l = list_append(#l, :e)',
            { ':e': [appended] },
            { '#l': OUTBOX_ATTR.events },
          );
        }
        return next(args);
      },
      { step: 'initialize', name: 'appendBeforeCleanup' },
    );

    try {
      const drain = new DynamoDbOutboxStore(client, table.tableName, { clock: () => NOW });
      expect(await drain.acquireLease(lease('d-racing'))).toEqual({ status: 'held' });
      expect(await drain.read(['pc-racing'])).toEqual([]);
      await drain.releaseLease('d-racing');
    } finally {
      client.destroy();
    }

    expect(appendedOnce).toBe(true);
    const item = await getItem(table.client, table.tableName, 'pc-racing');
    expect(outboxState(item)).toMatchObject({ events: [appended], owner: 'alice', since: SINCE });
  });

  it("a sweep's append between the read and the mark: exactly the published entry goes, even beside an id twin", async () => {
    // Two entries share an event id (one was published, one failed); a sweep appends a third meanwhile.
    const twinA = outboxEvent({ credentialId: 'pc-twins', userId: 'alice', eventId: 'twin', runId: 'run-a' });
    const twinB = outboxEvent({ credentialId: 'pc-twins', userId: 'alice', eventId: 'twin', runId: 'run-b' });
    const appended = outboxEvent({ credentialId: 'pc-twins', userId: 'alice', eventId: 'late' });
    await putItems(table.client, table.tableName, [
      {
        id: 'pc-twins',
        userId: 'alice',
        [OUTBOX_ATTR.events]: [twinA, twinB],
        [OUTBOX_ATTR.owner]: 'alice',
        [OUTBOX_ATTR.since]: SINCE,
      },
    ]);
    const [item] = await store().read(['pc-twins']);
    const published = item?.events[1];
    if (item === undefined || published === undefined) throw new Error('not read');
    const request = markRequest({ item, published: new Set([published]) });
    if (request === undefined) throw new Error('no mark request');
    await updateItem(
      table.client,
      table.tableName,
      'pc-twins',
      'SET #l = list_append(#l, :e)',
      { ':e': [appended] },
      { '#l': OUTBOX_ATTR.events },
    );

    // `remaining` counts the list as read (the append is the sweep's): 1.
    expect(await store().markSent([request])).toEqual([
      { status: 'marked', removed: 1, alreadyGone: 0, remaining: 1 },
    ]);
    const left = (await getItem(table.client, table.tableName, 'pc-twins'))?.[OUTBOX_ATTR.events];
    expect(left).toEqual([twinA, appended]);
  });

  // [X, twinA, twinB]: drain 1 published X; drain 2 published one twin (the other, same event id, failed).
  // Drain 1's removal shifts the list; drain 2's mark must still take its own twin, never the unsent one.
  it.each([
    {
      published: 1,
      left: 1,
      why: 'twinB published: its guard (index 2) fails on the shorter list, and the re-plan finds it by content',
    },
    {
      published: 0,
      left: 2,
      why: 'twinA published: twinB shifts into its index with the same id, and the run tells them apart',
    },
  ])("another drain's removal before the mark: $why", async ({ published, left }) => {
    const id = `pc-shift-${published}`;
    const other = outboxEvent({ credentialId: id, userId: 'alice', eventId: 'other' });
    const twins = ['run-a', 'run-b'].map((runId) =>
      outboxEvent({ credentialId: id, userId: 'alice', eventId: 'twin', runId }),
    );
    await putItems(table.client, table.tableName, [
      {
        id,
        userId: 'alice',
        [OUTBOX_ATTR.events]: [other, ...twins],
        [OUTBOX_ATTR.owner]: 'alice',
        [OUTBOX_ATTR.since]: SINCE,
      },
    ]);
    const [item] = await store().read([id]);
    const [readOther, ...readTwins] = item?.events ?? [];
    const readTwin = readTwins[published];
    if (item === undefined || readOther === undefined || readTwin === undefined) throw new Error('not read');
    const drain1 = markRequest({ item, published: new Set([readOther]) });
    const drain2 = markRequest({ item, published: new Set([readTwin]) });
    if (drain1 === undefined || drain2 === undefined) throw new Error('no mark request');

    await store().markSent([drain1]);
    expect(await store().markSent([drain2])).toEqual([
      { status: 'marked', removed: 1, alreadyGone: 0, remaining: 1 },
    ]);
    expect((await getItem(table.client, table.tableName, id))?.[OUTBOX_ATTR.events]).toEqual([
      [other, ...twins][left],
    ]);
  });
});
