/**
 * Reading and marking a credential item's outbox (lambdas/hygiene/outbox-item.ts, lambdas/aws/outbox-mark-write.ts;
 * docs/notifications.md, "Stored attributes (internal, on the credential item)", "One drain"): pending events, owner
 * and since read, compact entries completed from their item, long names cut as events cut them, an entry with a
 * field past the key limit malformed and never published or removed; the keys-only index entry; the mark plan
 * removes only the published entries, found again by content wherever they moved, never one listed without an id.
 */
import { describe, expect, it } from 'vitest';
import { relocatePublished } from '../../lambdas/aws/outbox-mark-write';
import { MAX_KEY_BYTES } from '../../lambdas/hygiene/credential';
import { EVENT_NAME_MAX_CHARS, shortenedName } from '../../lambdas/hygiene/events';
import {
  parseOutboxEvent,
  planMark,
  readOutboxIndexEntry,
  readPendingItem,
  storedEvent,
} from '../../lambdas/hygiene/outbox-item';
import { outboxEvent } from './outbox-fakes';

describe('readPendingItem', () => {
  it('reads the events, owner and since of an item with a pending outbox', () => {
    const event = outboxEvent({ credentialId: 'pc-1', userId: 'u-1' });

    const item = readPendingItem({
      id: 'pc-1',
      userId: 'u-1',
      hygieneOutbox: [event, { eventId: 'broken' }],
      hygieneOutboxOwner: 'u-1',
      hygieneOutboxSince: '2026-11-26T02:00:00.000Z',
    });

    expect(item).toMatchObject({
      credentialId: 'pc-1',
      userId: 'u-1',
      events: [event],
      // A malformed entry lists no id: no mark can match it, so it is never removed.
      storedEventIds: [event.eventId, undefined],
      since: '2026-11-26T02:00:00.000Z',
    });
    expect(item?.malformed).toEqual([{ index: 1, problem: 'runId is missing or not a string' }]);
  });

  it('completes a compact stored entry from its item, and keeps what an older full entry names', () => {
    const whole = outboxEvent({ credentialId: 'pc-1', userId: 'u-1', displayName: 'CI', clientId: 'c-1' });
    const legacy = outboxEvent({ eventId: 'stale-warning:x', credentialId: 'pc-1', userId: 'u-old' });

    const item = readPendingItem({
      id: 'pc-1',
      userId: 'u-2',
      displayName: 'CI',
      clientId: 'c-1',
      hygieneOutbox: [storedEvent(whole), legacy],
      hygieneOutboxOwner: 'u-1',
    });

    // The compact entry takes the owner it was queued for (the index key), not the item's current userId.
    expect(item?.events).toEqual([whole, legacy]);
    expect(item?.malformed).toEqual([]);
  });

  it('shortens a long name taken from the item as events shorten it', () => {
    const long = 'n'.repeat(EVENT_NAME_MAX_CHARS + 10);
    const stored = storedEvent(outboxEvent({ credentialId: 'pc-1', userId: 'u-1' }));
    const item = readPendingItem({
      id: 'pc-1',
      displayName: long,
      hygieneOutbox: [stored],
      hygieneOutboxOwner: 'u-1',
    });
    expect(item?.events[0]?.displayName).toBe(shortenedName(long));
  });

  it('cuts the names of an entry that names its credential and owner, as it cuts a compact entry’s', () => {
    const long = 'n'.repeat(60_000);
    const whole = outboxEvent({ credentialId: 'pc-1', userId: 'u-1', displayName: long, clientId: long });

    const item = readPendingItem({
      id: 'pc-1',
      userId: 'u-1',
      hygieneOutboxOwner: 'u-1',
      hygieneOutbox: [whole],
    });

    expect(item?.events).toEqual([
      { ...whole, displayName: shortenedName(long), clientId: shortenedName(long) },
    ]);
    expect(Array.from(item?.events[0]?.displayName ?? '')).toHaveLength(EVENT_NAME_MAX_CHARS);
  });

  it.each([
    ['runId', 'r'.repeat(60_000)],
    ['userId', 'é'.repeat(1025)], // 2,050 bytes in UTF-8
    ['credentialId', 'x'.repeat(MAX_KEY_BYTES + 1)],
    ['eventId', 'e'.repeat(MAX_KEY_BYTES + 1)],
    ['occurredAt', 'o'.repeat(MAX_KEY_BYTES + 1)],
    ['expiresTime', 't'.repeat(MAX_KEY_BYTES + 1)],
  ] as const)(
    'makes an entry whose %s is longer than the key limit malformed: never published or removed',
    (field, value) => {
      const valid = outboxEvent({ credentialId: 'pc-1', userId: 'u-1', eventId: 'e1' });
      const oversized = { ...valid, [field]: value };

      const item = readPendingItem({
        id: 'pc-1',
        userId: 'u-1',
        hygieneOutboxOwner: 'u-1',
        hygieneOutbox: [oversized, valid],
      });

      expect(item?.events).toEqual([valid]);
      expect(item?.malformed).toEqual([
        { index: 0, problem: `${field} is longer than DynamoDB's key limit of ${MAX_KEY_BYTES} bytes` },
      ]);
      expect(item?.storedEventIds).toEqual([undefined, 'e1']);
    },
  );

  it('keeps an id exactly at the key limit', () => {
    const event = outboxEvent({ credentialId: 'pc-1', userId: 'u-1', runId: 'é'.repeat(MAX_KEY_BYTES / 2) });
    expect(parseOutboxEvent(event)).toEqual({ ok: true, event });
  });

  it('plans a mark of a published event on its own entry, never on a malformed one with the same id', () => {
    const valid = outboxEvent({ credentialId: 'pc-1', userId: 'u-1', eventId: 'e1' });
    const malformed = { eventId: 'e1', type: 'bogus', runId: 'r', occurredAt: valid.occurredAt };

    const item = readPendingItem({
      id: 'pc-1',
      userId: 'u-1',
      hygieneOutboxOwner: 'u-1',
      hygieneOutbox: [malformed, storedEvent(valid)],
    });

    expect(item?.storedEventIds).toEqual([undefined, 'e1']);
    expect(planMark(item?.storedEventIds ?? [], ['e1'])).toEqual({
      remove: [{ index: 1, eventId: 'e1' }],
      removeAll: false,
      storedSize: 2,
      alreadyGone: 0,
      remaining: 1,
    });
  });

  it('takes the owner from the entries, then from the item, when the owner attribute is missing', () => {
    const legacy = outboxEvent({ credentialId: 'pc-1', userId: 'u-legacy' });
    expect(readPendingItem({ id: 'pc-1', userId: 'u-1', hygieneOutbox: [legacy] })?.userId).toBe('u-legacy');
    expect(readPendingItem({ id: 'pc-1', userId: 'u-1', hygieneOutbox: [storedEvent(legacy)] })?.userId).toBe(
      'u-1',
    );
  });

  it('is undefined for an item without pending events', () => {
    expect(readPendingItem({ id: 'pc-1', userId: 'u-1' })).toBeUndefined();
    expect(readPendingItem({ id: 'pc-1', hygieneOutbox: [], hygieneOutboxOwner: 'u-1' })).toBeUndefined();
  });
});

describe('readOutboxIndexEntry', () => {
  it('reads the id, owner and since of a keys-only index entry', () => {
    expect(
      readOutboxIndexEntry({
        id: 'pc-1',
        hygieneOutboxOwner: 'u-1',
        hygieneOutboxSince: '2026-11-26T02:00:00.000Z',
      }),
    ).toEqual({ credentialId: 'pc-1', userId: 'u-1', since: '2026-11-26T02:00:00.000Z' });
  });

  it('is undefined without an id or an owner', () => {
    expect(readOutboxIndexEntry({ hygieneOutboxOwner: 'u-1' })).toBeUndefined();
    expect(readOutboxIndexEntry({ id: 'pc-1', hygieneOutboxOwner: '' })).toBeUndefined();
    expect(readOutboxIndexEntry({ id: 'pc-1' })).toBeUndefined();
  });
});

describe('parseOutboxEvent', () => {
  it('keeps the stored fields and rejects an unknown type', () => {
    const event = outboxEvent({ credentialId: 'pc-1', userId: 'u-1', type: 'deleted-stale' });
    expect(parseOutboxEvent(event)).toEqual({ ok: true, event });
    expect(parseOutboxEvent({ ...event, type: 'renewed' })).toMatchObject({ ok: false });
    expect(parseOutboxEvent({ ...event, stageDays: '7' })).toMatchObject({
      ok: false,
      problem: 'stageDays is not a number',
    });
    expect(parseOutboxEvent('x')).toEqual({ ok: false, problem: 'is not a map' });
  });
});

describe('relocatePublished', () => {
  const a = { eventId: 'twin', runId: 'run-a' };
  const b = { eventId: 'twin', runId: 'run-b' };
  const x = { eventId: 'x' };
  const late = { eventId: 'late' };

  it('finds each published entry again by its content, wherever it moved; nothing else lists an id', () => {
    // Read [x, a, b]; the mark published b only.
    const listed = [undefined, undefined, 'twin'];
    expect(relocatePublished([x, a, b], listed, [a, b])).toEqual([undefined, 'twin']);
    expect(relocatePublished([x, a, b], listed, [x, a, b, late])).toEqual([
      undefined,
      undefined,
      'twin',
      undefined,
    ]);
    expect(relocatePublished([x, a, b], listed, [x, a])).toEqual([undefined, undefined]);
    expect(relocatePublished([x, a, b], listed, undefined)).toEqual([]);
  });

  it('entries equal in every field are one notice: each published copy takes one', () => {
    expect(relocatePublished([a, a], ['twin', undefined], [a, a])).toEqual(['twin', undefined]);
    expect(relocatePublished([a, a], ['twin', 'twin'], [late, a, a])).toEqual([undefined, 'twin', 'twin']);
  });
});

describe('planMark', () => {
  it('removes the whole list when every stored entry was published', () => {
    expect(planMark(['a', 'b'], ['b', 'a'])).toEqual({
      remove: [
        { index: 0, eventId: 'a' },
        { index: 1, eventId: 'b' },
      ],
      removeAll: true,
      storedSize: 2,
      alreadyGone: 0,
      remaining: 0,
    });
  });

  it('removes only the published entries when others were appended meanwhile', () => {
    const plan = planMark(['a', 'b', 'c'], ['a', 'b']);
    expect(plan).toMatchObject({ removeAll: false, remaining: 1, alreadyGone: 0 });
    expect(plan.remove.map((r) => r.index)).toEqual([0, 1]);
  });

  it('re-locates events that moved and counts those already removed by another drain', () => {
    const plan = planMark(['c', 'b'], ['a', 'b']);
    expect(plan).toMatchObject({
      remove: [{ index: 1, eventId: 'b' }],
      alreadyGone: 1,
      remaining: 1,
      removeAll: false,
    });
  });

  it('two stored entries sharing an id, both published: each copy takes its own entry', () => {
    expect(planMark(['x', 'x', 'y'], ['x', 'x'])).toEqual({
      remove: [
        { index: 0, eventId: 'x' },
        { index: 1, eventId: 'x' },
      ],
      removeAll: false,
      storedSize: 3,
      alreadyGone: 0,
      remaining: 1,
    });
  });

  it('never takes an entry listed without an id', () => {
    expect(planMark([undefined, 'a', undefined], ['a', 'b'])).toEqual({
      remove: [{ index: 1, eventId: 'a' }],
      removeAll: false,
      storedSize: 3,
      alreadyGone: 1,
      remaining: 2,
    });
  });

  it('never plans removing anything for an empty publication', () => {
    expect(planMark(['a'], [])).toMatchObject({ remove: [], removeAll: false, remaining: 1 });
  });
});
