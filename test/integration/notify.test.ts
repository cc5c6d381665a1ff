/**
 * The notifier against DynamoDB Local: real sweeps fill the outbox through the
 * sparse index, the real drain lease, batched reads and conditional marks drain it; the publisher is
 * a recording fake (SNS itself is covered at the client boundary). A slow drain renews its lease on the
 * table (its own live lease: the renewal branch of the lease condition), and a drain reads the index past
 * its first page (docs/notifications.md, "The outbox protocol").
 */
import { ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoDbCredentialScanner } from '../../lambdas/aws/credential-scanner';
import { DynamoDbOutboxStore } from '../../lambdas/aws/outbox-store';
import { timerSleep } from '../../lambdas/aws/timer-sleep';
import { DynamoDbTransitionWriter } from '../../lambdas/aws/transition-writer';
import { parseConfig } from '../../lambdas/hygiene/config';
import {
  OUTBOX_ATTR,
  OUTBOX_CLAIM_ATTR,
  OUTBOX_INDEX,
  OUTBOX_LEASE_ATTR,
  OUTBOX_LEASE_ID,
} from '../../lambdas/hygiene/data-contract';
import type { OutboxEvent } from '../../lambdas/hygiene/events';
import { runNotifier } from '../../lambdas/hygiene/notifier';
import type { OutboxStore } from '../../lambdas/hygiene/outbox-ports';
import { runSweep } from '../../lambdas/hygiene/sweep';
import { addDays, DAY_MS, formatInstant, requireInstant } from '../../lambdas/hygiene/time';
import { getItem, outboxIndexEntriesOf, putItems } from '../support/items';
import { ownedCredential } from '../support/owned-credential';
import { useTestTable } from '../support/test-table';
import { RecordingPublisher } from '../unit/outbox-fakes';

const NOW = requireInstant('2026-11-26T02:00:00.000Z', 'now');
const MINUTE = 60_000;
// Small fleets: the blast-radius guard (10 % by default) would hold back the one deletion.
const config = parseConfig({ mode: 'enforce', scanSegments: 2, maxDeletePercent: 100 });
const iso = (days: number) => formatInstant(addDays(NOW, days));

/** A credential that is scoped and source-limited, so only the 90-day stale rule applies. */
const credential = (id: string, userId: string, extra: Record<string, unknown> = {}) =>
  ownedCredential(NOW, id, userId, extra);

describe('notifier over DynamoDB Local', () => {
  const table = useTestTable('notify');
  let store: DynamoDbOutboxStore;
  let sweepNo = 0;

  beforeEach(async () => {
    // Each test gets its own owners; clear what earlier tests left in the table.
    const all = await table.client.send(
      new ScanCommand({ TableName: table.tableName, ProjectionExpression: 'id' }),
    );
    const ids = (all.Items ?? []).map((i) => i.id as string);
    for (const id of ids) {
      await table.client.send(
        new UpdateCommand({
          TableName: table.tableName,
          Key: { id },
          UpdateExpression: 'SET deletedAt = :d REMOVE #o, #ow, #s, #c, #u',
          ExpressionAttributeNames: {
            '#o': OUTBOX_ATTR.events,
            '#ow': OUTBOX_ATTR.owner,
            '#s': OUTBOX_ATTR.since,
            '#c': OUTBOX_CLAIM_ATTR.claim,
            '#u': OUTBOX_CLAIM_ATTR.claimUntil,
          },
          ExpressionAttributeValues: { ':d': iso(-1000) },
        }),
      );
    }
    store = new DynamoDbOutboxStore(table.client, table.tableName);
  });

  const sweep = (now = NOW) =>
    runSweep(
      {
        clock: Date.now,
        scanner: new DynamoDbCredentialScanner(table.client, table.tableName),
        writer: new DynamoDbTransitionWriter(table.client, table.tableName),
      },
      { config, now, runId: `run-${++sweepNo}`, mode: 'enforce' },
    );

  const drain = (publisher: RecordingPublisher, at = NOW, outbox: OutboxStore = store, drainId?: string) =>
    runNotifier(
      { outbox, publisher, clock: () => at, sleep: timerSleep },
      { leaseMs: 5 * MINUTE, ...(drainId !== undefined && { drainId }) },
    );

  const indexEntries = async () => {
    const out = await table.client.send(
      new ScanCommand({ TableName: table.tableName, IndexName: OUTBOX_INDEX }),
    );
    return out.Items ?? [];
  };

  const deliveredKeys = (publisher: RecordingPublisher) =>
    publisher.documents().flatMap((d) => d.events.map((e: OutboxEvent) => `${e.credentialId}/${e.eventId}`));

  /** The credentials of the delivered events, sorted (one entry per delivery). */
  const deliveredCredentials = (publisher: RecordingPublisher) =>
    publisher
      .documents()
      .flatMap((d) => d.events.map((e: OutboxEvent) => e.credentialId))
      .sort();

  /** Three owners with different needs and one with none. */
  async function seedFleet(prefix: string) {
    await putItems(table.client, table.tableName, [
      credential(`${prefix}-a1`, `${prefix}-alice`, { expiresTime: iso(5) }), // 7-day notice
      credential(`${prefix}-a2`, `${prefix}-alice`, { expiresTime: iso(-1) }), // expired: deleted
      credential(`${prefix}-b1`, `${prefix}-bob`, { lastUsedAt: iso(-120) }), // stale: flagged
      credential(`${prefix}-c1`, `${prefix}-carol`, { expiresTime: iso(20) }), // 30-day notice
      credential(`${prefix}-c2`, `${prefix}-carol`, { expiresTime: iso(25) }), // 30-day notice
      credential(`${prefix}-d1`, `${prefix}-dave`), // nothing to say
    ]);
  }

  it('sends one digest per owner with exactly that owner’s event types, and a second drain sends nothing', async () => {
    await seedFleet('t1');
    await sweep();
    expect((await indexEntries()).length).toBe(5);
    const publisher = new RecordingPublisher();

    const first = await drain(publisher);
    const second = await drain(publisher);

    const byOwner = new Map(publisher.delivered.map((e) => [e.MessageAttributes.userId?.StringValue, e]));
    expect([...byOwner.keys()].sort()).toEqual(['t1-alice', 't1-bob', 't1-carol']);
    const types = (user: string) => JSON.parse(byOwner.get(user)!.MessageAttributes.eventTypes!.StringValue);
    expect(types('t1-alice')).toEqual(['expiry-warning', 'deleted-expired']);
    expect(types('t1-bob')).toEqual(['stale-warning']);
    expect(types('t1-carol')).toEqual(['expiry-warning']);
    // The soonest expiry, not the 30-day stage both notices are.
    expect(byOwner.get('t1-carol')!.Subject).toBe('2 API credentials expire, the first in 20 days');
    expect(first).toMatchObject({
      pendingItems: 5,
      owners: 3,
      digests: 3,
      eventsPublished: 5,
      claimConflicts: 0,
    });
    expect(second).toMatchObject({ pendingItems: 0, eventsPublished: 0 });
    expect(publisher.calls).toHaveLength(1);
    // Drained items leave the index and carry no outbox or claim attributes.
    expect(await indexEntries()).toEqual([]);
    const a1 = await getItem(table.client, table.tableName, 't1-a1');
    for (const attr of [...Object.values(OUTBOX_ATTR), ...Object.values(OUTBOX_CLAIM_ATTR)]) {
      expect(a1).not.toHaveProperty(attr);
    }
  });

  it('delivers every event exactly once after SNS fails for three drains', async () => {
    await seedFleet('t2');
    await sweep();
    const publisher = new RecordingPublisher();
    publisher.down = new Error('SNS unavailable');

    for (let i = 0; i < 3; i++) {
      const failed = await drain(publisher, NOW + i * 15 * MINUTE);
      expect(failed).toMatchObject({ eventsPublished: 0, eventsFailed: 5, claimConflicts: 0 });
    }
    expect((await indexEntries()).length).toBe(5);
    publisher.down = undefined;
    const recovered = await drain(publisher, NOW + 45 * MINUTE);
    await drain(publisher, NOW + 60 * MINUTE);

    expect(recovered).toMatchObject({ eventsPublished: 5, oldestPendingAgeSeconds: 45 * 60 });
    const keys = deliveredKeys(publisher);
    expect(keys).toHaveLength(5);
    expect(new Set(keys).size).toBe(5);
    expect(await indexEntries()).toEqual([]);
  });

  it('after a crash between publish and mark sends at most one duplicate and loses nothing', async () => {
    await seedFleet('t3');
    await sweep();
    const publisher = new RecordingPublisher();
    // The process "dies" after publishing: marks never happen, the lease stays until it lapses.
    const crashing: OutboxStore = {
      pending: () => store.pending(),
      acquireLease: (request) => store.acquireLease(request),
      read: (ids) => store.read(ids),
      markSent: async () => {
        throw new Error('killed');
      },
      releaseLease: async () => {
        throw new Error('killed');
      },
    };

    await drain(publisher, NOW, crashing);
    const whileLeased = await drain(publisher, NOW + MINUTE);
    const afterLease = await drain(publisher, NOW + 6 * MINUTE);
    await drain(publisher, NOW + 7 * MINUTE);

    expect(whileLeased).toMatchObject({ claimConflicts: 5, eventsPublished: 0 });
    expect(afterLease).toMatchObject({ claimConflicts: 0, eventsPublished: 5 });
    const keys = deliveredKeys(publisher);
    const counts = new Map<string, number>();
    for (const k of keys) counts.set(k, (counts.get(k) ?? 0) + 1);
    expect(counts.size).toBe(5);
    for (const n of counts.values()) expect(n).toBe(2);
    expect(await indexEntries()).toEqual([]);
  });

  it('two notifiers draining at once send each event once', async () => {
    await putItems(
      table.client,
      table.tableName,
      Array.from({ length: 40 }, (_, i) =>
        credential(`t4-${i}`, `t4-user-${i % 13}`, { expiresTime: iso(3 + (i % 20)) }),
      ),
    );
    await sweep();
    const publisher = new RecordingPublisher();
    const other = new DynamoDbOutboxStore(table.client, table.tableName);

    const [a, b] = await Promise.all([
      drain(publisher, NOW, store, 'drain-a'),
      drain(publisher, NOW, other, 'drain-b'),
    ]);
    await drain(publisher, NOW + 10 * MINUTE);

    const keys = deliveredKeys(publisher);
    expect(keys).toHaveLength(40);
    expect(new Set(keys).size).toBe(40);
    expect(a.eventsPublished + b.eventsPublished).toBe(40);
    expect(await indexEntries()).toEqual([]);
  });

  it('a renewal re-arms the expiry stages and the next warning is sent', async () => {
    await putItems(table.client, table.tableName, [credential('t5-1', 't5-user', { expiresTime: iso(5) })]);
    await sweep();
    const publisher = new RecordingPublisher();
    await drain(publisher);
    // The same stage is not sent twice.
    await sweep(NOW + DAY_MS);
    expect((await drain(publisher, NOW + DAY_MS)).eventsPublished).toBe(0);

    await table.client.send(
      new UpdateCommand({
        TableName: table.tableName,
        Key: { id: 't5-1' },
        UpdateExpression: 'SET expiresTime = :e',
        ExpressionAttributeValues: { ':e': iso(21) },
      }),
    );
    await sweep(NOW + DAY_MS);
    const after = await drain(publisher, NOW + DAY_MS);

    expect(after.eventsPublished).toBe(1);
    const events = publisher.documents().flatMap((d) => d.events);
    expect(events.map((e) => [e.type, e.stageDays, e.expiresTime])).toEqual([
      ['expiry-warning', 7, iso(5)],
      ['expiry-warning', 30, iso(21)],
    ]);
  });

  it('keeps an event the sweep appends while a drain holds the lease, and drains it next time', async () => {
    await putItems(table.client, table.tableName, [credential('t6-1', 't6-user', { expiresTime: iso(20) })]);
    await sweep();
    expect(await store.acquireLease({ drainId: 'd1', now: NOW, leaseUntil: NOW + 5 * MINUTE })).toEqual({
      status: 'held',
    });
    const [read] = await store.read(['t6-1']);
    if (read === undefined) throw new Error('expected the item');
    // A later sweep (five days on) appends the 7-day notice to the item the drain read.
    await sweep(NOW + 15 * DAY_MS);

    const [marked] = await store.markSent([
      { item: read, publishedEventIds: read.events.map((e) => e.eventId) },
    ]);

    expect(marked).toEqual({ status: 'marked', removed: 1, alreadyGone: 0, remaining: 1 });
    await store.releaseLease('d1');
    const item = await getItem(table.client, table.tableName, 't6-1');
    expect(((item?.[OUTBOX_ATTR.events] ?? []) as OutboxEvent[]).map((e) => e.stageDays)).toEqual([7]);
    expect(item?.[OUTBOX_ATTR.since]).toBe(formatInstant(NOW + 15 * DAY_MS));
    expect(item).not.toHaveProperty(OUTBOX_CLAIM_ATTR.claim);
    const index = await outboxIndexEntriesOf(table.client, table.tableName, 't6-user');
    expect(index.map((i) => i.id)).toEqual(['t6-1']);
    const publisher = new RecordingPublisher();
    expect((await drain(publisher, NOW + 15 * DAY_MS)).eventsPublished).toBe(1);
    expect(await indexEntries()).toEqual([]);
  });

  it('refuses the lease while another drain holds it, takes it over once it lapses, and reads nothing of a drained item', async () => {
    await putItems(table.client, table.tableName, [credential('t7-1', 't7-user', { expiresTime: iso(20) })]);
    await sweep();

    const first = await store.acquireLease({ drainId: 'd1', now: NOW, leaseUntil: NOW + 5 * MINUTE });
    const conflict = await store.acquireLease({
      drainId: 'd2',
      now: NOW + MINUTE,
      leaseUntil: NOW + 6 * MINUTE,
    });
    const takeover = await store.acquireLease({
      drainId: 'd2',
      now: NOW + 5 * MINUTE,
      leaseUntil: NOW + 10 * MINUTE,
    });
    const [item] = await store.read(['t7-1']);
    if (item === undefined) throw new Error('expected the item');
    await store.markSent([{ item, publishedEventIds: item.events.map((e) => e.eventId) }]);
    const drained = await store.read(['t7-1']);
    await store.releaseLease('d2');
    const afterRelease = await store.acquireLease({
      drainId: 'd3',
      now: NOW + 6 * MINUTE,
      leaseUntil: NOW + 11 * MINUTE,
    });

    expect(first).toEqual({ status: 'held' });
    expect(conflict).toEqual({ status: 'conflict', heldBy: 'd1', until: formatInstant(NOW + 5 * MINUTE) });
    expect(takeover).toEqual({ status: 'held' });
    expect(drained).toEqual([]);
    expect(afterRelease).toEqual({ status: 'held' });
    expect(await getItem(table.client, table.tableName, 't7-1')).not.toHaveProperty(OUTBOX_CLAIM_ATTR.claim);
    // The lease lives on a reserved item, never on a credential.
    expect(await getItem(table.client, table.tableName, OUTBOX_LEASE_ID)).toMatchObject({
      [OUTBOX_LEASE_ATTR.holder]: 'd3',
    });
    await store.releaseLease('d3');
  });

  it.each([
    ['no end', {}],
    ['an end that is not a string', { [OUTBOX_LEASE_ATTR.until]: 1_780_000_000 }],
  ])(
    'takes a lease whose item names a holder with %s (edited by hand): no lease a drain writes, so none live',
    async (_, end) => {
      await putItems(table.client, table.tableName, [
        { id: OUTBOX_LEASE_ID, [OUTBOX_LEASE_ATTR.holder]: 'hand-edited', ...end },
      ]);

      const taken = await store.acquireLease({ drainId: 'd-next', now: NOW, leaseUntil: NOW + 5 * MINUTE });

      expect(taken).toEqual({ status: 'held' });
      expect(await getItem(table.client, table.tableName, OUTBOX_LEASE_ID)).toMatchObject({
        [OUTBOX_LEASE_ATTR.holder]: 'd-next',
        [OUTBOX_LEASE_ATTR.until]: formatInstant(NOW + 5 * MINUTE),
      });
      await store.releaseLease('d-next');
    },
  );

  it('marks what a drain published even after its lease lapsed, and a second mark of the same events removes nothing', async () => {
    await putItems(table.client, table.tableName, [credential('t9-1', 't9-user', { expiresTime: iso(20) })]);
    await sweep();
    // A drain of the previous protocol left its claim; a mark drops it along with the events.
    await table.client.send(
      new UpdateCommand({
        TableName: table.tableName,
        Key: { id: 't9-1' },
        UpdateExpression: 'SET #c = :c, #u = :u',
        ExpressionAttributeNames: { '#c': OUTBOX_CLAIM_ATTR.claim, '#u': OUTBOX_CLAIM_ATTR.claimUntil },
        ExpressionAttributeValues: { ':c': 'old-drain', ':u': formatInstant(NOW) },
      }),
    );
    const [slow] = await store.read(['t9-1']);
    const [fast] = await store.read(['t9-1']);
    if (slow === undefined || fast === undefined) throw new Error('expected two reads');
    const ids = slow.events.map((e) => e.eventId);

    const [slowMark] = await store.markSent([{ item: slow, publishedEventIds: ids }]);
    const [fastMark] = await store.markSent([{ item: fast, publishedEventIds: ids }]);

    expect(slowMark).toEqual({ status: 'marked', removed: 1, alreadyGone: 0, remaining: 0 });
    expect(fastMark).toEqual({ status: 'marked', removed: 0, alreadyGone: 1, remaining: 0 });
    expect(await getItem(table.client, table.tableName, 't9-1')).not.toHaveProperty(OUTBOX_CLAIM_ATTR.claim);
    expect(await indexEntries()).toEqual([]);
  });

  /** A compact stored entry (an expiry warning), as the sweep writes it. */
  const compactEntry = (eventId: string) => ({
    eventId,
    type: 'expiry-warning',
    runId: 'run-1',
    occurredAt: formatInstant(NOW),
    stageDays: 7,
    expiresTime: iso(7),
  });
  const outboxOf = async (id: string) =>
    (await getItem(table.client, table.tableName, id))?.[OUTBOX_ATTR.events];

  it('never removes a malformed entry in place of the published entry with the same id, nor publishes that twice', async () => {
    const malformed = { eventId: 'e1', type: 'bogus', runId: 'r', occurredAt: formatInstant(NOW) };
    await putItems(table.client, table.tableName, [
      credential('t10-1', 't10-alice', {
        // The expiry the entries warn of (another would supersede them: docs/notifications.md, "Drain summary").
        expiresTime: iso(7),
        [OUTBOX_ATTR.events]: [malformed, compactEntry('e1')],
        [OUTBOX_ATTR.owner]: 't10-alice',
        [OUTBOX_ATTR.since]: formatInstant(NOW),
      }),
    ]);
    const publisher = new RecordingPublisher();

    const first = await drain(publisher);
    const afterFirst = await outboxOf('t10-1');
    const second = await drain(publisher);

    expect(deliveredKeys(publisher)).toEqual(['t10-1/e1']);
    expect([first.malformedEvents, second.malformedEvents]).toEqual([1, 1]);
    expect(afterFirst).toEqual([malformed]);
    expect(await outboxOf('t10-1')).toEqual([malformed]);
  });

  it('keeps an event addressed to someone else pending while its report fails, though its owner’s event with the same id was marked', async () => {
    // Listed first, the forged entry is the first with that id: only the entry planned for may go.
    const forged = { ...compactEntry('e1'), credentialId: 't11-1', userId: 't11-mallory' };
    await putItems(table.client, table.tableName, [
      credential('t11-1', 't11-carol', {
        expiresTime: iso(7),
        [OUTBOX_ATTR.events]: [forged, compactEntry('e1')],
        [OUTBOX_ATTR.owner]: 't11-carol',
        [OUTBOX_ATTR.since]: formatInstant(NOW),
      }),
    ]);
    const publisher = new RecordingPublisher();
    publisher.failEntry = (entry) =>
      entry.MessageAttributes.audience?.StringValue === 'admin' ? 'InternalError' : undefined;

    const summary = await drain(publisher);

    expect(summary).toMatchObject({ invalidEvents: 1, eventsPublished: 1, eventsFailed: 1, reportParts: 0 });
    expect(deliveredKeys(publisher)).toEqual(['t11-1/e1']);
    expect(await outboxOf('t11-1')).toEqual([forged]);
  });

  /** One credential with a 7-day notice for each of `owners` owners, swept into the outbox. */
  async function seedOneNoticeEach(prefix: string, owners: number) {
    await putItems(
      table.client,
      table.tableName,
      Array.from({ length: owners }, (_, i) =>
        credential(`${prefix}-${i}`, `${prefix}-user-${i}`, { expiresTime: iso(5) }),
      ),
    );
    await sweep();
    expect((await indexEntries()).length).toBe(owners);
  }

  it('renews its own live lease on the table when a slow drain has used more than half of it', async () => {
    await seedOneNoticeEach('t12', 4);
    let now = NOW;
    const publisher = new RecordingPublisher();
    const publish = publisher.publishBatch.bind(publisher);
    const leaseEnds: unknown[] = [];
    // Each publish call takes two minutes of the drain's clock; one owner a chunk, one chunk at a time.
    publisher.publishBatch = async (entries) => {
      leaseEnds.push(
        (await getItem(table.client, table.tableName, OUTBOX_LEASE_ID))?.[OUTBOX_LEASE_ATTR.until],
      );
      now += 2 * MINUTE;
      return publish(entries);
    };

    const summary = await runNotifier(
      { outbox: store, publisher, clock: () => now, sleep: timerSleep },
      { drainId: 'slow', leaseMs: 5 * MINUTE, readBatchItems: 1, groupConcurrency: 1, maxBatchEntries: 1 },
    );

    // Chunks at NOW (lease until NOW+5), NOW+2 (3 minutes left: kept), NOW+4 (1 left, still live: renewed until
    // NOW+9, a write only the `holder = drainId` branch of the condition allows), NOW+6 (kept).
    expect(leaseEnds).toEqual([5, 5, 9, 9].map((m) => formatInstant(NOW + m * MINUTE)));
    expect(summary).toMatchObject({
      status: 'complete',
      eventsPublished: 4,
      claimConflicts: 0,
      storeErrors: 0,
    });
    expect(deliveredCredentials(publisher)).toEqual(['t12-0', 't12-1', 't12-2', 't12-3']);
    expect(await indexEntries()).toEqual([]);
    for (let i = 0; i < 4; i++)
      expect(await getItem(table.client, table.tableName, `t12-${i}`)).not.toHaveProperty(OUTBOX_ATTR.events);
    expect(await getItem(table.client, table.tableName, OUTBOX_LEASE_ID)).not.toHaveProperty(
      OUTBOX_LEASE_ATTR.holder,
    );
  });

  it('reads the outbox index past its first page', async () => {
    await seedOneNoticeEach('t13', 5);
    const publisher = new RecordingPublisher();
    // Two index entries a Scan page: the five pending items take three pages.
    const paged = new DynamoDbOutboxStore(table.client, table.tableName, { pageSize: 2 });

    const summary = await drain(publisher, NOW, paged);

    expect(summary).toMatchObject({ pendingItems: 5, eventsPublished: 5, claimConflicts: 0 });
    expect(deliveredCredentials(publisher)).toEqual(['t13-0', 't13-1', 't13-2', 't13-3', 't13-4']);
    expect(await indexEntries()).toEqual([]);
  });

  it('reads nothing for an item that no longer exists (a stale index entry), and creates none', async () => {
    expect(await store.read(['t8-missing'])).toEqual([]);
    expect(await getItem(table.client, table.tableName, 't8-missing')).toBeUndefined();
  });
});
