/**
 * The drain lease and the batched read/mark path of the notifier
 * (docs/notifications.md, "The outbox protocol"), over the in-memory fakes:
 * one lease per drain, none for an empty outbox, none taken while another
 * drain holds it, renewed before a chunk once half is gone, kept when a
 * published event could not be marked, kept (or found lost) before the admin
 * report; reads and marks are one call per chunk. A drain that meets another's
 * live lease names its holder and end in its summary (`leaseHeld`).
 */
import { describe, expect, it } from 'vitest';
import { timerSleep } from '../../lambdas/aws/timer-sleep';
import { runNotifier } from '../../lambdas/hygiene/notifier';
import type { LeaseRequest, MarkRequest } from '../../lambdas/hygiene/outbox-ports';
import { requireInstant } from '../../lambdas/hygiene/time';
import { InMemoryOutbox, outboxEvent, RecordingPublisher } from './outbox-fakes';
import { InMemoryOwnerDirectory } from './owner-directory-fake';

const T0 = requireInstant('2026-11-26T02:00:00.000Z', 'now');
const MINUTE = 60_000;

/** An in-memory outbox that records every lease request, read and mark call. */
function recordingOutbox() {
  const outbox = new InMemoryOutbox();
  const leases: LeaseRequest[] = [];
  const reads: string[][] = [];
  const marks: MarkRequest[][] = [];
  const acquire = outbox.acquireLease.bind(outbox);
  const read = outbox.read.bind(outbox);
  const mark = outbox.markSent.bind(outbox);
  outbox.acquireLease = (request) => {
    leases.push(request);
    return acquire(request);
  };
  outbox.read = (ids) => {
    reads.push([...ids]);
    return read(ids);
  };
  outbox.markSent = (requests) => {
    marks.push([...requests]);
    return mark(requests);
  };
  return { outbox, leases, reads, marks };
}

function seed(outbox: InMemoryOutbox, owners: number): void {
  for (let o = 0; o < owners; o++) {
    const event = outboxEvent({ credentialId: `pc-${o}`, userId: `user-${o}` });
    outbox.append(event.credentialId, [event]);
  }
}

describe('the drain lease', () => {
  it('takes one lease per drain, reads and marks each chunk in one call, and releases the lease', async () => {
    const { outbox, leases, reads, marks } = recordingOutbox();
    seed(outbox, 45);
    const publisher = new RecordingPublisher();

    const summary = await runNotifier(
      { outbox, publisher, clock: () => T0, sleep: timerSleep },
      { drainId: 'd1', readBatchItems: 20 },
    );

    expect(summary).toMatchObject({ eventsPublished: 45, claimConflicts: 0, storeErrors: 0 });
    expect(summary).not.toHaveProperty('leaseHeld');
    expect(leases).toEqual([{ drainId: 'd1', now: T0, leaseUntil: T0 + 5 * MINUTE }]);
    // Whole groups of 10 owners, at most 20 items a chunk: 20, 20, 5.
    expect(reads.map((ids) => ids.length)).toEqual([20, 20, 5]);
    expect(marks.map((requests) => requests.length).sort((a, b) => a - b)).toEqual([5, 20, 20]);
    expect(publisher.calls).toHaveLength(5);
    expect(outbox.lease).toBeUndefined();
    expect(outbox.pendingEvents()).toEqual([]);
  });

  it('takes no lease and makes no write when the outbox is empty', async () => {
    const { outbox, leases } = recordingOutbox();

    const summary = await runNotifier({
      outbox,
      publisher: new RecordingPublisher(),
      clock: () => T0,
      sleep: timerSleep,
    });

    expect(summary).toMatchObject({ pendingItems: 0, eventsPublished: 0 });
    expect(leases).toEqual([]);
  });

  it('publishes nothing while another drain holds the lease, counting every listed item as a conflict', async () => {
    const { outbox, reads } = recordingOutbox();
    seed(outbox, 3);
    await outbox.acquireLease({ drainId: 'other', now: T0, leaseUntil: T0 + 5 * MINUTE });
    const publisher = new RecordingPublisher();

    const held = await runNotifier(
      { outbox, publisher, clock: () => T0 + MINUTE, sleep: timerSleep },
      { drainId: 'd2' },
    );
    const lapsed = await runNotifier(
      { outbox, publisher, clock: () => T0 + 5 * MINUTE, sleep: timerSleep },
      { drainId: 'd3' },
    );

    expect(held).toMatchObject({ pendingItems: 3, claimConflicts: 3, eventsPublished: 0 });
    // Who holds it and until when, for the operator (the drain's own status is unchanged: the Lambda's log line).
    expect(held.leaseHeld).toEqual({ holder: 'other', until: '2026-11-26T02:05:00.000Z' });
    expect(held.status).toBe('complete');
    expect(reads).toHaveLength(1);
    expect(lapsed).toMatchObject({ claimConflicts: 0, eventsPublished: 3 });
    expect(lapsed).not.toHaveProperty('leaseHeld');
    expect(outbox.lease).toBeUndefined();
  });

  it('publishes nothing when the lease write fails, counting a store error, not a conflict', async () => {
    const { outbox } = recordingOutbox();
    seed(outbox, 2);
    outbox.acquireLease = async () => {
      throw new Error('throttled');
    };
    const publisher = new RecordingPublisher();

    const summary = await runNotifier({ outbox, publisher, clock: () => T0, sleep: timerSleep });

    expect(summary).toMatchObject({ pendingItems: 2, claimConflicts: 0, storeErrors: 1, eventsPublished: 0 });
    // A failed write is no other drain's lease.
    expect(summary).not.toHaveProperty('leaseHeld');
    expect(publisher.calls).toEqual([]);
    expect(outbox.pendingEvents()).toHaveLength(2);
  });

  it('keeps the lease until it lapses when a published event could not be marked', async () => {
    const { outbox } = recordingOutbox();
    seed(outbox, 2);
    outbox.markSent = async () => {
      throw new Error('connection reset');
    };

    const summary = await runNotifier(
      { outbox, publisher: new RecordingPublisher(), clock: () => T0, sleep: timerSleep },
      { drainId: 'd1', leaseMs: 5 * MINUTE },
    );

    expect(summary).toMatchObject({ eventsPublished: 2, storeErrors: 2 });
    expect(outbox.lease).toEqual({ holder: 'd1', until: T0 + 5 * MINUTE });
    expect(outbox.pendingEvents()).toHaveLength(2);
  });

  it('renews the lease before a chunk once less than half is left, and stops when it was lost', async () => {
    const { outbox, leases } = recordingOutbox();
    seed(outbox, 50);
    let now = T0;
    const publisher = new RecordingPublisher();
    // Each publish call takes two minutes of the drain's clock; one chunk (10 owners) at a time.
    const publish = publisher.publishBatch.bind(publisher);
    publisher.publishBatch = async (entries) => {
      now += 2 * MINUTE;
      if (now === T0 + 8 * MINUTE) outbox.lease = { holder: 'thief', until: now + 5 * MINUTE };
      return publish(entries);
    };

    const summary = await runNotifier(
      { outbox, publisher, clock: () => now, sleep: timerSleep },
      { drainId: 'd1', leaseMs: 5 * MINUTE, readBatchItems: 10, groupConcurrency: 1 },
    );

    // Chunks start at T0 (lease taken until T0+5), T0+2 (3 of 5 minutes left: kept), T0+4 (1 left:
    // renewed until T0+9), T0+6 (kept); then another drain takes the lease, and at T0+8 the renewal fails.
    expect(leases.map((l) => [(l.now - T0) / MINUTE, (l.leaseUntil - T0) / MINUTE])).toEqual([
      [0, 5],
      [4, 9],
      [8, 13],
    ]);
    expect(summary).toMatchObject({ status: 'incomplete', eventsPublished: 40 });
    expect(summary.leaseHeld).toEqual({ holder: 'thief', until: '2026-11-26T02:13:00.000Z' });
    expect(outbox.pendingEvents()).toHaveLength(10);
    // Not this drain's any more: left to its holder.
    expect(outbox.lease?.holder).toBe('thief');
  });

  describe('before the admin report', () => {
    /** `ghost` is not in the directory (their items wait for the report), `ada` is reachable. */
    function unreachableSetup() {
      const recorded = recordingOutbox();
      for (const userId of ['ghost', 'ada']) {
        const event = outboxEvent({ credentialId: `pc-${userId}`, userId });
        recorded.outbox.append(event.credentialId, [event]);
      }
      const directory = new InMemoryOwnerDirectory([
        { userId: 'ada', email: 'ada@example.com', status: 'active', subscription: 'confirmed' },
      ]);
      return { ...recorded, directory };
    }

    /** The audience (and owner) of each delivered message. */
    function audiences(publisher: RecordingPublisher): string[] {
      return publisher.delivered.map(
        (e) =>
          `${e.MessageAttributes.audience?.StringValue}:${e.MessageAttributes.userId?.StringValue ?? '-'}`,
      );
    }

    it('sends no report and marks nothing waiting for it when the lease was lost: its events count as failed', async () => {
      const { outbox, leases, directory } = unreachableSetup();
      let now = T0;
      const publisher = new RecordingPublisher();
      // Each publish call takes three minutes of the drain's clock; one owner a chunk.
      const publish = publisher.publishBatch.bind(publisher);
      publisher.publishBatch = async (entries) => {
        now += 3 * MINUTE;
        return publish(entries);
      };
      const acquire = outbox.acquireLease;
      outbox.acquireLease = async (request) => {
        // Another drain takes the lease just before this drain renews it.
        if (leases.length === 1) outbox.lease = { holder: 'thief', until: request.now + 5 * MINUTE };
        return acquire(request);
      };

      const summary = await runNotifier(
        { outbox, publisher, clock: () => now, directory, sleep: timerSleep },
        { drainId: 'd1', leaseMs: 5 * MINUTE, readBatchItems: 1, maxBatchEntries: 1, groupConcurrency: 1 },
      );

      // ghost's chunk at T0 (published, waiting for the report); ada's at T0+3: renewal refused.
      expect(leases.map((l) => (l.now - T0) / MINUTE)).toEqual([0, 3]);
      expect(audiences(publisher)).toEqual(['owner:ghost']);
      // ghost was judged unreachable (counted), but not reported: the summary says so, not that the admins were told.
      expect(summary).toMatchObject({
        status: 'incomplete',
        reportParts: 0,
        unreachableOwners: 1,
        unreachableReasons: expect.objectContaining({ 'not-in-directory': 1 }),
        unreachableEvents: 1,
        unreportedEvents: 1,
      });
      // What the report would have carried counts as failed, naming why: the CLI exits 1, the handler warns.
      expect(summary).toMatchObject({ eventsFailed: 1, storeErrors: 0 });
      expect(summary.failures.records).toEqual([
        {
          userId: 'ghost',
          code: 'DrainLeaseLost',
          message: expect.stringMatching(/^admin report: not sent: the drain lost its lease before it \(/),
          senderFault: false,
          events: 1,
        },
      ]);
      // Nothing marked after the loss: ghost's event waits for the next drain (its digest again, and the report).
      expect(
        outbox
          .pendingEvents()
          .map((e) => e.credentialId)
          .sort(),
      ).toEqual(['pc-ada', 'pc-ghost']);
      expect(outbox.lease?.holder).toBe('thief');
    });

    it('renews the lease when less than half is left, then reports and marks', async () => {
      const { outbox, leases, directory } = unreachableSetup();
      let now = T0;
      const publisher = new RecordingPublisher();
      const publish = publisher.publishBatch.bind(publisher);
      publisher.publishBatch = async (entries) => {
        now += 3 * MINUTE;
        return publish(entries);
      };

      const summary = await runNotifier(
        { outbox, publisher, clock: () => now, directory, sleep: timerSleep },
        { drainId: 'd1', leaseMs: 5 * MINUTE },
      );

      // One chunk at T0 (both digests in one call); at T0+3 two minutes are left: renewed before the report.
      expect(leases.map((l) => (l.now - T0) / MINUTE)).toEqual([0, 3]);
      expect(audiences(publisher).sort()).toEqual(['admin:-', 'owner:ada', 'owner:ghost']);
      expect(summary).toMatchObject({
        status: 'complete',
        reportParts: 1,
        unreachableEvents: 1,
        unreportedEvents: 0,
      });
      expect(outbox.pendingEvents()).toEqual([]);
      expect(outbox.lease).toBeUndefined();
    });

    it('sends no report once the time budget is spent (its events count as failed), and keeps the lease until it lapses', async () => {
      const { outbox, directory } = unreachableSetup();
      const publisher = new RecordingPublisher();
      let remaining = 60_000;
      const publish = publisher.publishBatch.bind(publisher);
      publisher.publishBatch = async (entries) => {
        // The chunk's publish used up the rest of the budget.
        remaining = 0;
        return publish(entries);
      };

      const summary = await runNotifier(
        { outbox, publisher, clock: () => T0, directory, remainingMs: () => remaining, sleep: timerSleep },
        { drainId: 'd1', leaseMs: 5 * MINUTE },
      );

      expect(audiences(publisher).sort()).toEqual(['owner:ada', 'owner:ghost']);
      expect(summary).toMatchObject({
        status: 'incomplete',
        reportParts: 0,
        eventsPublished: 2,
        eventsFailed: 1,
        unreachableEvents: 1,
        unreportedEvents: 1,
      });
      expect(summary.failures.records).toEqual([
        {
          userId: 'ghost',
          code: 'TimeBudgetSpent',
          message: expect.stringMatching(
            /^admin report: not sent: the drain's time budget was spent before it;/,
          ),
          senderFault: false,
          events: 1,
        },
      ]);
      // ada's item was marked with its chunk; ghost's waits for the report of a later drain.
      expect(outbox.pendingEvents().map((e) => e.credentialId)).toEqual(['pc-ghost']);
      expect(outbox.lease).toEqual({ holder: 'd1', until: T0 + 5 * MINUTE });
    });
  });
});
