/**
 * A credential whose last activity is far after the run's `now` (a bad clock at the source, a bad import) is never
 * judged stale until `now` catches up; the sweep keeps that decision but names it (docs/rules.md, "Last activity";
 * docs/sweep.md, "The run summary"): a sweep against DynamoDB Local lists the active credentials whose `lastUsedAt`
 * or `createdAt` is more than the clock tolerance (2 days) after `now` in `futureActivity`, and its text says so.
 * Within the tolerance, soft-deleted, or a run without any: nothing (the key is absent).
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../lambdas/hygiene/config';
import { runSweep } from '../../lambdas/hygiene/sweep';
import { AFTER_NOW_TOLERANCE_MS, DAY_MS, formatInstant } from '../../lambdas/hygiene/time';
import { renderRunSummaryText } from '../../lambdas/render/run-summary-text';
import { useTestTable } from '../support/test-table';
import { credential, days, NOW } from '../unit/support/credentials';
import { sweepDeps } from './support/sweep-deps';

const config = parseConfig({ maxDeletePercent: 100 });

describe('future-dated last activity in the run summary (DynamoDB Local)', () => {
  const table = useTestTable('future-activity', 'each', () => [
    credential('a-healthy'),
    // A year ahead: without the summary's list, exempt from the stale rule for a year, silently.
    credential('b-used-next-year', { lastUsedAt: days(365) }),
    // Created in the future (used "before" it): the later of the two is the last activity.
    credential('c-created-ahead', { createdAt: days(30), lastUsedAt: days(-100) }),
    // Within the tolerance: another run's clock, not an error.
    credential('d-within-tolerance', { lastUsedAt: formatInstant(NOW + AFTER_NOW_TOLERANCE_MS) }),
    credential('e-deleted', { lastUsedAt: days(365), deletedAt: days(-1), hygieneDeletedReason: 'expired' }),
    credential('f-stale', { lastUsedAt: days(-100) }),
  ]);

  it('names each active future-dated id with its last activity, and its text lists them', async () => {
    const summary = await runSweep(sweepDeps(table), { config, now: NOW, runId: 'run-1', mode: 'enforce' });

    expect(summary.futureActivity?.count).toBe(2);
    expect(summary.futureActivity?.omitted).toBe(0);
    expect([...(summary.futureActivity?.records ?? [])].sort((a, b) => a.id.localeCompare(b.id))).toEqual([
      { id: 'b-used-next-year', lastActivity: days(365) },
      { id: 'c-created-ahead', lastActivity: days(30) },
    ]);
    // The decision stays: neither is flagged, the stale one is.
    expect(summary.applied['flag-stale']).toBe(1);

    const text = renderRunSummaryText(summary);
    expect(text).toContain(
      `Last activity more than ${AFTER_NOW_TOLERANCE_MS / DAY_MS} days after now (never judged stale until then; `,
    );
    expect(text).toContain(`  b-used-next-year: ${days(365)}\n`);
    expect(text).toContain(`  c-created-ahead: ${days(30)}\n`);
  });

  it('a run without any has no futureActivity key', async () => {
    const later = NOW + 400 * DAY_MS;
    const summary = await runSweep(sweepDeps(table), { config, now: later, runId: 'run-2', mode: 'audit' });

    expect(summary).not.toHaveProperty('futureActivity');
    expect(renderRunSummaryText(summary)).not.toContain('Last activity more than');
  });
});
