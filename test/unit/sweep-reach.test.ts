/**
 * The sweep's reach section (docs/sweep.md, "Owner reach"): the owners who
 * got events this run are looked up in the owner directory (pages of 100)
 * and judged on `ownerDelivery`; the summary counts the unreachable ones per
 * reason with a capped sample, or says why reach is unverified; the text,
 * the admin report and the metrics carry it. In-memory ports only.
 */
import { describe, expect, it } from 'vitest';
import { snsEntryFields, snsLimits } from '../../lambdas/aws/sns-wire';
import { SWEEP_METRIC } from '../../lambdas/handlers/metric-names';
import { sweepMetricValues } from '../../lambdas/handlers/sweep-metric-values';
import { parseConfig } from '../../lambdas/hygiene/config';
import type { OwnerRecord, SweepOwnerDirectory } from '../../lambdas/hygiene/owner-directory';
import { directoryUnusable, REACH_SAMPLE_LIMIT, type RunSummary } from '../../lambdas/hygiene/run-summary';
import { runSweep, type SweepDeps } from '../../lambdas/hygiene/sweep';
import {
  type AdminReportDocument,
  renderAdminReport as renderAdminMessage,
} from '../../lambdas/render/admin-report';
import { renderRunSummaryText } from '../../lambdas/render/run-summary-text';
import { reasonCounts, verifiedReach } from '../support/reach-counts';
import { deliveredDocument, deliveredTo } from '../support/sns-delivery';
import { InMemoryOwnerDirectory } from './owner-directory-fake';
import { credential, days, NOW } from './support/credentials';
import { MemoryScanner, MemoryTable, MemoryWriter } from './support/memory-ports';

/** The in-memory directory with the orphan rule's read too (departed owners from its records). */
class FakeSweepDirectory extends InMemoryOwnerDirectory implements SweepOwnerDirectory {
  async departedUserIds(): Promise<ReadonlySet<string>> {
    return new Set([...this.owners.values()].filter((o) => o.status === 'departed').map((o) => o.userId));
  }
}

/** The run summary's admin message under SNS's budget (`maxMessageBytes` lowering its limit), as the SNS entry it is sent as. */
function renderAdminReport(summary: RunSummary, maxMessageBytes?: number) {
  return snsEntryFields(renderAdminMessage(summary, snsLimits(maxMessageBytes)));
}

/** A directory imported yesterday (fresh for the orphan rule) holding `owners`. */
function directoryOf(owners: readonly OwnerRecord[], asOf = days(-1)): FakeSweepDirectory {
  return new FakeSweepDirectory(owners, asOf);
}

/** One credential expiring in 5 days (one expiry-warning event) per owner: `user-<handle>`. */
function expiringFor(handles: readonly string[]): Record<string, unknown>[] {
  return handles.map((h) => credential(`${h}-1`, { expiresTime: days(5) }));
}

const active = (handle: string, extra: Partial<OwnerRecord> = {}): OwnerRecord => ({
  userId: `user-${handle}`,
  email: `${handle}@example.com`,
  status: 'active',
  ...extra,
});

async function sweep(
  items: Record<string, unknown>[],
  directory: SweepDeps['directory'],
  overrides: { mode?: 'audit' | 'enforce'; config?: Record<string, unknown> } = {},
): Promise<RunSummary> {
  const table = new MemoryTable(items);
  return runSweep(
    {
      scanner: new MemoryScanner(table),
      writer: new MemoryWriter(table),
      clock: () => NOW,
      ...(directory !== undefined && { directory }),
    },
    {
      config: parseConfig({ maxDeletePercent: 100, ...overrides.config }),
      now: NOW,
      runId: 'run-reach',
      mode: overrides.mode ?? 'enforce',
    },
  );
}

const metric = (summary: RunSummary, name: string) =>
  sweepMetricValues(summary).find((m) => m.name === name)?.value;

describe('the sweep run summary: owner reach', () => {
  it('counts the unreachable owners with events per reason on sns-email and names them', async () => {
    const directory = directoryOf([
      active('ok', { subscription: 'confirmed' }),
      active('wait', { subscription: 'pending' }),
      active('gone', { subscription: 'confirmed', status: 'departed' }),
      active('quiet', { subscription: 'confirmed' }), // no events this run: not looked up
    ]);
    const items = [...expiringFor(['ok', 'wait', 'gone', 'absent']), credential('quiet-1')];

    const summary = await sweep(items, directory);

    expect(directory.lookups).toEqual([['user-absent', 'user-gone', 'user-ok', 'user-wait']]);
    expect(summary.reach).toMatchObject(
      verifiedReach('sns-email', 4, [
        { userId: 'user-absent', reason: 'not-in-directory' },
        { userId: 'user-gone', reason: 'departed' },
        { userId: 'user-wait', reason: 'subscription-pending' },
      ]),
    );
    expect(summary.reach).not.toHaveProperty('because');
    const text = renderRunSummaryText(summary);
    expect(text).toContain(
      'Owner reach (sns-email): 3 of 4 owners with events UNREACHABLE (not-in-directory 1, departed 1, subscription-pending 1)',
    );
    expect(text).toContain('  user-gone: departed');
    expect(metric(summary, SWEEP_METRIC.unreachableOwners)).toBe(3);
    expect(metric(summary, SWEEP_METRIC.directoryUnusable)).toBe(0);
  });

  it.each([
    [
      'sns-email',
      reasonCounts({
        'not-in-directory': 1,
        departed: 1,
        'no-email': 1,
        'subscription-pending': 1,
        'no-subscription': 2,
      }),
    ],
    ['relay', reasonCounts({ 'not-in-directory': 1, departed: 1, 'no-email': 1, bouncing: 1 })],
  ] as const)('counts every reason the %s route can give', async (route, byReason) => {
    const directory = directoryOf([
      active('ok', { subscription: 'confirmed' }),
      active('gone', { status: 'departed', subscription: 'confirmed' }),
      { userId: 'user-mute', status: 'active', subscription: 'confirmed' },
      active('wait', { subscription: 'pending' }),
      active('none', { subscription: 'none' }),
      active('fresh'), // never reconciled: no subscription state
      active('bounce', { subscription: 'confirmed', bouncingSince: days(-2) }),
    ]);
    const items = expiringFor(['ok', 'absent', 'gone', 'mute', 'wait', 'none', 'fresh', 'bounce']);

    const summary = await sweep(items, directory, { config: { ownerDelivery: route } });

    expect(summary.reach.byReason).toEqual(byReason);
    const total = Object.values(byReason).reduce((a: number, b: number) => a + b, 0);
    expect(summary.reach).toMatchObject({ ownersChecked: 8, unreachableOwners: total, route });
    expect(summary.reach.sample.records.map((o) => o.reason).sort()).toEqual(
      Object.entries(byReason)
        .flatMap(([reason, n]) => Array.from({ length: n }, () => reason))
        .sort(),
    );
  });

  it('looks owners up 100 at a time and keeps only a capped sample in the summary', async () => {
    const handles = Array.from({ length: 250 }, (_, i) => `u${String(i).padStart(3, '0')}`);
    const directory = directoryOf([active('x')]);

    const summary = await sweep(expiringFor(handles), directory, { config: { maxDeletePercent: 100 } });

    expect(directory.lookups.map((ids) => ids.length)).toEqual([100, 100, 50]);
    expect(new Set(directory.lookups.flat()).size).toBe(250);
    expect(summary.reach).toMatchObject({
      status: 'verified',
      ownersChecked: 250,
      unreachableOwners: 250,
      byReason: { 'not-in-directory': 250 },
      sample: { count: 250, omitted: 250 - REACH_SAMPLE_LIMIT },
    });
    expect(summary.reach.sample.records).toHaveLength(REACH_SAMPLE_LIMIT);
    expect(summary.reach.sample.records[0]).toEqual({ userId: 'user-u000', reason: 'not-in-directory' });
    const text = renderRunSummaryText(summary, { listLimit: 5 });
    expect(text).toContain('  user-u004: not-in-directory');
    expect(text).not.toContain('  user-u005: not-in-directory');
    expect(text).toContain('  ... 245 more owners (the owner-unreachable report names each)');
  });

  it('under a time budget stops looking owners up where deletions stop starting, counting the rest unchecked', async () => {
    const handles = Array.from({ length: 250 }, (_, i) => `u${String(i).padStart(3, '0')}`);
    let remaining = 600_000;
    const directory = directoryOf([]);
    const lookUp = directory.getMany.bind(directory);
    // The budget runs out during the first lookup (under half of the default 30 s reserve).
    directory.getMany = async (ids) => {
      remaining = 10_000;
      return lookUp(ids);
    };
    const table = new MemoryTable(expiringFor(handles));

    const summary = await runSweep(
      {
        scanner: new MemoryScanner(table),
        writer: new MemoryWriter(table),
        clock: () => NOW,
        remainingMs: () => remaining,
        directory,
      },
      { config: parseConfig({}), now: NOW, runId: 'run-budget', mode: 'enforce' },
    );

    expect(summary.status).toBe('complete');
    expect(directory.lookups.map((ids) => ids.length)).toEqual([100]);
    expect(summary.reach).toMatchObject({
      status: 'verified',
      ownersChecked: 100,
      ownersUnchecked: 150,
      unreachableOwners: 100,
    });
    expect(renderRunSummaryText(summary)).toContain(
      'Owner reach (sns-email): 100 of 100 owners with events UNREACHABLE (not-in-directory 100) (150 more not checked: time budget)',
    );
  });

  it('judges the owners audit mode would notify, writing nothing', async () => {
    const directory = directoryOf([active('ok', { subscription: 'confirmed' })]);

    const summary = await sweep(expiringFor(['ok', 'absent']), directory, { mode: 'audit' });

    expect(summary.applied['notify-expiry']).toBe(2);
    expect(summary.reach).toMatchObject({ status: 'verified', ownersChecked: 2, unreachableOwners: 1 });
    expect(renderRunSummaryText(summary)).toContain(
      '1 of 2 owners with events UNREACHABLE (not-in-directory 1); the notifier would report their events',
    );
  });

  it('says when every owner with events is reachable', async () => {
    const directory = directoryOf([active('ok', { subscription: 'confirmed' })]);

    const summary = await sweep(expiringFor(['ok']), directory);

    expect(summary.reach).toMatchObject({ status: 'verified', ownersChecked: 1, unreachableOwners: 0 });
    expect(renderRunSummaryText(summary)).toContain(
      'Owner reach (sns-email): all 1 owner with events reachable',
    );
    expect(metric(summary, SWEEP_METRIC.unreachableOwners)).toBe(0);
  });

  it('without a directory: reach unverified, nothing looked up, the admin text says so, no DirectoryUnusable', async () => {
    const summary = await sweep(expiringFor(['a', 'b']), undefined);

    expect(summary.reach).toMatchObject({
      status: 'unverified',
      because: 'no-directory',
      ownersChecked: 0,
      unreachableOwners: 0,
      sample: { count: 0, records: [], omitted: 0 },
    });
    expect(deliveredTo(renderAdminReport(summary).Message, 'email')).toContain(
      'Owner reach is unverified: no owner directory',
    );
    expect(metric(summary, SWEEP_METRIC.directoryUnusable)).toBe(0);
    expect(metric(summary, SWEEP_METRIC.unreachableOwners)).toBe(0);
  });

  it('with a directory never imported: unverified, nothing looked up, DirectoryUnusable', async () => {
    const directory = directoryOf([]);
    directory.imported = undefined;

    const summary = await sweep(expiringFor(['a']), directory);

    expect(directory.lookups).toEqual([]);
    expect(summary.reach).toMatchObject({ status: 'unverified', because: 'never-imported' });
    expect(renderRunSummaryText(summary)).toContain(
      'Owner reach is unverified: the owner directory holds no import',
    );
    expect(directoryUnusable(summary)).toBe(true);
    expect(metric(summary, SWEEP_METRIC.directoryUnusable)).toBe(1);
  });

  it('with a directory never imported on the relay route: every owner judged not-in-directory', async () => {
    const directory = directoryOf([]);
    directory.imported = undefined;

    const summary = await sweep(expiringFor(['a']), directory, { config: { ownerDelivery: 'relay' } });

    expect(directory.lookups).toEqual([['user-a']]);
    expect(summary.reach).toMatchObject({ status: 'verified', route: 'relay', unreachableOwners: 1 });
    expect(summary.reach.byReason['not-in-directory']).toBe(1);
    expect(directoryUnusable(summary)).toBe(true);
  });

  it('with a stale or empty directory: reach still judged (as the notifier does), DirectoryUnusable', async () => {
    const stale = directoryOf([active('a', { subscription: 'confirmed' })], days(-30));
    const empty = directoryOf([]);

    const staleRun = await sweep(expiringFor(['a']), stale);
    const emptyRun = await sweep(expiringFor(['a']), empty);

    expect(staleRun.directory.status).toBe('stale');
    expect(staleRun.reach).toMatchObject({ status: 'verified', unreachableOwners: 0 });
    expect(emptyRun.directory.status).toBe('empty');
    expect(emptyRun.reach).toMatchObject({ status: 'verified', byReason: { 'not-in-directory': 1 } });
    expect(metric(staleRun, SWEEP_METRIC.directoryUnusable)).toBe(1);
    expect(metric(emptyRun, SWEEP_METRIC.directoryUnusable)).toBe(1);
  });

  it('a lookup that fails leaves reach unverified with the error; the run itself completes', async () => {
    const directory = directoryOf([active('a', { subscription: 'confirmed' })]);
    directory.failWith = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });

    const summary = await sweep(
      [...expiringFor(['a']), credential('b-1', { expiresTime: days(-1) })],
      directory,
    );

    expect(summary.status).toBe('complete');
    expect(summary.deletions.applied).toBe(1);
    expect(summary.reach).toMatchObject({
      status: 'unverified',
      because: 'unreadable',
      error: expect.stringContaining('Rate exceeded'),
      unreachableOwners: 0,
    });
    expect(renderRunSummaryText(summary)).toContain(
      'Owner reach is unverified: the owner directory could not be read (owner lookup: ThrottlingException',
    );
    expect(metric(summary, SWEEP_METRIC.directoryUnusable)).toBe(1);
  });

  it('an oversize admin report drops the sample, keeping the counts', async () => {
    const handles = Array.from({ length: 150 }, (_, i) => `u${i}${'z'.repeat(60)}`);
    const summary = await sweep(expiringFor(handles), directoryOf([]));

    const entry = renderAdminReport(summary, 20_000);

    const doc = deliveredDocument<AdminReportDocument>(entry.Message);
    expect(doc.truncated).toBe(true);
    expect(doc.summary.reach).toMatchObject({
      unreachableOwners: 150,
      sample: { count: 150, records: [], omitted: 150 },
    });
  });
});
