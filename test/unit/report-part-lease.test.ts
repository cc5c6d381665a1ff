/**
 * The drain lease after an admin report that went out only in part
 * (docs/notifications.md, "At-least-once, and the duplicate window"): an
 * unreachable owner's digest was published, its report part was not accepted
 * (held back by the pacing at the end of the time budget, or failed), so its
 * events stay pending — and the lease is kept until it lapses, as when the
 * report is not started, so the next drain does not publish the digest again
 * at once. A report part that carried only mismatched events (never published)
 * keeps nothing: the lease is released.
 */
import { describe, expect, it } from 'vitest';
import type { PublishEntry } from '../../lambdas/aws/sns-wire';
import { timerSleep } from '../../lambdas/aws/timer-sleep';
import { type NotifierOptions, runNotifier } from '../../lambdas/hygiene/notifier';
import { requireInstant } from '../../lambdas/hygiene/time';
import { InMemoryOutbox, outboxEvent, RecordingPublisher } from './outbox-fakes';
import { InMemoryOwnerDirectory, reachableOwner } from './owner-directory-fake';
import { VirtualTime } from './support/virtual-time';

const T0 = requireInstant('2026-11-26T02:00:00.000Z', 'now');
const LEASE_MS = 5 * 60_000;
const audienceOf = (entry: PublishEntry) => entry.MessageAttributes.audience?.StringValue;

/** `owners` owners not in the directory, two credentials each: their items wait for the report. */
function seedUnreachable(outbox: InMemoryOutbox, owners: number): void {
  for (let u = 0; u < owners; u++)
    for (let i = 0; i < 2; i++) {
      const event = outboxEvent({ credentialId: `gone-${u}-pc${i}`, userId: `gone-${u}` });
      outbox.append(event.credentialId, [event]);
    }
}

describe('the lease after a report sent in part', () => {
  it('is kept until it lapses when report parts were held back by the pacing at the end of the budget', async () => {
    const time = new VirtualTime(T0);
    const outbox = new InMemoryOutbox();
    const publisher = new RecordingPublisher();
    seedUnreachable(outbox, 30);
    const end = T0 + 1_000;
    // Small messages: the report splits into many parts, 200 ms apart; the budget ends after a few.
    const options: NotifierOptions = {
      maxMessageBytes: 6_000,
      stopMarginMs: 0,
      drainId: 'd1',
      leaseMs: LEASE_MS,
    };

    const summary = await time.run(
      runNotifier(
        {
          outbox,
          publisher,
          clock: time.clock,
          sleep: time.sleep,
          directory: new InMemoryOwnerDirectory([reachableOwner('alice')]),
          remainingMs: () => end - time.now,
        },
        options,
      ),
    );

    expect(summary.status).toBe('incomplete');
    expect(summary.reportParts).toBeGreaterThan(0);
    expect(summary.unreportedEvents).toBeGreaterThan(0);
    expect(summary.failures.records).toEqual(
      expect.arrayContaining([expect.objectContaining({ code: 'TimeBudgetSpent' })]),
    );
    expect(outbox.pendingEvents()).toHaveLength(summary.unreportedEvents);
    expect(outbox.lease).toEqual({ holder: 'd1', until: T0 + LEASE_MS });
  });

  it('is kept until it lapses when a report part failed after the digest went out', async () => {
    const outbox = new InMemoryOutbox();
    const publisher = new RecordingPublisher();
    seedUnreachable(outbox, 1);
    publisher.failEntry = (entry) => (audienceOf(entry) === 'admin' ? 'InternalError' : undefined);

    const summary = await runNotifier(
      { outbox, publisher, clock: () => T0, directory: new InMemoryOwnerDirectory([]), sleep: timerSleep },
      { drainId: 'd1', leaseMs: LEASE_MS },
    );

    expect(summary).toMatchObject({
      eventsPublished: 2,
      reportParts: 0,
      unreportedEvents: 2,
      storeErrors: 0,
    });
    expect(outbox.pendingEvents()).toHaveLength(2);
    expect(outbox.lease).toEqual({ holder: 'd1', until: T0 + LEASE_MS });
  });

  it('is released when the failed part carried only mismatched events, which were never published', async () => {
    const outbox = new InMemoryOutbox();
    const publisher = new RecordingPublisher();
    const forged = outboxEvent({ credentialId: 'b1', userId: 'mallory', eventId: 'forged-1' });
    outbox.append('b1', [outboxEvent({ credentialId: 'b1', userId: 'bob' }), forged]);
    publisher.failEntry = (entry) => (audienceOf(entry) === 'admin' ? 'InternalError' : undefined);

    const summary = await runNotifier(
      {
        outbox,
        publisher,
        clock: () => T0,
        directory: new InMemoryOwnerDirectory([reachableOwner('bob')]),
        sleep: timerSleep,
      },
      { drainId: 'd1', leaseMs: LEASE_MS },
    );

    expect(summary).toMatchObject({ eventsPublished: 1, eventsFailed: 1, invalidEvents: 1, reportParts: 0 });
    expect(outbox.pendingEvents()).toEqual([forged]);
    expect(outbox.lease).toBeUndefined();
  });
});
