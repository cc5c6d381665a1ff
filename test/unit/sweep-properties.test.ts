/**
 * Properties of the sweep over in-memory ports, for random tables, page
 * sizes, segment counts and interruption points.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../lambdas/hygiene/config';
import { OUTBOX_ATTR } from '../../lambdas/hygiene/data-contract';
import type { OutboxEvent } from '../../lambdas/hygiene/events';
import { planRecord } from '../../lambdas/hygiene/policy';
import { runSweep } from '../../lambdas/hygiene/sweep';
import { credential, days, NOW } from './support/credentials';
import { MemoryCheckpointStore, MemoryScanner, MemoryTable, MemoryWriter } from './support/memory-ports';

const config = parseConfig({ maxDeletePercent: 100, maxDeletesPerRun: 1_000_000, writeConcurrency: 3 });

const optionalDays = (min: number, max: number) =>
  fc.option(
    fc.integer({ min, max }).map((d) => days(d)),
    { nil: undefined },
  );

/** A credential in any of the states the policy distinguishes (some invalid). */
const arbitraryItem = (index: number) =>
  fc
    .record({
      expiresTime: optionalDays(-40, 400),
      lastUsedAt: optionalDays(-200, 0),
      createdAt: optionalDays(-400, -1),
      flagged: fc.option(fc.integer({ min: -30, max: -1 }), { nil: undefined }),
      grace: fc.integer({ min: 0, max: 20 }),
      noticeStage: fc.option(fc.constantFrom(30, 7, 1), { nil: undefined }),
      exempt: fc.boolean(),
      deleted: fc.boolean(),
      open: fc.boolean(),
    })
    .map((r) => {
      const item: Record<string, unknown> = credential(`c${String(index).padStart(3, '0')}`, {
        expiresTime: r.expiresTime,
        lastUsedAt: r.lastUsedAt,
        createdAt: r.createdAt,
        ...(r.open && { scopedRoles: [], allowSourceCidr: [] }),
        ...(r.exempt && { hygieneExempt: true }),
        ...(r.deleted && { deletedAt: days(-3) }),
      });
      if (r.flagged !== undefined) {
        item.hygieneStaleFlaggedAt = days(r.flagged);
        item.hygieneStaleDeleteAfter = days(r.flagged + r.grace);
      }
      if (r.noticeStage !== undefined && r.expiresTime !== undefined) {
        item.hygieneExpiryNoticeStage = r.noticeStage;
        item.hygieneExpiryNoticeFor = r.expiresTime;
      }
      for (const key of Object.keys(item)) if (item[key] === undefined) delete item[key];
      return item;
    });

const arbitraryTable = fc
  .integer({ min: 0, max: 40 })
  .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => arbitraryItem(i))));

/** The table with run ids blanked: runs differ only in their ids. */
function normalized(table: MemoryTable): Record<string, unknown>[] {
  return table.snapshot().map((item) => {
    const copy = { ...item };
    if (copy.hygieneDeletedByRun !== undefined) copy.hygieneDeletedByRun = '(run)';
    const events = copy[OUTBOX_ATTR.events] as OutboxEvent[] | undefined;
    if (events) copy[OUTBOX_ATTR.events] = events.map((e) => ({ ...e, runId: '(run)' }));
    return copy;
  });
}

describe('sweep properties', () => {
  it('runs interrupted at any page and resumed end in the same table as one uninterrupted run', async () => {
    await fc.assert(
      fc.asyncProperty(
        arbitraryTable,
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 4 }),
        async (items, pageSize, segments, stops) => {
          const options = {
            config: { ...config, scanSegments: segments },
            now: NOW,
            mode: 'enforce' as const,
          };
          const whole = new MemoryTable(items);
          await runSweep(
            { clock: Date.now, scanner: new MemoryScanner(whole, pageSize), writer: new MemoryWriter(whole) },
            { ...options, runId: 'whole' },
          );

          const pieces = new MemoryTable(items);
          const checkpoints = new MemoryCheckpointStore();
          // Each run stops after its number of pages; the last run has no budget and finishes.
          for (const [run, pagesAllowed] of [...stops, Number.POSITIVE_INFINITY].entries()) {
            let pages = 0;
            const summary = await runSweep(
              {
                scanner: new MemoryScanner(pieces, pageSize),
                writer: new MemoryWriter(pieces),
                checkpoints,
                clock: () => 0,
                remainingMs: () => (pages < pagesAllowed ? 1e9 : 750),
                onProgress: (p) => {
                  pages = p.pages;
                },
              },
              { ...options, runId: `piece-${run}`, deadlineMarginMs: 1000 },
            );
            expect(summary.deletions.deferred).toBe(0);
            if (summary.status === 'complete') break;
          }

          expect(checkpoints.checkpoint).toBeUndefined();
          expect(normalized(pieces)).toEqual(normalized(whole));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('applies exactly the plan of every record, and audit writes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(arbitraryTable, fc.integer({ min: 1, max: 5 }), async (items, pageSize) => {
        const table = new MemoryTable(items);
        const writer = new MemoryWriter(table);

        const audit = await runSweep(
          { clock: Date.now, scanner: new MemoryScanner(table, pageSize), writer },
          { config, now: NOW, runId: 'audit', mode: 'audit' },
        );
        expect(writer.received).toHaveLength(0);
        const enforce = await runSweep(
          { clock: Date.now, scanner: new MemoryScanner(table, pageSize), writer },
          { config, now: NOW, runId: 'enforce', mode: 'enforce' },
        );

        const expected = new Map(
          items.map((item) => [String(item.id), planRecord(item, config, NOW).actions.map((a) => a.type)]),
        );
        const written = new Map(writer.received.map((t) => [t.credential.id, t.actions.map((a) => a.type)]));
        expect(writer.received).toHaveLength(written.size); // one write per credential
        expect(written).toEqual(new Map([...expected].filter(([, actions]) => actions.length > 0)));
        expect(audit.applied).toEqual(enforce.applied);
        expect(audit.planned).toEqual(enforce.planned);
      }),
      { numRuns: 150 },
    );
  });
});
