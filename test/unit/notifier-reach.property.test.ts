/**
 * Property (docs/notifications.md, "Owner reach"): whatever the directory
 * says about each owner, whichever route is configured, whatever fails to
 * publish and wherever the process dies between publish and mark, once the
 * drains have caught up every event is either in a digest of its own owner
 * who is reachable, or in the owner-unreachable report (under its owner with
 * the right reason, or as an invalid event when it names another owner) —
 * never neither, and never in another owner's digest.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PublishEntry } from '../../lambdas/aws/sns-wire';
import { timerSleep } from '../../lambdas/aws/timer-sleep';
import type { OutboxEvent } from '../../lambdas/hygiene/events';
import { runNotifier } from '../../lambdas/hygiene/notifier';
import {
  OWNER_DELIVERY_ROUTES,
  type OwnerRecord,
  reachabilityOf,
} from '../../lambdas/hygiene/owner-directory';
import type { UnreachableReportDocument } from '../../lambdas/hygiene/unreachable-report';
import { deliveredDocument } from '../support/sns-delivery';
import { InMemoryOutbox, outboxEvent, RecordingPublisher } from './outbox-fakes';
import { InMemoryOwnerDirectory } from './owner-directory-fake';
import { hash, eventKey as key } from './support/property-keys';

const T0 = Date.parse('2026-11-26T02:00:00.000Z');
const LEASE = 5 * 60_000;

/** What the directory holds for one owner. */
const ownerState = fc.constantFrom(
  'absent',
  'reachable',
  'departed',
  'no-email',
  'pending',
  'unsubscribed',
  'no-subscription',
  'bouncing',
);

function record(userId: string, state: string): OwnerRecord | undefined {
  const base: OwnerRecord = {
    userId,
    email: `${userId}@example.com`,
    status: 'active',
    subscription: 'confirmed',
  };
  switch (state) {
    case 'absent':
      return undefined;
    case 'departed':
      return { ...base, status: 'departed' };
    case 'no-email':
      return { userId, status: 'active', subscription: 'confirmed' };
    case 'pending':
      return { ...base, subscription: 'pending' };
    case 'unsubscribed':
      return { ...base, subscription: 'unsubscribed' };
    case 'no-subscription':
      return { userId, email: base.email, status: 'active' };
    case 'bouncing':
      return { ...base, bouncingSince: '2026-11-01T00:00:00.000Z' };
    default:
      return base;
  }
}

const step = fc.record({
  /** Entries fail when (a hash of their id and audience) mod 4 < failRate. */
  failRate: fc.integer({ min: 0, max: 3 }),
  crash: fc.boolean(),
  gap: fc.integer({ min: 0, max: 20 }),
});

function documentOf<T>(entry: PublishEntry): T {
  return deliveredDocument<T>(entry.Message);
}

describe('owner reach (property)', () => {
  it('puts every event in its reachable owner’s digest or in the unreachable report, never neither', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(ownerState, { minLength: 1, maxLength: 6 }),
        fc.constantFrom(...OWNER_DELIVERY_ROUTES),
        fc.integer({ min: 1, max: 24 }),
        fc.array(fc.nat(), { maxLength: 4 }),
        fc.array(step, { minLength: 1, maxLength: 4 }),
        async (states, route, credentials, forgedOn, steps) => {
          const owners = states.map((state, i) => ({ userId: `u-${i}`, record: record(`u-${i}`, state) }));
          const directory = new InMemoryOwnerDirectory(owners.flatMap((o) => (o.record ? [o.record] : [])));
          const outbox = new InMemoryOutbox();
          const publisher = new RecordingPublisher();
          const genuine: OutboxEvent[] = [];
          const forged: OutboxEvent[] = [];
          for (let c = 0; c < credentials; c++) {
            const event = outboxEvent({
              credentialId: `pc-${c}`,
              userId: `u-${c % owners.length}`,
              eventId: `e-${c}`,
            });
            outbox.append(event.credentialId, [event]);
            genuine.push(event);
          }
          for (const [i, n] of forgedOn.entries()) {
            const c = n % credentials;
            const event = outboxEvent({
              credentialId: `pc-${c}`,
              userId: `intruder-${i}`,
              eventId: `forged-${i}`,
            });
            outbox.append(event.credentialId, [event]);
            forged.push(event);
          }

          let now = T0;
          const drain = () =>
            runNotifier(
              { outbox, publisher, clock: () => now, directory, sleep: timerSleep },
              { leaseMs: LEASE, ownerDelivery: route },
            );
          for (const [i, s] of steps.entries()) {
            publisher.failEntry = (entry) =>
              hash(`${i}-${entry.Id}-${entry.MessageAttributes.audience?.StringValue}`) % 4 < s.failRate
                ? 'InternalError'
                : undefined;
            outbox.beforeMark = s.crash
              ? () => {
                  throw new Error('killed between publish and mark');
                }
              : undefined;
            await drain();
            now += s.gap * 60_000;
          }
          publisher.failEntry = undefined;
          outbox.beforeMark = undefined;
          for (let i = 0; i < 4 && outbox.pendingEvents().length > 0; i++) {
            now += LEASE;
            await drain();
          }

          expect(outbox.pendingEvents()).toEqual([]);
          const digestOwners = new Map<string, Set<string>>();
          const reportedUnder = new Map<string, Set<string>>();
          const reportedInvalid = new Set<string>();
          for (const entry of publisher.delivered) {
            if (entry.MessageAttributes.audience?.StringValue === 'owner') {
              const doc = documentOf<{ userId: string; events: OutboxEvent[] }>(entry);
              for (const e of doc.events) {
                digestOwners.set(key(e), (digestOwners.get(key(e)) ?? new Set()).add(doc.userId));
              }
              continue;
            }
            const report = documentOf<UnreachableReportDocument>(entry);
            for (const owner of report.owners) {
              for (const e of owner.events) {
                reportedUnder.set(
                  key(e),
                  (reportedUnder.get(key(e)) ?? new Set()).add(`${owner.userId}:${owner.reason}`),
                );
              }
            }
            for (const invalid of report.invalidEvents) reportedInvalid.add(key(invalid.event));
          }
          for (const e of genuine) {
            const owner = owners.find((o) => o.userId === e.userId);
            const verdict = reachabilityOf(owner?.record, route);
            // Always the owner's own digest, and only theirs.
            expect([...(digestOwners.get(key(e)) ?? [])], key(e)).toEqual([e.userId]);
            if (verdict.reachable) expect(reportedUnder.has(key(e)), key(e)).toBe(false);
            else
              expect([...(reportedUnder.get(key(e)) ?? [])], key(e)).toEqual([
                `${e.userId}:${verdict.reason}`,
              ]);
            expect(reportedInvalid.has(key(e))).toBe(false);
          }
          for (const e of forged) {
            expect(digestOwners.has(key(e)), key(e)).toBe(false);
            expect(reportedInvalid.has(key(e)), key(e)).toBe(true);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
