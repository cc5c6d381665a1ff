/**
 * A scan that fails mid-run (a Scan page still throttled after the SDK's
 * retries) fails the run loudly, but only once the writes already started
 * have finished: nothing may keep writing after the run reported its failure
 * (in Lambda, a write left running is frozen with the environment and lands
 * at some later invocation, outside any run's summary).
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../lambdas/hygiene/config';
import { runSweep, SweepAbortedError } from '../../lambdas/hygiene/sweep';
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

    const run = runSweep(
      { clock: Date.now, scanner, writer },
      { config, now: NOW, runId: 'run-1', mode: 'enforce' },
    );

    // It had written (expiry notices): it ends aborted, naming the scan error, so it is reported all the same.
    const error = await run.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SweepAbortedError);
    expect((error as SweepAbortedError).cause).toBeInstanceOf(ScanFailedError);
    expect((error as SweepAbortedError).summary.applied['notify-expiry']).toBe(6);
    expect(writer.received.length).toBe(6);
    expect(writer.inFlight).toBe(0);
  });
});
