/**
 * A run aborted by too many failed writes (docs/sweep.md, "Write failures"):
 * no further writes, no deletions, no checkpoint. So it starts no write once
 * the failure that aborted it is counted (not even for the rest of the page),
 * and it leaves the operator's one-time guard approval unspent: using the
 * approval is for a run that makes the deletions it approves.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../lambdas/hygiene/config';
import type { ApprovalOutcome } from '../../lambdas/hygiene/guard';
import type { GuardApprovals } from '../../lambdas/hygiene/ports';
import { runSweep, SweepAbortedError } from '../../lambdas/hygiene/sweep';
import { credential, days, NOW } from './support/credentials';
import { MemoryCheckpointStore, MemoryScanner, MemoryTable, MemoryWriter } from './support/memory-ports';

/** A write that fails after the SDK's retries, on every credential. */
function deniedWriter(table: MemoryTable): MemoryWriter {
  return new MemoryWriter(table, {
    beforeWrite: () => {
      throw new Error('AccessDeniedException: kms:Decrypt denied');
    },
  });
}

/** A pending approval that covers any run, counting the runs that use it. */
function countingApprovals(): GuardApprovals & { consumed: number } {
  const outcome: ApprovalOutcome = {
    status: 'used',
    approval: {
      id: 'ap',
      by: 'op',
      reason: 'r',
      maxDeletes: 10,
      approvedAt: days(-1),
      expiresAt: days(1),
    },
  };
  return {
    consumed: 0,
    async consume() {
      this.consumed++;
      return outcome;
    },
  };
}

const pad = (i: number) => String(i).padStart(2, '0');

describe('a sweep aborted by failed writes', () => {
  it('does not spend the operator approval on a run that makes no deletion', async () => {
    // The expired ones first (ids sort first in the memory scan), so their deletions are planned and trip
    // the guard before the failed notices abort the run.
    const table = new MemoryTable([
      ...Array.from({ length: 3 }, (_, i) => credential(`a-expired-${i}`, { expiresTime: days(-1) })),
      ...Array.from({ length: 12 }, (_, i) => credential(`b-expiring-${pad(i)}`, { expiresTime: days(5) })),
    ]);
    const approvals = countingApprovals();
    const config = parseConfig({ mode: 'enforce', scanSegments: 1, maxDeletesPerRun: 0 });

    const run = runSweep(
      { clock: Date.now, scanner: new MemoryScanner(table), writer: deniedWriter(table), approvals },
      { config, now: NOW, runId: 'run-1', mode: 'enforce' },
    );

    await expect(run).rejects.toBeInstanceOf(SweepAbortedError);
    expect(approvals.consumed).toBe(0);
    await expect(run).rejects.toMatchObject({
      summary: {
        guard: { tripped: true, overridden: false, deletionsAllowed: false },
        deletions: { applied: 0 },
      },
    });
    expect(table.snapshot().filter((item) => item.deletedAt !== undefined)).toEqual([]);
  });

  it('starts no write once the run is aborted, even in the middle of a page, and saves no checkpoint', async () => {
    const table = new MemoryTable(
      Array.from({ length: 60 }, (_, i) => credential(`c-${pad(i)}`, { expiresTime: days(5) })),
    );
    const writer = deniedWriter(table);
    const checkpoints = new MemoryCheckpointStore();
    const config = parseConfig({ mode: 'enforce', scanSegments: 1, writeConcurrency: 1 });

    const run = runSweep(
      { clock: Date.now, scanner: new MemoryScanner(table, 60), writer, checkpoints },
      { config, now: NOW, runId: 'run-1', mode: 'enforce', maxWriteFailures: 10 },
    );

    await expect(run).rejects.toBeInstanceOf(SweepAbortedError);
    // The 11th failure aborts; with one write in flight at most, one more may have started by then.
    expect(writer.received.length).toBeGreaterThanOrEqual(11);
    expect(writer.received.length).toBeLessThanOrEqual(12);
    await expect(run).rejects.toMatchObject({ summary: { failed: { count: writer.received.length } } });
    expect(writer.inFlight).toBe(0);
    expect(checkpoints.calls).toEqual(['load']);
  });

  it('a tripped guard writing what its blocked deletions made pointless also stops at the abort', async () => {
    // Due for stale deletion and expiring in 5 days: blocked, each gets its expiry notice written instead.
    const table = new MemoryTable(
      Array.from({ length: 100 }, (_, i) =>
        credential(`d-${String(i).padStart(3, '0')}`, {
          expiresTime: days(5),
          lastUsedAt: days(-120),
          hygieneStaleFlaggedAt: days(-20),
          hygieneStaleDeleteAfter: days(-6),
        }),
      ),
    );
    const writer = deniedWriter(table);
    const config = parseConfig({
      mode: 'enforce',
      scanSegments: 1,
      writeConcurrency: 1,
      maxDeletesPerRun: 0,
    });

    const run = runSweep(
      { clock: Date.now, scanner: new MemoryScanner(table, 100), writer },
      { config, now: NOW, runId: 'run-1', mode: 'enforce', maxWriteFailures: 10 },
    );

    await expect(run).rejects.toBeInstanceOf(SweepAbortedError);
    expect(writer.received.length).toBeGreaterThanOrEqual(11);
    expect(writer.received.length).toBeLessThanOrEqual(12);
    // Every planned deletion is still counted blocked, also those after the abort.
    await expect(run).rejects.toMatchObject({ summary: { deletions: { blockedByGuard: 100, applied: 0 } } });
  });

  it('a tripped guard writes nothing instead past the time budget, and counts the rest blocked', async () => {
    const table = new MemoryTable(
      Array.from({ length: 20 }, (_, i) =>
        credential(`e-${pad(i)}`, {
          expiresTime: days(5),
          lastUsedAt: days(-120),
          hygieneStaleFlaggedAt: days(-20),
          hygieneStaleDeleteAfter: days(-6),
        }),
      ),
    );
    const writer = new MemoryWriter(table);
    const config = parseConfig({ mode: 'enforce', scanSegments: 1, maxDeletesPerRun: 0 });
    let remaining = 3_600_000;

    const summary = await runSweep(
      {
        clock: Date.now,
        scanner: new MemoryScanner(table, 20),
        writer,
        remainingMs: () => remaining,
        // The one page is planned with plenty of time; the apply phase finds none left.
        onProgress: (p) => {
          if (p.phase === 'scan') remaining = 0;
        },
      },
      { config, now: NOW, runId: 'run-1', mode: 'enforce' },
    );

    expect(writer.received).toEqual([]);
    expect(summary.deletions).toMatchObject({ blockedByGuard: 20, applied: 0, deferred: 0 });
  });
});
