/**
 * The sweep end to end against DynamoDB Local: the real scanner, writer and
 * checkpoint store; table state checked field by field after each run.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../lambdas/hygiene/config';
import {
  CHECKPOINT_ID,
  HISTORY_ATTR,
  OUTBOX_ATTR,
  PURGE_PENDING_ATTR,
} from '../../lambdas/hygiene/data-contract';
import type { RunSummary } from '../../lambdas/hygiene/run-summary';
import { runSweep, type SweepOptions } from '../../lambdas/hygiene/sweep';
import { putItems } from '../support/items';
import { createTestTable, type TestTable } from '../support/test-table';
import { credential, days, flaggedStale, NOW } from '../unit/support/credentials';
import { exportTable, sweepDeps, without } from './support/sweep-deps';

const NOW_ISO = days(0);
const config = parseConfig({ maxDeletePercent: 100, scanSegments: 3, writeConcurrency: 4 });

/** Seeds in every shape the reader must accept: offsets, fractions, unknown attributes. */
function seeds(): Record<string, unknown>[] {
  return [
    credential('a-healthy', { vendorField: { nested: [1, 'two'] } }),
    // Expired one hour ago, written with an offset.
    credential('b-expired', { expiresTime: '2026-06-01T13:00:00+02:00', vendorField: 'kept' }),
    credential('c-expiring', { expiresTime: '2026-06-06T12:00:00.250Z' }),
    credential('d-stale', { lastUsedAt: '2026-02-01T00:00:00.5Z' }),
    ...flaggedStale(),
    credential('g-deleted', {
      expiresTime: days(-30),
      deletedAt: days(-29),
      hygieneDeletedReason: 'expired',
    }),
    credential('h-exempt', { expiresTime: days(-1), hygieneExempt: true }),
    credential('j-open', { scopedRoles: [], allowSourceCidr: ['0.0.0.0/0'], lastUsedAt: days(-31) }),
    credential('k-noticed', {
      expiresTime: days(5),
      hygieneExpiryNoticeStage: 7,
      hygieneExpiryNoticeFor: days(5),
    }),
    // Invalid in different ways: never touched.
    { id: 'x-no-zone', userId: 'user-x', expiresTime: '2026-05-01T00:00:00' },
    { id: 'x-bad-cidr', userId: 'user-x', expiresTime: days(-5), allowSourceCidr: ['10.0.0.300/8'] },
    { id: 'x-number-date', userId: 'user-x', lastUsedAt: 1_700_000_000 },
    { id: 'x-no-user', expiresTime: days(-5) },
  ];
}

/** The one history entry this run appends (docs/data-model.md, "History"). */
function history(entry: { action: string; reason?: string }) {
  return { [HISTORY_ATTR]: [expect.objectContaining({ ...entry, at: NOW_ISO, runId: 'run-1' })] };
}

function run(table: TestTable, overrides: Partial<SweepOptions> = {}): Promise<RunSummary> {
  return runSweep(sweepDeps(table), { config, now: NOW, runId: 'run-1', mode: 'enforce', ...overrides });
}

describe('sweep against DynamoDB Local', () => {
  let table: TestTable;
  let before: Record<string, unknown>[];
  let after: Map<string, Record<string, unknown>>;
  let summary: RunSummary;
  const seeded = (id: string) => before.find((i) => i.id === id)!;
  const outboxAttrs = [OUTBOX_ATTR.events, OUTBOX_ATTR.owner, OUTBOX_ATTR.since];
  /** Seeded item `id` as this run leaves it after soft-deleting it for `reason` (outbox aside). */
  const softDeleted = (id: string, reason: 'expired' | 'stale') => ({
    ...seeded(id),
    deletedAt: NOW_ISO,
    updatedAt: NOW_ISO,
    hygieneDeletedReason: reason,
    hygieneDeletedByRun: 'run-1',
    ...history({ action: `delete-${reason}`, reason }),
  });

  beforeAll(async () => {
    table = await createTestTable(undefined, 'sweep');
    await putItems(table.client, table.tableName, seeds());
    before = await exportTable(table);
    summary = await run(table);
    after = new Map((await exportTable(table)).map((i) => [String(i.id), i]));
  });
  afterAll(() => table.drop());

  it('soft-deletes an expired credential, changing only deletedAt, updatedAt and bookkeeping', () => {
    expect(without(after.get('b-expired'), ...outboxAttrs)).toEqual(softDeleted('b-expired', 'expired'));
    // Stored compact (docs/data-model.md, "Outbox"): the item holds the credential id and owner.
    expect(after.get('b-expired')?.[OUTBOX_ATTR.events]).toEqual([
      {
        eventId: `deleted-expired:${NOW_ISO}`,
        type: 'deleted-expired',
        expiresTime: '2026-06-01T11:00:00.000Z',
        reason: 'expired',
        runId: 'run-1',
        occurredAt: NOW_ISO,
      },
    ]);
    expect(after.get('b-expired')).toMatchObject({
      hygieneOutboxOwner: 'user-b',
      hygieneOutboxSince: NOW_ISO,
    });
  });

  it('records an expiry notice for the most urgent stage, with its event', () => {
    expect(without(after.get('c-expiring'), ...outboxAttrs)).toEqual({
      ...seeded('c-expiring'),
      hygieneExpiryNoticeStage: 7,
      hygieneExpiryNoticeFor: '2026-06-06T12:00:00.250Z',
      ...history({ action: 'notify-expiry' }),
    });
    expect(after.get('c-expiring')?.[OUTBOX_ATTR.events]).toEqual([
      expect.objectContaining({ type: 'expiry-warning', stageDays: 7 }),
    ]);
  });

  it('flags stale credentials with the grace period, by tier', () => {
    for (const id of ['d-stale', 'j-open']) {
      expect(without(after.get(id), ...outboxAttrs)).toEqual({
        ...seeded(id),
        hygieneStaleFlaggedAt: NOW_ISO,
        hygieneStaleDeleteAfter: days(14),
        ...history({ action: 'flag-stale' }),
      });
      expect(after.get(id)?.[OUTBOX_ATTR.events]).toEqual([
        expect.objectContaining({ type: 'stale-warning', deleteAfter: days(14) }),
      ]);
    }
  });

  it('soft-deletes a flagged credential still unused after its grace period', () => {
    expect(without(after.get('e-flagged-due'), ...outboxAttrs)).toEqual(
      softDeleted('e-flagged-due', 'stale'),
    );
    expect(after.get('e-flagged-due')?.[OUTBOX_ATTR.events]).toEqual([
      expect.objectContaining({ type: 'deleted-stale', deleteAfter: days(-6) }),
    ]);
  });

  it('clears the flag of a credential used again, silently', () => {
    expect(after.get('f-used-again')).toEqual({
      ...without(seeded('f-used-again'), 'hygieneStaleFlaggedAt', 'hygieneStaleDeleteAfter'),
      ...history({ action: 'unflag-stale', reason: 'used-since-flagged' }),
    });
  });

  it('leaves healthy, already deleted, exempt, already noticed and invalid items byte for byte', () => {
    for (const id of [
      'a-healthy',
      'g-deleted',
      'h-exempt',
      'k-noticed',
      'x-no-zone',
      'x-bad-cidr',
      'x-number-date',
      'x-no-user',
    ]) {
      expect(after.get(id)).toEqual(seeded(id));
    }
  });

  it('summarizes the run', () => {
    expect(summary).toMatchObject({
      status: 'complete',
      scanned: 14,
      valid: 10,
      alreadyDeleted: 1,
      activeValid: 9,
      planned: {
        'notify-expiry': 1,
        'delete-expired': 1,
        'flag-stale': 2,
        'delete-stale': 1,
        'unflag-stale': 1,
      },
      applied: {
        'notify-expiry': 1,
        'delete-expired': 1,
        'flag-stale': 2,
        'delete-stale': 1,
        'unflag-stale': 1,
      },
      skippedChanged: { count: 0 },
      failed: { count: 0 },
      events: { queued: true, total: 5, owners: 5 },
      checkpoint: { resumed: false, saved: false, cleared: false, segments: 3 },
    });
    expect(summary.invalid.records.map((r) => r.id).sort()).toEqual([
      'x-bad-cidr',
      'x-no-user',
      'x-no-zone',
      'x-number-date',
    ]);
    expect(after.has(CHECKPOINT_ID)).toBe(false);
  });

  it('changes nothing when run again with the same now', async () => {
    const first = await exportTable(table);

    const second = await run(table, { runId: 'run-2' });

    expect(await exportTable(table)).toEqual(first);
    expect(Object.values(second.planned).every((n) => n === 0)).toBe(true);
    expect(second.alreadyDeleted).toBe(3);
  });
});

describe('sweep modes and guard against DynamoDB Local', () => {
  let table: TestTable;
  beforeEach(async () => {
    table = await createTestTable(undefined, 'sweep-modes');
    await putItems(table.client, table.tableName, seeds());
  });
  afterEach(() => table.drop());

  it('audit mode leaves the table export identical', async () => {
    const before = await exportTable(table);

    const summary = await run(table, { mode: 'audit' });

    expect(await exportTable(table)).toEqual(before);
    expect(summary.applied['delete-expired']).toBe(1);
    expect(summary.events).toMatchObject({ queued: false, total: 5 });
  });

  it('a tripped guard makes zero deletions but still flags and notices', async () => {
    const summary = await run(table, { config: { ...config, maxDeletesPerRun: 1 } });

    const items = await exportTable(table);
    expect(items.filter((i) => i.deletedAt !== undefined).map((i) => i.id)).toEqual(['g-deleted']);
    expect(items.find((i) => i.id === 'd-stale')).toHaveProperty('hygieneStaleFlaggedAt', NOW_ISO);
    expect(items.find((i) => i.id === 'c-expiring')).toHaveProperty('hygieneExpiryNoticeStage', 7);
    expect(summary.guard).toMatchObject({ tripped: true, plannedDeletes: 2, maxDeletesPerRun: 1 });
    expect(summary.deletions).toMatchObject({ applied: 0, blockedByGuard: 2 });
  });

  it('a tripped guard still writes the expiry notice a blocked deletion had made pointless', async () => {
    // Stale and due for deletion, and expiring in 5 days: with the deletion blocked, the owner must still be warned.
    const dueAndExpiring = { ...flaggedStale()[0], id: 'm-due-expiring', expiresTime: days(5) };
    await putItems(table.client, table.tableName, [dueAndExpiring]);

    const summary = await run(table, { config: { ...config, maxDeletesPerRun: 1 } });

    const item = (await exportTable(table)).find((i) => i.id === 'm-due-expiring');
    expect(item).not.toHaveProperty('deletedAt');
    expect(item).toMatchObject({ hygieneExpiryNoticeStage: 7, hygieneExpiryNoticeFor: days(5) });
    expect(item?.[OUTBOX_ATTR.events]).toEqual([expect.objectContaining({ type: 'expiry-warning' })]);
    expect(item).toMatchObject(history({ action: 'notify-expiry' }));
    expect(summary.deletions).toMatchObject({ applied: 0, blockedByGuard: 3 });
    expect(summary.applied['notify-expiry']).toBe(2);
    expect(summary.planned['notify-expiry']).toBe(2);
  });

  it('sets hygienePurgeAt when a purge is configured and owners are not notified', async () => {
    await run(table, { config: { ...config, purgeAfterDays: 30 }, notifyOwners: false });

    const items = await exportTable(table);
    expect(items.find((i) => i.id === 'b-expired')).toHaveProperty(
      'hygienePurgeAt',
      Math.floor(NOW / 1000) + 30 * 86_400,
    );
    expect(items.filter((i) => i.hygienePurgeAt !== undefined).map((i) => i.id)).toEqual([
      'b-expired',
      'e-flagged-due',
    ]);
  });

  it('holds the purge time in hygienePurgePending while the deletion notice is unsent', async () => {
    await run(table, { config: { ...config, purgeAfterDays: 30 } });

    const items = await exportTable(table);
    expect(items.filter((i) => i.hygienePurgeAt !== undefined)).toEqual([]);
    expect(items.filter((i) => i[PURGE_PENDING_ATTR] !== undefined).map((i) => i.id)).toEqual([
      'b-expired',
      'e-flagged-due',
    ]);
    expect(items.find((i) => i.id === 'b-expired')).toHaveProperty(
      PURGE_PENDING_ATTR,
      Math.floor(NOW / 1000) + 30 * 86_400,
    );
  });
});
