/**
 * SNS down for a week while owners act on warnings they have not received yet:
 * the sns-outage scenario (daily sweeps, four drains a day, every publish
 * failing for the first seven days), and during the outage the platform
 * renews some credentials with a pending expiry warning (a later
 * `expiresTime`) and some stale-flagged ones with a pending stale warning are
 * used (`lastUsedAt`), each written as the platform writes it: one
 * `UpdateItem` of the seed field. Those warnings are superseded: the drain
 * removes them unpublished (docs/notifications.md, "One drain", step 4, and
 * "Drain summary"). Four credentials seeded beside the fleet hold a stale and
 * an expiry warning at once: two are renewed, two used, so the warning they
 * did not outgrow must still go out (the fleet alone never has a second event
 * pending when one is outgrown). The ledger tells superseded events from lost
 * ones. The truly independent checks are the scenario's own: only the ids it
 * renewed or used lose a warning, and every other event pending on them then
 * is published once. The oracle (`support/item-oracles.ts`) restates the
 * notifier's rule from the same specification, more loosely, and judges each
 * supersession from the credential as the scenario left it. Every other
 * event is delivered once and every deletion is one the rules make.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { DynamoDbOutboxStore } from '../../lambdas/aws/outbox-store';
import { timerSleep } from '../../lambdas/aws/timer-sleep';
import type { EventType, OutboxEvent } from '../../lambdas/hygiene/events';
import { runNotifier } from '../../lambdas/hygiene/notifier';
import { readPendingItem } from '../../lambdas/hygiene/outbox-item';
import { runSweep } from '../../lambdas/hygiene/sweep';
import { addDays, DAY_MS, formatInstant } from '../../lambdas/hygiene/time';
import { setItemAttribute } from '../support/items';
import { createTestTable, type TestTable } from '../support/test-table';
import { RecordingPublisher } from '../unit/outbox-fakes';
import { FAULT_CONFIG, FAULT_NOW, LEASE_MS, realisticFleet, realSweepDeps, seed } from './support/cycle';
import { writeFigures } from './support/figures';
import { softDeletedSince, unjustifiedDeletion } from './support/item-oracles';
import { eventKey, Ledger } from './support/ledger';
import { consistencyViolations, outboxIndexIds, readTable } from './support/table-check';

const DAYS = 14;
const OUTAGE_DAYS = 7;
const DRAINS_PER_DAY = 4;
/** Owners act an hour after the day's sweep, before its first drain. */
const ACT_AFTER_MS = 60 * 60_000;

type Item = Record<string, unknown>;

/**
 * Credentials seeded to hold two warnings at once when the scenario acts on one: unused for 120 days and expiring
 * in 25, so the first sweep flags each stale and notices its expiry in one write (docs/rules.md, "Precedence").
 * The first two are renewed (their expiry warning is outgrown, their stale warning must go out), the other two
 * used (their stale warning is outgrown, their expiry warning must go out): a drain that removed an item's other
 * events with the one it outgrew would lose a warning (docs/notifications.md, "One drain", step 4).
 */
const TWO_WARNINGS = {
  renewed: ['two-warnings-renewed-1', 'two-warnings-renewed-2'],
  used: ['two-warnings-used-1', 'two-warnings-used-2'],
} as const;
const TWO_WARNING_IDS: readonly string[] = [...TWO_WARNINGS.renewed, ...TWO_WARNINGS.used];

/** One of the {@link TWO_WARNINGS} credentials: scoped and source-limited, so the base stale limit (90 days) applies. */
function twoWarningRecord(id: string): Item {
  const createdAt = formatInstant(addDays(FAULT_NOW, -400));
  return {
    id,
    clientId: `${id}@acme.conductor.one/pcc`,
    userId: 'two-warnings-owner',
    displayName: `two warnings ${id}`,
    createdAt,
    updatedAt: createdAt,
    lastUsedAt: formatInstant(addDays(FAULT_NOW, -120)),
    expiresTime: formatInstant(addDays(FAULT_NOW, 25)),
    allowSourceCidr: ['10.0.0.0/8'],
    scopedRoles: ['arn:aws:iam::123456789012:role/ReadOnlyAccess'],
  };
}

/** What the platform did to the credentials during the outage, by id. */
interface PlatformChanges {
  /** Given a later `expiresTime` while an expiry warning was pending. */
  readonly renewed: Set<string>;
  /** Used while a stale warning was pending. */
  readonly used: Set<string>;
  /** Every credential already considered (acted on or passed over): each is considered once. */
  readonly considered: Set<string>;
  /**
   * The events pending on a credential when it was renewed or used, other than the warning it outgrew: nothing
   * outgrew them, so each must be published exactly once.
   */
  readonly kept: OutboxEvent[];
}

/** The types of the events pending on an item. */
function pendingTypes(item: Item): Set<EventType> {
  return new Set((readPendingItem(item)?.events ?? []).map((event) => event.type));
}

/**
 * Every other live credential (by id) with a pending event of `type`, not considered before; all of them are
 * considered from now on, so those passed over keep their warning and get it when SNS is back.
 */
function everyOtherNew(
  items: ReadonlyMap<string, Item>,
  type: EventType,
  changes: PlatformChanges,
): string[] {
  const candidates = [...items]
    .filter(([id, item]) => item.deletedAt === undefined && !changes.considered.has(id))
    .filter(([, item]) => pendingTypes(item).has(type))
    .map(([id]) => id)
    .sort();
  for (const id of candidates) changes.considered.add(id);
  return candidates.filter((_, i) => i % 2 === 0);
}

/**
 * Renews `id` (a later `expiresTime`) or uses it (`lastUsedAt`) at `at`, and keeps the events pending on `item`
 * (as read before) other than the warning the change outgrows.
 */
async function act(
  table: TestTable,
  [id, item]: [string, Item],
  how: 'renew' | 'use',
  at: number,
  changes: PlatformChanges,
): Promise<void> {
  const outgrown: EventType = how === 'renew' ? 'expiry-warning' : 'stale-warning';
  if (how === 'renew') {
    await setItemAttribute(table.client, table.tableName, id, 'expiresTime', formatInstant(addDays(at, 365)));
    changes.renewed.add(id);
  } else {
    await setItemAttribute(table.client, table.tableName, id, 'lastUsedAt', formatInstant(at));
    changes.used.add(id);
  }
  changes.kept.push(...(readPendingItem(item)?.events ?? []).filter((event) => event.type !== outgrown));
}

/**
 * Renews, and uses, every other credential with a pending expiry, or stale, warning, at `at`; and each
 * {@link TWO_WARNINGS} credential once both its warnings are pending.
 */
async function actOnPendingWarnings(table: TestTable, at: number, changes: PlatformChanges): Promise<void> {
  const items = await readTable(table);
  const bothPending = (id: string): [string, Item][] => {
    const item = items.get(id);
    const types = item === undefined ? new Set() : pendingTypes(item);
    const due = types.has('expiry-warning') && types.has('stale-warning');
    return item !== undefined && due && !changes.renewed.has(id) && !changes.used.has(id) ? [[id, item]] : [];
  };
  for (const entry of TWO_WARNINGS.renewed.flatMap(bothPending))
    await act(table, entry, 'renew', at, changes);
  for (const entry of TWO_WARNINGS.used.flatMap(bothPending)) await act(table, entry, 'use', at, changes);
  for (const id of everyOtherNew(items, 'expiry-warning', changes)) {
    await act(table, [id, items.get(id) ?? {}], 'renew', at, changes);
  }
  for (const id of everyOtherNew(items, 'stale-warning', changes)) {
    await act(table, [id, items.get(id) ?? {}], 'use', at, changes);
  }
}

/** What the days counted. */
interface DaysFigures {
  days: number;
  drains: number;
  failedPublishes: number;
  /** Events the drains' summaries counted as superseded. */
  supersededBySummaries: number;
}

/** Runs the days: a sweep, the platform's changes while SNS is down, the day's drains, the consistency check. */
async function runDays(
  table: TestTable,
  ledger: Ledger,
  original: ReadonlyMap<string, Item>,
  changes: PlatformChanges,
  figures: DaysFigures,
): Promise<void> {
  const sns = new RecordingPublisher();
  const publisher = ledger.publisher(sns);
  const outbox = ledger.outbox(new DynamoDbOutboxStore(table.client, table.tableName, { pageSize: 10 }));
  for (let day = 0; day < DAYS; day++) {
    const now = FAULT_NOW + day * DAY_MS;
    sns.down = day < OUTAGE_DAYS ? new Error('SNS unavailable (injected outage)') : undefined;
    await runSweep(realSweepDeps(table, ledger), {
      config: FAULT_CONFIG,
      now,
      runId: `day-${day}`,
      mode: 'enforce',
    });
    if (sns.down) await actOnPendingWarnings(table, now + ACT_AFTER_MS, changes);
    for (let drain = 0; drain < DRAINS_PER_DAY; drain++) {
      const at = now + (drain + 1) * (DAY_MS / (DRAINS_PER_DAY + 1));
      const summary = await runNotifier(
        { outbox, publisher, clock: () => at, sleep: timerSleep },
        { leaseMs: LEASE_MS },
      );
      figures.drains++;
      figures.supersededBySummaries += summary.supersededEvents;
      if (sns.down) {
        expect(summary.eventsPublished).toBe(0);
        figures.failedPublishes += summary.failures.count > 0 ? 1 : 0;
      }
    }
    const items = await readTable(table);
    expect(consistencyViolations(items, await outboxIndexIds(table), original), `day ${day}`).toEqual([]);
    figures.days++;
  }
}

/** The credential ids of events of `type`. */
function idsOf(events: readonly OutboxEvent[], type: EventType): string[] {
  return events.filter((event) => event.type === type).map((event) => event.credentialId);
}

/**
 * The scenario's own check, independent of any rule: each {@link TWO_WARNINGS} credential was acted on with its
 * other warning pending, and every event kept on a renewed or used credential was published exactly once.
 */
function expectKeptPublishedOnce(changes: PlatformChanges, ledger: Ledger): void {
  const keptTypes = (id: string) => changes.kept.filter((e) => e.credentialId === id).map((e) => e.type);
  for (const id of TWO_WARNINGS.renewed) expect(keptTypes(id), `${id} renewed`).toEqual(['stale-warning']);
  for (const id of TWO_WARNINGS.used) expect(keptTypes(id), `${id} used`).toEqual(['expiry-warning']);
  const notOnce = changes.kept.flatMap((event) => {
    const times = ledger.publishedEvents.get(eventKey(event)) ?? 0;
    return times === 1 ? [] : [`${eventKey(event)} (${event.type}) published ${times} times`];
  });
  expect(notOnce).toEqual([]);
}

describe('SNS down for a week while credentials are renewed and used', () => {
  const figures: DaysFigures = { days: 0, drains: 0, failedPublishes: 0, supersededBySummaries: 0 };
  const outcome = {
    renewed: 0,
    used: 0,
    kept: 0,
    events: 0,
    expiry: 0,
    stale: 0,
    illegitimate: 0,
    wrong: 0,
    lost: 0,
    dup: 0,
  };
  afterAll(() => {
    if (figures.days === 0) return;
    writeFigures({
      scenario: 'sns-outage-renewals',
      cases: { 'days simulated': figures.days, drains: figures.drains, 'events committed': outcome.events },
      faults: {
        'days SNS was down': OUTAGE_DAYS,
        'drains that could not publish': figures.failedPublishes,
        'credentials renewed during the outage': outcome.renewed,
        'stale-flagged credentials used during the outage': outcome.used,
      },
      wrongDeletions: outcome.wrong,
      lostEvents: outcome.lost,
      duplicateEvents: outcome.dup,
      notes: {
        'expiry warnings superseded': outcome.expiry,
        'stale warnings superseded': outcome.stale,
        'supersessions the oracle found illegitimate': outcome.illegitimate,
        'other events pending on renewed or used credentials (each published once)': outcome.kept,
      },
    });
  });

  it('removes the outgrown warnings unpublished, legitimately, and delivers every other event once', async () => {
    const table = await createTestTable(undefined, 'sns-outage-renewals');
    try {
      const fleet = [...realisticFleet(80, 10, 21), ...TWO_WARNING_IDS.map(twoWarningRecord)];
      const original = await seed(table, fleet);
      const ledger = new Ledger();
      // The seeded pairs are acted on as TWO_WARNINGS says, never picked by the fleet's every-other choice.
      const changes: PlatformChanges = {
        renewed: new Set(),
        used: new Set(),
        considered: new Set(TWO_WARNING_IDS),
        kept: [],
      };
      await runDays(table, ledger, original, changes, figures);

      const final = await readTable(table);
      const superseded = ledger.supersededEvents();
      const deleted = softDeletedSince(original, final);
      Object.assign(outcome, {
        renewed: changes.renewed.size,
        used: changes.used.size,
        kept: changes.kept.length,
        events: ledger.committedEvents.size,
        expiry: idsOf(superseded, 'expiry-warning').length,
        stale: idsOf(superseded, 'stale-warning').length,
        illegitimate: ledger.illegitimateSupersessions(final).length,
        wrong: deleted.filter(([, item]) => unjustifiedDeletion(item) !== undefined).length,
        lost: ledger.lostEvents().length,
        dup: ledger.duplicates().length,
      });
      expect(outcome.expiry).toBeGreaterThan(0);
      expect(outcome.stale).toBeGreaterThan(0);
      // The independent checks: what the scenario did explains each supersession, and nothing more went.
      expectKeptPublishedOnce(changes, ledger);
      expect(idsOf(superseded, 'expiry-warning').filter((id) => !changes.renewed.has(id))).toEqual([]);
      expect(idsOf(superseded, 'stale-warning').filter((id) => !changes.used.has(id))).toEqual([]);
      expect(superseded.filter((e) => e.type !== 'expiry-warning' && e.type !== 'stale-warning')).toEqual([]);
      // The oracle's restatement of the rule, judged on the final state (item-oracles.ts says how it is looser).
      expect(ledger.illegitimateSupersessions(final)).toEqual([]);
      // The drains' own count agrees with the ledger's (no mark failed here, so none was screened twice).
      expect(figures.supersededBySummaries).toBe(superseded.length);
      for (const [id, item] of deleted) expect(unjustifiedDeletion(item), id).toBeUndefined();
      expect(await outboxIndexIds(table)).toEqual(new Set());
      expect(ledger.lostEvents()).toEqual([]);
      expect(ledger.duplicates()).toEqual([]);
      expect(ledger.phantomEvents()).toEqual([]);
    } finally {
      await table.drop();
    }
  });
});
