/**
 * The outbox drain (lambdas/hygiene/notifier.ts; docs/notifications.md, "The outbox protocol", "Guarantees, and why
 * the protocol keeps them"), over the in-memory outbox and a recording publisher with a fake clock: one digest per
 * owner in batches of at most 10, bounded group concurrency; a publisher down or failing some entries loses nothing,
 * two drains at once send each event once, a crash between publish and mark duplicates at most one; events appended
 * meanwhile kept; the time budget; oversized or malformed stored entries named, never holding back the rest.
 */
import { describe, expect, it } from 'vitest';
import { SNS_BATCH_MAX_ENTRIES, SNS_MESSAGE_LIMIT_BYTES } from '../../lambdas/aws/sns-wire';
import { timerSleep } from '../../lambdas/aws/timer-sleep';
import type { OutboxEvent } from '../../lambdas/hygiene/events';
import {
  batchEntries,
  groupByOwner,
  NOTIFIER_MALFORMED_ITEM_LIMIT,
  runNotifier,
} from '../../lambdas/hygiene/notifier';
import { requireInstant } from '../../lambdas/hygiene/time';
import { deliveredDocument } from '../support/sns-delivery';
import { InMemoryOutbox, outboxEvent, RecordingPublisher } from './outbox-fakes';

const T0 = requireInstant('2026-11-26T02:00:00.000Z', 'now');
const MINUTE = 60_000;

function setup() {
  const outbox = new InMemoryOutbox();
  const publisher = new RecordingPublisher();
  let now = T0;
  const clock = {
    advance: (ms: number) => {
      now += ms;
    },
  };
  const drain = (options: Parameters<typeof runNotifier>[1] = {}) =>
    runNotifier({ outbox, publisher, clock: () => now, sleep: timerSleep }, options);
  return { outbox, publisher, clock, drain };
}

function seedOwners(outbox: InMemoryOutbox, owners: number, credentialsPerOwner = 1): OutboxEvent[] {
  const all: OutboxEvent[] = [];
  for (let o = 0; o < owners; o++) {
    for (let c = 0; c < credentialsPerOwner; c++) {
      const event = outboxEvent({ credentialId: `pc-${o}-${c}`, userId: `user-${o}` });
      outbox.append(event.credentialId, [event]);
      all.push(event);
    }
  }
  return all;
}

const key = (e: OutboxEvent) => `${e.credentialId}/${e.eventId}`;

describe('runNotifier', () => {
  it('publishes one digest per owner with exactly that owner’s event types, then empties the outbox', async () => {
    const { outbox, publisher, drain } = setup();
    outbox.append('a1', [outboxEvent({ credentialId: 'a1', userId: 'alice' })]);
    outbox.append('a2', [outboxEvent({ credentialId: 'a2', userId: 'alice', type: 'deleted-expired' })]);
    outbox.append('b1', [outboxEvent({ credentialId: 'b1', userId: 'bob', type: 'stale-warning' })]);

    const summary = await drain({ drainId: 'd1' });

    expect(publisher.calls).toHaveLength(1);
    const byUser = new Map(publisher.delivered.map((e) => [e.MessageAttributes.userId?.StringValue, e]));
    expect([...byUser.keys()].sort()).toEqual(['alice', 'bob']);
    expect(byUser.get('alice')?.MessageAttributes.eventTypes?.StringValue).toBe(
      '["expiry-warning","deleted-expired"]',
    );
    expect(byUser.get('bob')?.MessageAttributes.eventTypes?.StringValue).toBe('["stale-warning"]');
    expect(outbox.pendingEvents()).toEqual([]);
    expect(summary).toMatchObject({
      drainId: 'd1',
      status: 'complete',
      pendingItems: 3,
      owners: 2,
      digests: 2,
      parts: 2,
      eventsPublished: 3,
      eventsFailed: 0,
      claimConflicts: 0,
      oldestPendingAgeSeconds: 0,
    });
  });

  it('sends nothing on a second drain', async () => {
    const { outbox, publisher, drain } = setup();
    seedOwners(outbox, 3);
    await drain();

    const second = await drain();

    expect(publisher.calls).toHaveLength(1);
    expect(second).toMatchObject({ pendingItems: 0, owners: 0, parts: 0, eventsPublished: 0 });
  });

  it('publishes in batches of at most 10 entries', async () => {
    const { outbox, publisher, drain } = setup();
    seedOwners(outbox, 25);

    const summary = await drain();

    // Owner groups are drained concurrently, so the calls may complete in any order.
    expect(publisher.calls.map((c) => c.length).sort((a, b) => a - b)).toEqual([5, 10, 10]);
    for (const call of publisher.calls) expect(new Set(call.map((e) => e.Id)).size).toBe(call.length);
    expect(summary.digests).toBe(25);
  });

  it('drains owner groups concurrently, never more than groupConcurrency at once', async () => {
    const { outbox, publisher, drain } = setup();
    seedOwners(outbox, 60); // 6 groups of 10 owners, one chunk each at 10 items a chunk
    let inFlight = 0;
    let maxInFlight = 0;
    const publish = publisher.publishBatch.bind(publisher);
    publisher.publishBatch = async (entries) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight--;
      return publish(entries);
    };

    const summary = await drain({ groupConcurrency: 3, readBatchItems: 10 });

    expect(maxInFlight).toBe(3);
    expect(publisher.calls).toHaveLength(6);
    expect(summary).toMatchObject({ status: 'complete', digests: 60, eventsPublished: 60 });
    expect(outbox.pendingEvents()).toEqual([]);
  });

  it('keeps draining the other chunks when a store call of one chunk fails', async () => {
    const { outbox, publisher, drain } = setup();
    seedOwners(outbox, 50); // 5 groups of 10 owners, one chunk each at 10 items a chunk
    const read = outbox.read.bind(outbox);
    let reads = 0;
    outbox.read = async (...args) => {
      reads++;
      if (reads === 2) throw new Error('throttled');
      return read(...args);
    };

    const summary = await drain({ groupConcurrency: 2, readBatchItems: 10 });

    // The failed read is one store error per item it carried; nothing of them was published.
    expect(summary).toMatchObject({ status: 'complete', storeErrors: 10, eventsPublished: 40, digests: 40 });
    expect(publisher.calls).toHaveLength(4);
    expect(outbox.pendingEvents()).toHaveLength(10);
  });

  it('keeps everything pending while the publisher is down, then delivers every event exactly once', async () => {
    const { outbox, publisher, clock, drain } = setup();
    const events = seedOwners(outbox, 12, 2);
    publisher.down = new Error('SNS unavailable');

    for (let i = 0; i < 3; i++) {
      const summary = await drain();
      expect(summary).toMatchObject({ eventsPublished: 0, eventsFailed: 24, claimConflicts: 0 });
      expect(outbox.pendingEvents()).toHaveLength(24);
      clock.advance(15 * MINUTE);
    }
    publisher.down = undefined;
    const recovered = await drain();

    expect(recovered).toMatchObject({
      eventsPublished: 24,
      eventsFailed: 0,
      oldestPendingAgeSeconds: 45 * 60,
    });
    const delivered = publisher.documents().flatMap((d) => d.events.map(key));
    expect(delivered.sort()).toEqual(events.map(key).sort());
    expect(outbox.pendingEvents()).toEqual([]);
  });

  it('leaves only the owners whose entries failed pending, and retries them next drain', async () => {
    const { outbox, publisher, drain } = setup();
    seedOwners(outbox, 4);
    publisher.failEntry = (entry) =>
      entry.MessageAttributes.userId?.StringValue === 'user-2' ? 'InternalError' : undefined;

    const first = await drain();

    expect(first).toMatchObject({ digests: 3, eventsPublished: 3, eventsFailed: 1 });
    expect(first.failures.records).toEqual([
      { userId: 'user-2', code: 'InternalError', message: expect.any(String), senderFault: false, events: 1 },
    ]);
    expect(outbox.pendingEvents().map((e) => e.userId)).toEqual(['user-2']);
    publisher.failEntry = undefined;
    const second = await drain();
    expect(second).toMatchObject({ digests: 1, eventsPublished: 1 });
    expect(publisher.delivered.map((e) => e.MessageAttributes.userId?.StringValue).sort()).toEqual([
      'user-0',
      'user-1',
      'user-2',
      'user-3',
    ]);
  });

  it('splits an oversize digest into parts and keeps only a failed part’s events pending', async () => {
    const { outbox, publisher, drain } = setup();
    for (let i = 0; i < 30; i++) {
      const event = outboxEvent({ credentialId: `pc-${i}`, userId: 'alice', displayName: 'k'.repeat(300) });
      outbox.append(event.credentialId, [event]);
    }
    publisher.failEntry = (entry) => (entry.Subject.includes('(part 2/') ? 'Throttled' : undefined);

    // About 29 KB of messages (the document once, the text once): five parts at 10 KB, one of which fails.
    const summary = await drain({ maxMessageBytes: 10_000 });

    expect(summary.parts).toBeGreaterThan(1);
    expect(summary.digests).toBe(0);
    const failedPart = publisher.calls.flat().find((e) => e.Subject.includes('(part 2/'));
    const failedIds = deliveredDocument<{ events: OutboxEvent[] }>(failedPart!.Message).events.map(
      (e) => e.credentialId,
    );
    expect(
      outbox
        .pendingEvents()
        .map((e) => e.credentialId)
        .sort(),
    ).toEqual([...failedIds].sort());
    for (const call of publisher.calls) {
      const bytes = call.reduce(
        (sum, e) => sum + Buffer.byteLength(e.Message) + Buffer.byteLength(e.Subject),
        0,
      );
      expect(bytes).toBeLessThanOrEqual(SNS_MESSAGE_LIMIT_BYTES);
    }
  });

  it('skips items a previous-protocol drain holds a live claim on, and takes them over once the claim lapses', async () => {
    const { outbox, publisher, clock, drain } = setup();
    seedOwners(outbox, 2);
    outbox.holdClaim('pc-0-0', 'other', T0 + 5 * MINUTE);

    const first = await drain();

    expect(first).toMatchObject({ claimConflicts: 1, eventsPublished: 1 });
    expect(outbox.pendingEvents().map((e) => e.credentialId)).toEqual(['pc-0-0']);
    clock.advance(5 * MINUTE);
    const second = await drain();
    expect(second).toMatchObject({ claimConflicts: 0, eventsPublished: 1 });
    expect(publisher.delivered).toHaveLength(2);
  });

  it('sends each event once when two drains run at the same time', async () => {
    const { outbox, publisher } = setup();
    const events = seedOwners(outbox, 15, 2);
    const deps = { outbox, publisher, clock: () => T0, sleep: timerSleep };

    const [a, b] = await Promise.all([
      runNotifier(deps, { drainId: 'a' }),
      runNotifier(deps, { drainId: 'b' }),
    ]);

    const delivered = publisher.documents().flatMap((d) => d.events.map(key));
    expect(delivered.sort()).toEqual(events.map(key).sort());
    expect(a.eventsPublished + b.eventsPublished).toBe(30);
    expect(outbox.pendingEvents()).toEqual([]);
  });

  it('after a crash between publish and mark, sends at most one duplicate and loses nothing', async () => {
    const { outbox, publisher, clock, drain } = setup();
    const events = seedOwners(outbox, 3);
    outbox.beforeMark = () => {
      throw new Error('process killed');
    };

    const crashed = await drain({ leaseMs: 5 * MINUTE });
    expect(crashed.storeErrors).toBe(3);
    outbox.beforeMark = undefined;
    const tooEarly = await drain();
    expect(tooEarly).toMatchObject({ claimConflicts: 3, eventsPublished: 0 });
    clock.advance(5 * MINUTE);
    await drain();
    await drain();

    const delivered = publisher.documents().flatMap((d) => d.events.map(key));
    for (const event of events) expect(delivered.filter((k) => k === key(event))).toHaveLength(2);
    expect(outbox.pendingEvents()).toEqual([]);
  });

  it('keeps events appended during the drain pending for the next one', async () => {
    const { outbox, publisher, drain } = setup();
    seedOwners(outbox, 1);
    const late = outboxEvent({ credentialId: 'pc-0-0', userId: 'user-0', type: 'stale-warning' });
    publisher.failEntry = () => {
      outbox.append('pc-0-0', [late]);
      return undefined;
    };

    await drain();

    expect(outbox.pendingEvents()).toEqual([late]);
  });

  it('publishes the events the consistent read returns, not what the keys-only listing saw', async () => {
    const { outbox, publisher, drain } = setup();
    seedOwners(outbox, 2);
    const late = outboxEvent({ credentialId: 'pc-0-0', userId: 'user-0', type: 'stale-warning' });
    const list = outbox.pending.bind(outbox);
    // Between the index read and the item read: one item gains an event, the other is drained elsewhere.
    outbox.pending = async function* () {
      for await (const page of list()) {
        expect(page.every((entry) => !('events' in entry))).toBe(true);
        yield page;
      }
      outbox.append('pc-0-0', [late]);
      outbox.items.delete('pc-1-0');
    };

    const summary = await drain();

    expect(summary).toMatchObject({ pendingItems: 2, alreadyDrained: 1, eventsPublished: 2, digests: 1 });
    expect(
      publisher
        .documents()
        .flatMap((d) => d.events.map(key))
        .sort(),
    ).toEqual([key(late), key(outboxEvent({ credentialId: 'pc-0-0', userId: 'user-0' }))].sort());
    expect(outbox.pendingEvents()).toEqual([]);
  });

  it('drains an item the listing returns under two owners once', async () => {
    const { outbox, publisher, drain } = setup();
    seedOwners(outbox, 3);
    const list = outbox.pending.bind(outbox);
    // A Scan of the index is no snapshot: an item whose outbox owner changed while it ran is listed twice.
    outbox.pending = async function* () {
      for await (const page of list()) yield page;
      yield [{ credentialId: 'pc-0-0', userId: 'user-2', since: '2026-11-26T02:00:00.000Z' }];
    };

    // One owner a chunk, chunks concurrently: both listings would be read before either is marked.
    const summary = await drain({ readBatchItems: 1, maxBatchEntries: 1, groupConcurrency: 4 });

    expect(summary).toMatchObject({ pendingItems: 3, eventsPublished: 3, eventsAlreadyMarked: 0 });
    const sent = publisher.documents().flatMap((d) => d.events.map(key));
    expect(sent.filter((k) => k.startsWith('pc-0-0/'))).toHaveLength(1);
    expect(outbox.pendingEvents()).toEqual([]);
  });

  it('starts no chunk when the time budget is low, leaving everything pending', async () => {
    const { outbox, publisher } = setup();
    seedOwners(outbox, 3);

    const summary = await runNotifier({
      outbox,
      publisher,
      clock: () => T0,
      remainingMs: () => 10_000,
      sleep: timerSleep,
    });

    expect(summary).toMatchObject({ status: 'incomplete', pendingItems: 3, eventsPublished: 0 });
    expect(publisher.calls).toEqual([]);
    expect(outbox.pendingEvents()).toHaveLength(3);
  });

  it('reports the age of the oldest pending event', async () => {
    const { outbox, clock, drain } = setup();
    outbox.append('pc-1', [outboxEvent({ credentialId: 'pc-1', userId: 'u' })], '2026-11-26T01:00:00.000Z');
    clock.advance(MINUTE);

    expect((await drain()).oldestPendingAgeSeconds).toBe(3660);
  });
});

/** `n` control characters: 1 byte each in UTF-8, 7 in the doubly escaped JSON document SNS carries. */
const controls = (n: number) => '\u0001'.repeat(n);

describe('runNotifier and oversized or malformed stored entries', () => {
  it('cuts the names of an entry that names its own credential and owner: a 60 KB name holds back nothing', async () => {
    const { outbox, publisher, drain } = setup();
    outbox.append('pc-ok', [
      outboxEvent({ credentialId: 'pc-ok', userId: 'alice', type: 'deleted-expired' }),
    ]);
    // Written whole (an earlier version, or by hand), its name never cut.
    outbox.append('pc-big', [
      outboxEvent({ credentialId: 'pc-big', userId: 'alice', displayName: 'n'.repeat(60_000) }),
    ]);

    const summary = await drain();

    const delivered = publisher.documents().flatMap((d) => d.events);
    expect(delivered.map((e) => e.credentialId).sort()).toEqual(['pc-big', 'pc-ok']);
    expect(delivered.find((e) => e.credentialId === 'pc-big')?.displayName).toHaveLength(256);
    expect(summary).toMatchObject({ eventsPublished: 2, eventsFailed: 0 });
    expect(outbox.pendingEvents()).toEqual([]);
  });

  it('leaves out of the digest an event too large for a message even alone, and sends the owner’s other notices', async () => {
    const { outbox, publisher, drain } = setup();
    const ok = outboxEvent({ credentialId: 'pc-ok', userId: 'alice' });
    // Every id and instant at the key limit, each character escaping to 7 bytes in the document: about 73 KB.
    // Within SNS's 256 KiB any entry within the bounds fits alone (the document is carried once): a 50 KB budget.
    const big = {
      ...outboxEvent({ credentialId: 'pc-big', userId: 'alice', type: 'deleted-stale' }),
      ...Object.fromEntries(
        ['eventId', 'runId', 'occurredAt', 'deleteAfter', 'lastActivity'].map((f) => [f, controls(2048)]),
      ),
    };
    outbox.append('pc-ok', [ok]);
    outbox.append('pc-big', [big]);

    const first = await drain({ maxMessageBytes: 50_000 });
    const second = await drain({ maxMessageBytes: 50_000 });

    expect(publisher.documents().flatMap((d) => d.events.map(key))).toEqual([key(ok)]);
    expect(first).toMatchObject({ malformedEvents: 0, eventsPublished: 1, eventsFailed: 1 });
    expect(first.failures.records).toEqual([
      expect.objectContaining({ userId: 'alice', code: 'DigestTooLargeError', senderFault: true, events: 1 }),
    ]);
    expect(second).toMatchObject({ eventsPublished: 0, eventsFailed: 1 });
    expect(outbox.pendingEvents()).toEqual([big]);
  });

  it.each([
    ['before', true],
    ['after', false],
  ])(
    'never removes a malformed entry listed %s a published event with the same id, nor publishes that event twice',
    async (_, malformedFirst) => {
      const { outbox, publisher, drain } = setup();
      const valid = outboxEvent({ credentialId: 'carol-pc', userId: 'carol', eventId: 'e1' });
      const malformed = { eventId: 'e1', type: 'bogus', credentialId: 'carol-pc', userId: 'carol' } as never;
      outbox.append('carol-pc', malformedFirst ? [malformed, valid] : [valid, malformed]);

      const first = await drain();
      const second = await drain();

      expect(publisher.documents().flatMap((d) => d.events.map(key))).toEqual([key(valid)]);
      expect([first.malformedEvents, second.malformedEvents]).toEqual([1, 1]);
      expect(outbox.items.get('carol-pc')?.outbox).toEqual([malformed]);
    },
  );

  it('names the items holding malformed entries in the summary, with how many each holds', async () => {
    const { outbox, drain } = setup();
    const bogus = (eventId: string, userId: string) => ({ eventId, type: 'bogus', userId }) as never;
    outbox.append('ada-pc', [outboxEvent({ credentialId: 'ada-pc', userId: 'ada' }), bogus('x1', 'ada')]);
    outbox.append('bob-pc', [bogus('x2', 'bob'), bogus('x3', 'bob')]);
    outbox.append('cy-pc', [outboxEvent({ credentialId: 'cy-pc', userId: 'cy' })]);

    const summary = await drain();

    expect(summary).toMatchObject({ malformedEvents: 3, eventsPublished: 2 });
    expect(summary.malformedItems.count).toBe(2);
    expect(summary.malformedItems.omitted).toBe(0);
    expect(
      [...summary.malformedItems.records].sort((a, b) => a.credentialId.localeCompare(b.credentialId)),
    ).toEqual([
      { credentialId: 'ada-pc', entries: 1 },
      { credentialId: 'bob-pc', entries: 2 },
    ]);
  });

  it('names at most NOTIFIER_MALFORMED_ITEM_LIMIT items with malformed entries and counts the rest', async () => {
    const { outbox, drain } = setup();
    const items = NOTIFIER_MALFORMED_ITEM_LIMIT + 5;
    for (let i = 0; i < items; i++)
      outbox.append(`pc-${i}`, [{ eventId: `x${i}`, type: 'bogus', userId: `user-${i}` } as never]);

    const summary = await drain();

    expect(summary.malformedEvents).toBe(items);
    expect(summary.malformedItems).toMatchObject({ count: items, omitted: 5 });
    expect(summary.malformedItems.records).toHaveLength(NOTIFIER_MALFORMED_ITEM_LIMIT);
    expect(new Set(summary.malformedItems.records.map((r) => r.credentialId)).size).toBe(
      NOTIFIER_MALFORMED_ITEM_LIMIT,
    );
  });
});

describe('batchEntries', () => {
  it('starts a new batch at 10 entries or when the byte budget would be exceeded', () => {
    const entries = [100, 100, 900, 50].map((bytes) => ({ bytes }));
    expect(batchEntries(entries, 10, 1000).map((b) => b.map((e) => e.bytes))).toEqual([
      [100, 100],
      [900, 50],
    ]);
    const small = Array.from({ length: 21 }, () => ({ bytes: 1 }));
    expect(batchEntries(small, SNS_BATCH_MAX_ENTRIES, SNS_MESSAGE_LIMIT_BYTES).map((b) => b.length)).toEqual([
      10, 10, 1,
    ]);
  });
});

describe('groupByOwner', () => {
  it('groups events by the owner each is addressed to, owners in first-seen order', () => {
    const events = [
      outboxEvent({ credentialId: 'a', userId: 'bob' }),
      outboxEvent({ credentialId: 'b', userId: 'alice' }),
      outboxEvent({ credentialId: 'c', userId: 'bob', type: 'stale-warning' }),
    ];

    const groups = groupByOwner(events);

    expect([...groups.keys()]).toEqual(['bob', 'alice']);
    expect(groups.get('bob')?.map((e) => e.credentialId)).toEqual(['a', 'c']);
    expect(groups.get('alice')?.map((e) => e.credentialId)).toEqual(['b']);
  });
});
