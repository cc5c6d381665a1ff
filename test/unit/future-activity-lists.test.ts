/**
 * The run summary's `futureActivity` list (active credentials whose last activity is more than the clock tolerance
 * after `now`: docs/rules.md, "Last activity") is carried as the other record lists are: the sweep's log entry keeps
 * a short list and the chunks every record (lambdas/handlers/summary-log.ts), an oversize admin report empties it
 * keeping the count (lambdas/render/admin-report.ts), and the list is capped at 1000 ids, the rest counted.
 */
import { describe, expect, it } from 'vitest';
import { publishEntryBytes, snsEntryFields, snsLimits } from '../../lambdas/aws/sns-wire';
import { SUMMARY_ENTRY_RECORDS, splitSummaryForLog } from '../../lambdas/handlers/summary-log';
import { parseConfig } from '../../lambdas/hygiene/config';
import { SUMMARY_RECORD_LIMIT } from '../../lambdas/hygiene/run-summary';
import { runSweep } from '../../lambdas/hygiene/sweep';
import { type AdminReportDocument, renderAdminReport } from '../../lambdas/render/admin-report';
import { deliveredDocument } from '../support/sns-delivery';
import { credential, days, NOW } from './support/credentials';
import { MemoryScanner, MemoryTable, MemoryWriter } from './support/memory-ports';

/** An audit sweep at `NOW` of `count` credentials used a year after it, ids padded to `width` characters. */
async function sweepFutureDated(count: number, width = 8) {
  const items = Array.from({ length: count }, (_, i) =>
    credential(`f-${String(i).padStart(width, '0')}`, { lastUsedAt: days(365) }),
  );
  const table = new MemoryTable(items);
  return runSweep(
    { scanner: new MemoryScanner(table, 500), writer: new MemoryWriter(table), clock: () => NOW },
    { config: parseConfig({}), now: NOW, runId: 'run-future', mode: 'audit' },
  );
}

describe('the futureActivity record list', () => {
  it('lists the first 1000 ids and counts the rest', async () => {
    const summary = await sweepFutureDated(SUMMARY_RECORD_LIMIT + 5);

    expect(summary.futureActivity).toMatchObject({ count: SUMMARY_RECORD_LIMIT + 5, omitted: 5 });
    expect(summary.futureActivity?.records).toHaveLength(SUMMARY_RECORD_LIMIT);
    expect(summary.futureActivity?.records[0]).toEqual({
      id: expect.stringMatching(/^f-/),
      lastActivity: days(365),
    });
  });

  it('the log entry keeps a short list, the chunks every record', async () => {
    const summary = await sweepFutureDated(250);

    const { summary: entry, chunks } = splitSummaryForLog(summary);

    expect(entry.futureActivity).toMatchObject({ count: 250, omitted: 250 - SUMMARY_ENTRY_RECORDS });
    expect(entry.futureActivity?.records).toHaveLength(SUMMARY_ENTRY_RECORDS);
    const logged = chunks.filter((c) => c.list === 'futureActivity').flatMap((c) => c.records);
    expect(logged).toEqual(summary.futureActivity?.records);
  });

  it('an oversize admin report empties the list, keeping its count', async () => {
    const summary = await sweepFutureDated(300, 200);

    const entry = snsEntryFields(renderAdminReport(summary, snsLimits(60_000)));

    expect(publishEntryBytes(entry)).toBeLessThanOrEqual(60_000);
    const doc = deliveredDocument<AdminReportDocument>(entry.Message);
    expect(doc.truncated).toBe(true);
    expect(doc.summary.futureActivity).toEqual({ count: 300, records: [], omitted: 300 });
  });
});
