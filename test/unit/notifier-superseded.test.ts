/**
 * The drain and superseded notices (docs/notifications.md, "Drain summary", "Guarantees"), over the in-memory
 * outbox: an event the credential has outgrown when the drain reads it is published to no one, removed by the mark
 * that removes sent events (so the next drain does not consider it again), counted in `supersededEvents` — during
 * an SNS outage too, and on an unreachable owner's item with the report's marks — while the credential's other
 * events go as before; a dry run shows it in no message. A failed mark of superseded events alone keeps no lease.
 */
import { describe, expect, it } from 'vitest';
import { previewDrain } from '../../cli/use-cases/preview-drain';
import { timerSleep } from '../../lambdas/aws/timer-sleep';
import { HYGIENE_ATTR } from '../../lambdas/hygiene/data-contract';
import type { OutboxEvent } from '../../lambdas/hygiene/events';
import { runNotifier } from '../../lambdas/hygiene/notifier';
import { requireInstant } from '../../lambdas/hygiene/time';
import { InMemoryOutbox, outboxEvent, RecordingPublisher } from './outbox-fakes';
import { InMemoryOwnerDirectory, reachableOwner } from './owner-directory-fake';

const NOW = requireInstant('2026-11-26T02:15:00.000Z', 'now');
const RENEWED = '2027-06-01T00:00:00.000Z';

const key = (e: Pick<OutboxEvent, 'credentialId' | 'eventId'>) => `${e.credentialId}/${e.eventId}`;

function setup(directory?: InMemoryOwnerDirectory) {
  const outbox = new InMemoryOutbox();
  const publisher = new RecordingPublisher();
  const drain = () =>
    runNotifier(
      { outbox, publisher, clock: () => NOW, sleep: timerSleep, ...(directory && { directory }) },
      { drainId: 'd1' },
    );
  const delivered = () =>
    publisher
      .documents()
      .filter((d) => d.userId !== undefined && d.events !== undefined)
      .flatMap((d) => d.events.map(key));
  return { outbox, publisher, drain, delivered };
}

/** Ada's two credentials: one renewed after its warning was queued, one not; Bob's stale warning, used since. */
function seed(outbox: InMemoryOutbox) {
  const renewed = outboxEvent({ credentialId: 'ada-1', userId: 'ada' });
  const kept = outboxEvent({ credentialId: 'ada-2', userId: 'ada' });
  const stale = outboxEvent({ credentialId: 'bob-1', userId: 'bob', type: 'stale-warning' });
  outbox.append('ada-1', [renewed]);
  outbox.append('ada-2', [kept]);
  outbox.append('bob-1', [stale]);
  outbox.update('ada-1', { expiresTime: RENEWED });
  // The next sweep cleared Bob's flag: the credential was used again.
  outbox.update('bob-1', {
    [HYGIENE_ATTR.staleFlaggedAt]: undefined,
    [HYGIENE_ATTR.staleDeleteAfter]: undefined,
  });
  return { renewed, kept, stale };
}

describe('a drain meeting superseded notices', () => {
  it('publishes only what is still true, removes the superseded entries with the sent ones, and counts them', async () => {
    const { outbox, publisher, drain, delivered } = setup();
    const { kept } = seed(outbox);

    const summary = await drain();

    expect(delivered()).toEqual([key(kept)]);
    expect(publisher.delivered.map((e) => e.MessageAttributes.userId?.StringValue)).toEqual(['ada']);
    expect(outbox.pendingEvents()).toEqual([]);
    expect(summary).toMatchObject({
      status: 'complete',
      owners: 1,
      eventsPublished: 1,
      supersededEvents: 2,
      eventsAlreadyMarked: 0,
      storeErrors: 0,
    });
    expect(outbox.lease).toBeUndefined();

    const again = await drain();
    expect(again).toMatchObject({ pendingItems: 0, supersededEvents: 0, eventsPublished: 0 });
  });

  it('removes superseded entries during an SNS outage, and leaves the true ones pending', async () => {
    const { outbox, publisher, drain } = setup();
    const { kept } = seed(outbox);
    publisher.down = new Error('SNS is down');

    const summary = await drain();

    expect(outbox.pendingEvents().map(key)).toEqual([key(kept)]);
    expect(summary).toMatchObject({ eventsPublished: 0, eventsFailed: 1, supersededEvents: 2 });
    // Nothing published is left unmarked: the lease is released.
    expect(outbox.lease).toBeUndefined();
  });

  it('keeps no lease when only a superseded entry’s mark failed (nothing published can repeat)', async () => {
    const { outbox, drain } = setup();
    outbox.append('ada-1', [outboxEvent({ credentialId: 'ada-1', userId: 'ada' })]);
    outbox.update('ada-1', { expiresTime: RENEWED });
    outbox.beforeMark = () => {
      throw new Error('throttled');
    };

    const summary = await drain();

    expect(summary).toMatchObject({ supersededEvents: 1, storeErrors: 1, eventsPublished: 0 });
    expect(outbox.pendingEvents()).toHaveLength(1);
    expect(outbox.lease).toBeUndefined();
  });

  it('counts no duplicate when another drain removed a superseded entry first (nothing was sent twice)', async () => {
    const { outbox, drain } = setup();
    outbox.append('ada-1', [outboxEvent({ credentialId: 'ada-1', userId: 'ada' })]);
    outbox.update('ada-1', { expiresTime: RENEWED });
    // A drain whose lease lapsed removes the entry between this drain's read and its mark.
    outbox.beforeMark = () => {
      const item = outbox.items.get('ada-1');
      if (item !== undefined) item.outbox = [];
    };

    const summary = await drain();

    expect(summary).toMatchObject({ supersededEvents: 1, eventsAlreadyMarked: 0, storeErrors: 0 });
  });

  it('on an unreachable owner’s item, removes the superseded event with the report’s marks, reporting only the rest', async () => {
    const directory = new InMemoryOwnerDirectory([{ ...reachableOwner('ada'), status: 'departed' }]);
    const { outbox, publisher, drain } = setup(directory);
    const renewed = outboxEvent({ credentialId: 'ada-1', userId: 'ada', eventId: 'expiry-warning:old' });
    const kept = outboxEvent({ credentialId: 'ada-1', userId: 'ada', type: 'deleted-expired' });
    outbox.append('ada-1', [renewed, kept]);
    outbox.update('ada-1', { expiresTime: RENEWED });

    const summary = await drain();

    const reported = publisher
      .documents()
      .flatMap((d) => (d as unknown as { owners?: { events: OutboxEvent[] }[] }).owners ?? [])
      .flatMap((o) => o.events.map(key));
    expect(reported).toEqual([key(kept)]);
    expect(outbox.pendingEvents()).toEqual([]);
    expect(summary).toMatchObject({ unreachableEvents: 1, supersededEvents: 1, reportParts: 1 });
  });
});

describe('notify --dry-run and superseded notices', () => {
  it('shows them in no message and counts them, as the drain would', async () => {
    const { outbox } = setup();
    const { kept } = seed(outbox);

    const preview = await previewDrain({ outbox, now: NOW, ownerDelivery: 'sns-email' });

    expect(preview.supersededEvents).toBe(2);
    expect(preview.entries.map((e) => e.MessageAttributes.userId?.StringValue)).toEqual(['ada']);
    expect(preview.entries[0]?.Message).toContain(kept.eventId);
    for (const outgrown of ['ada-1', 'bob-1'])
      expect(preview.entries.some((e) => e.Message.includes(outgrown))).toBe(false);
    expect(outbox.pendingEvents()).toHaveLength(3);
  });
});
