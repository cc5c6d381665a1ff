/**
 * The sweep's `sweep run summary` log entry cuts the per-owner event counts
 * to `SUMMARY_ENTRY_RECORDS` (lambdas/handlers/summary-log.ts): its
 * `ownersOmitted` then counts every owner not shown, so `perOwner` plus
 * `ownersOmitted` is `owners`, as in the run summary itself.
 */
import { describe, expect, it } from 'vitest';
import { SUMMARY_ENTRY_RECORDS, splitSummaryForLog } from '../../lambdas/handlers/summary-log';
import { parseConfig } from '../../lambdas/hygiene/config';
import type { RunSummary } from '../../lambdas/hygiene/run-summary';
import { runSweep } from '../../lambdas/hygiene/sweep';
import { credential, days, NOW } from './support/credentials';
import { MemoryScanner, MemoryTable, MemoryWriter } from './support/memory-ports';

/** An enforce run with one expiry warning for each of `owners` owners. */
async function runWithOwners(owners: number): Promise<RunSummary> {
  const items = Array.from({ length: owners }, (_, i) =>
    credential(`o${String(i).padStart(3, '0')}-1`, { expiresTime: days(5) }),
  );
  const table = new MemoryTable(items);
  return runSweep(
    { scanner: new MemoryScanner(table), writer: new MemoryWriter(table), clock: () => NOW },
    { config: parseConfig({ mode: 'enforce' }), now: NOW, runId: 'run-owners', mode: 'enforce' },
  );
}

describe('the log entry’s per-owner events', () => {
  it('counts every owner cut from the list in ownersOmitted', async () => {
    const summary = await runWithOwners(50);
    expect(summary.events).toMatchObject({ owners: 50, ownersOmitted: 0 });
    expect(summary.events.perOwner).toHaveLength(50);

    const { events } = splitSummaryForLog(summary).summary;

    expect(events.perOwner).toEqual(summary.events.perOwner.slice(0, SUMMARY_ENTRY_RECORDS));
    expect(events).toMatchObject({ owners: 50, ownersOmitted: 50 - SUMMARY_ENTRY_RECORDS });
  });

  it('omits none when every owner fits', async () => {
    const summary = await runWithOwners(SUMMARY_ENTRY_RECORDS);

    const { events } = splitSummaryForLog(summary).summary;

    expect(events.perOwner).toHaveLength(SUMMARY_ENTRY_RECORDS);
    expect(events.ownersOmitted).toBe(0);
  });
});

describe('the log entry’s too-large records', () => {
  it('keeps a short list in the entry and every record in the chunks, as for the other record lists', async () => {
    const summary = await runWithOwners(1);
    const records = Array.from({ length: 250 }, (_, i) => ({ id: `big-${i}`, error: 'Item size exceeded' }));
    const withTooLarge = { ...summary, tooLarge: { count: 250, records, omitted: 0 } } as RunSummary;

    const { summary: entry, chunks } = splitSummaryForLog(withTooLarge);

    expect(entry.tooLarge).toMatchObject({ count: 250, omitted: 250 - SUMMARY_ENTRY_RECORDS });
    expect(entry.tooLarge?.records).toHaveLength(SUMMARY_ENTRY_RECORDS);
    const logged = chunks.filter((c) => c.list === 'tooLarge').flatMap((c) => c.records);
    expect(logged).toEqual(records);
    expect(splitSummaryForLog(summary).summary).not.toHaveProperty('tooLarge');
  });
});
