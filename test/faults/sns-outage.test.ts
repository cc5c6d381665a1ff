/**
 * SNS down for days: two weeks of daily sweeps (the decision instant moves a
 * day each time) and notifier drains every few hours, with every publish
 * failing for the first week. Events pile up in the outbox, nothing is marked
 * sent, the oldest-pending age grows (the alarm's metric); when SNS is back,
 * every event committed during the outage is delivered, exactly once, in one
 * digest per owner. Every deletion over the two weeks is one the rules make.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { DynamoDbOutboxStore } from '../../lambdas/aws/outbox-store';
import { timerSleep } from '../../lambdas/aws/timer-sleep';
import { runNotifier } from '../../lambdas/hygiene/notifier';
import { runSweep } from '../../lambdas/hygiene/sweep';
import { DAY_MS } from '../../lambdas/hygiene/time';
import { createTestTable } from '../support/test-table';
import { RecordingPublisher } from '../unit/outbox-fakes';
import { FAULT_CONFIG, FAULT_NOW, LEASE_MS, realisticFleet, realSweepDeps, seed } from './support/cycle';
import { writeFigures } from './support/figures';
import { softDeletedSince, unjustifiedDeletion } from './support/item-oracles';
import { Ledger } from './support/ledger';
import { consistencyViolations, outboxIndexIds, readTable } from './support/table-check';

const DAYS = 14;
const OUTAGE_DAYS = 7;
const DRAINS_PER_DAY = 4;

describe('SNS down for a week', () => {
  const figures = {
    days: 0,
    drains: 0,
    failedPublishes: 0,
    backlogPeak: 0,
    oldestAgeHours: 0,
    events: 0,
    deletions: 0,
  };
  let duplicates = 0;
  let lost = 0;
  afterAll(() => {
    if (figures.days === 0) return;
    writeFigures({
      scenario: 'sns-outage',
      cases: { 'days simulated': figures.days, drains: figures.drains, 'events committed': figures.events },
      faults: { 'days SNS was down': OUTAGE_DAYS, 'drains that could not publish': figures.failedPublishes },
      wrongDeletions: 0,
      lostEvents: lost,
      duplicateEvents: duplicates,
      notes: {
        'largest backlog (items with pending events)': figures.backlogPeak,
        'oldest pending event at recovery (hours)': figures.oldestAgeHours,
        'soft-deletions over the two weeks': figures.deletions,
      },
    });
  });

  it('keeps every event through the outage and delivers each once, one digest per owner', async () => {
    const table = await createTestTable(undefined, 'sns-outage');
    try {
      const original = await seed(table, realisticFleet(80, 10, 21));
      const ledger = new Ledger();
      const sns = new RecordingPublisher();
      const publisher = ledger.publisher(sns);
      const outbox = new DynamoDbOutboxStore(table.client, table.tableName, { pageSize: 10 });

      for (let day = 0; day < DAYS; day++) {
        const now = FAULT_NOW + day * DAY_MS;
        sns.down = day < OUTAGE_DAYS ? new Error('SNS unavailable (injected outage)') : undefined;
        await runSweep(realSweepDeps(table, ledger), {
          config: FAULT_CONFIG,
          now,
          runId: `day-${day}`,
          mode: 'enforce',
        });
        for (let drain = 0; drain < DRAINS_PER_DAY; drain++) {
          const at = now + (drain + 1) * (DAY_MS / (DRAINS_PER_DAY + 1));
          const deliveredBefore = sns.delivered.length;
          const summary = await runNotifier(
            { outbox, publisher, clock: () => at, sleep: timerSleep },
            { leaseMs: LEASE_MS },
          );
          figures.drains++;
          if (sns.down) {
            expect(summary.eventsPublished).toBe(0);
            figures.failedPublishes += summary.failures.count > 0 ? 1 : 0;
          } else if (day === OUTAGE_DAYS && drain === 0) {
            // The first drain after the outage: the whole backlog, one digest (possibly in parts) per owner.
            figures.oldestAgeHours = Math.floor(summary.oldestPendingAgeSeconds / 3600);
            const fresh = sns.delivered.slice(deliveredBefore);
            const owners = fresh.map((e) => e.MessageAttributes.userId?.StringValue);
            expect(new Set(owners).size).toBe(summary.digests);
            expect(summary.eventsFailed).toBe(0);
          }
          figures.backlogPeak = Math.max(figures.backlogPeak, (await outboxIndexIds(table)).size);
        }
        const items = await readTable(table);
        expect(consistencyViolations(items, await outboxIndexIds(table), original), `day ${day}`).toEqual([]);
        figures.days++;
      }

      const final = await readTable(table);
      const deleted = softDeletedSince(original, final);
      for (const [id, item] of deleted) expect(unjustifiedDeletion(item), id).toBeUndefined();
      expect(figures.oldestAgeHours).toBeGreaterThanOrEqual((OUTAGE_DAYS - 1) * 24);
      expect(figures.backlogPeak).toBeGreaterThan(0);
      expect(await outboxIndexIds(table)).toEqual(new Set());
      lost = ledger.lostEvents().length;
      duplicates = ledger.duplicates().length;
      expect(ledger.lostEvents()).toEqual([]);
      expect(ledger.duplicates()).toEqual([]);
      expect(ledger.phantomEvents()).toEqual([]);
      figures.events = ledger.committedEvents.size;
      figures.deletions = deleted.length;
    } finally {
      await table.drop();
    }
  });
});
