/**
 * The sweep clears only the checkpoint it loaded (docs/sweep.md, "Time budget
 * and checkpoint"), over the in-memory store, which behaves as the DynamoDB one
 * does (test/integration/checkpoint-ownership.test.ts): a newer checkpoint an
 * overlapping run saved meanwhile stays; an unreadable one the run ignored is
 * cleared once the run has read the whole table from the top; a run that
 * stops early saves over whatever is stored, as before.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../lambdas/hygiene/config';
import type { ScanCheckpoint } from '../../lambdas/hygiene/ports';
import { runSweep, type SweepDeps } from '../../lambdas/hygiene/sweep';
import { renderRunSummaryText } from '../../lambdas/render/run-summary-text';
import { credential, days, NOW } from './support/credentials';
import { MemoryCheckpointStore, MemoryScanner, MemoryTable, MemoryWriter } from './support/memory-ports';

const config = parseConfig({ mode: 'enforce', scanSegments: 1, maxDeletePercent: 100 });
const ids = Array.from({ length: 9 }, (_, i) => `k${i}`);
const older: ScanCheckpoint = { segments: 1, positions: [{ id: 'k2' }] };
const newer: ScanCheckpoint = { segments: 1, positions: [{ id: 'k5' }] };

/** One run over nine credentials; `meanwhile` is called before each page (another run acting mid-scan). */
function sweep(
  checkpoints: MemoryCheckpointStore,
  meanwhile?: () => void,
  extra: Partial<Omit<SweepDeps, 'clock'>> = {},
) {
  const table = new MemoryTable(ids.map((id) => credential(id, { expiresTime: days(400) })));
  const scanner = new MemoryScanner(table, 2, meanwhile);
  return runSweep(
    { clock: Date.now, scanner, writer: new MemoryWriter(table), checkpoints, ...extra },
    { config, now: NOW, runId: 'run-1', mode: 'enforce' },
  );
}

describe('the checkpoint a completing sweep clears (in memory)', () => {
  it('keeps a newer checkpoint another run saved while it resumed from an older one', async () => {
    const checkpoints = new MemoryCheckpointStore(older);

    const summary = await sweep(checkpoints, () => void checkpoints.save(newer));

    expect(summary.status).toBe('complete');
    expect(summary.checkpoint).toMatchObject({ resumed: true, saved: false, cleared: false });
    expect(checkpoints.checkpoint).toEqual(newer);
    expect(renderRunSummaryText(summary)).toContain(
      'Checkpoint: not cleared (table finished, but another run had changed the stored checkpoint since); this run resumed from one',
    );
  });

  it('clears the checkpoint it resumed from when it is still the one stored', async () => {
    const checkpoints = new MemoryCheckpointStore(older);

    const summary = await sweep(checkpoints);

    expect(summary.checkpoint).toMatchObject({ resumed: true, cleared: true });
    expect(checkpoints.stored).toBeUndefined();
  });

  it('clears an unreadable checkpoint it ignored, once it read the table from the top', async () => {
    const ignored: string[] = [];
    const checkpoints = new MemoryCheckpointStore(undefined, (text) => ignored.push(text));
    checkpoints.stored = '{"segments":2}';

    const summary = await sweep(checkpoints);

    expect(ignored).toEqual(['{"segments":2}']);
    expect(summary).toMatchObject({ status: 'complete', scanned: 9 });
    expect(summary.checkpoint).toMatchObject({ resumed: false, saved: false, cleared: true });
    expect(checkpoints.stored).toBeUndefined();
    expect(checkpoints.calls).toEqual(['load', 'clear']);
    expect(renderRunSummaryText(summary)).toContain(
      'Checkpoint: cleared (table finished); the stored one was unreadable: this run started from the top; 1/1 segments done',
    );
  });

  it('leaves a checkpoint saved over the unreadable one while it ran', async () => {
    const checkpoints = new MemoryCheckpointStore();
    checkpoints.stored = 'not json';

    const summary = await sweep(checkpoints, () => void checkpoints.save(newer));

    expect(summary.checkpoint).toMatchObject({ resumed: false, cleared: false, ignoredUnreadable: true });
    expect(checkpoints.checkpoint).toEqual(newer);
    expect(renderRunSummaryText(summary)).toContain(
      'Checkpoint: not cleared (table finished, but another run had changed the stored checkpoint since); the stored one was unreadable: this run started from the top',
    );
  });

  it('saves over an unreadable checkpoint when it stops early, and clears nothing', async () => {
    const checkpoints = new MemoryCheckpointStore();
    checkpoints.stored = 'not json';

    const summary = await sweep(checkpoints, undefined, { remainingMs: () => 0 });

    expect(summary.status).toBe('incomplete');
    expect(summary.checkpoint).toMatchObject({ resumed: false, saved: true, cleared: false });
    expect(checkpoints.checkpoint?.segments).toBe(1);
    expect(checkpoints.calls).toEqual(['load', 'save']);
  });
});
