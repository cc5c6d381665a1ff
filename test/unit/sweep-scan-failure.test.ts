/**
 * A scan that fails mid-run (a Scan page still throttled after the SDK's
 * retries) fails the run loudly, but only once the writes already started
 * have finished: nothing may keep writing after the run reported its failure
 * (in Lambda, a write left running is frozen with the environment and lands
 * at some later invocation, outside any run's summary).
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../lambdas/hygiene/config';
import { runSweep } from '../../lambdas/hygiene/sweep';
import { credential, days, NOW } from './support/credentials';
import { failingAfter, ScanFailedError } from './support/failing-scanner';
import { MemoryScanner, MemoryTable, MemoryWriter } from './support/memory-ports';

describe('runSweep when the scan fails', () => {
  it('rejects with the scan error only after the writes it started have finished', async () => {
    const table = new MemoryTable(
      Array.from({ length: 12 }, (_, i) =>
        credential(`c${String(i).padStart(2, '0')}`, { expiresTime: days(5) }),
      ),
    );
    const writer = new MemoryWriter(table, { delayMs: 30 });
    const scanner = failingAfter(new MemoryScanner(table, 3), 2);
    const config = parseConfig({ mode: 'enforce', scanSegments: 1, writeConcurrency: 8 });

    const run = runSweep({ scanner, writer }, { config, now: NOW, runId: 'run-1', mode: 'enforce' });

    await expect(run).rejects.toBeInstanceOf(ScanFailedError);
    expect(writer.received.length).toBe(6);
    expect(writer.inFlight).toBe(0);
  });
});
