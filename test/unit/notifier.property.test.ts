/**
 * Property: whatever the publisher does (outages, per-entry failures), however
 * the process crashes between publish and mark, and whatever the sweep appends
 * meanwhile, every event is eventually delivered, never more than once per
 * crash, and without crashes exactly once.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { timerSleep } from '../../lambdas/aws/timer-sleep';
import type { OutboxEvent } from '../../lambdas/hygiene/events';
import { runNotifier } from '../../lambdas/hygiene/notifier';
import { InMemoryOutbox, outboxEvent, RecordingPublisher } from './outbox-fakes';
import { hash, eventKey as key } from './support/property-keys';

const T0 = Date.parse('2026-11-26T02:00:00.000Z');
const LEASE = 5 * 60_000;

const step = fc.record({
  down: fc.boolean(),
  /** Entries fail when (a hash of their id) mod 4 < failRate. */
  failRate: fc.integer({ min: 0, max: 4 }),
  crash: fc.boolean(),
  /** Events the sweep appends while this drain publishes. */
  append: fc.integer({ min: 0, max: 3 }),
  /** Minutes to the next drain. */
  gap: fc.integer({ min: 0, max: 20 }),
});

describe('runNotifier under faults (property)', () => {
  it('delivers every event, at most once per crash and exactly once without crashes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 1, max: 6 }),
        fc.array(step, { minLength: 1, maxLength: 6 }),
        async (credentials, owners, steps) => {
          const outbox = new InMemoryOutbox();
          const publisher = new RecordingPublisher();
          const all: OutboxEvent[] = [];
          let appended = 0;
          const append = (credentialNo: number) => {
            const credentialId = `pc-${credentialNo}`;
            const event = outboxEvent({
              credentialId,
              userId: `u-${credentialNo % owners}`,
              eventId: `e-${appended++}`,
            });
            outbox.append(credentialId, [event]);
            all.push(event);
          };
          for (let c = 0; c < credentials; c++) append(c);

          let now = T0;
          let crashes = 0;
          for (const [i, s] of steps.entries()) {
            let toAppend = s.append;
            publisher.down = s.down ? new Error('SNS down') : undefined;
            publisher.failEntry = (entry) => {
              // The sweep appends while the drain holds its lease.
              for (; toAppend > 0; toAppend--) append(hash(`${i}-${toAppend}`) % credentials);
              return hash(`${i}-${entry.Id}`) % 4 < s.failRate ? 'InternalError' : undefined;
            };
            outbox.beforeMark = s.crash
              ? () => {
                  throw new Error('killed between publish and mark');
                }
              : undefined;
            if (s.crash) crashes++;
            await runNotifier({ outbox, publisher, clock: () => now, sleep: timerSleep }, { leaseMs: LEASE });
            now += s.gap * 60_000;
          }
          // Then SNS is healthy and the process stays up: drains catch up.
          publisher.down = undefined;
          publisher.failEntry = undefined;
          outbox.beforeMark = undefined;
          for (let i = 0; i < 4 && outbox.pendingEvents().length > 0; i++) {
            now += LEASE;
            await runNotifier({ outbox, publisher, clock: () => now, sleep: timerSleep }, { leaseMs: LEASE });
          }

          expect(outbox.pendingEvents()).toEqual([]);
          const counts = new Map<string, number>();
          for (const doc of publisher.documents()) {
            for (const e of doc.events) counts.set(key(e), (counts.get(key(e)) ?? 0) + 1);
          }
          expect([...counts.keys()].sort()).toEqual(all.map(key).sort());
          for (const n of counts.values()) expect(n).toBeLessThanOrEqual(1 + crashes);
          if (crashes === 0) for (const n of counts.values()) expect(n).toBe(1);
        },
      ),
      { numRuns: 150 },
    );
  });
});
