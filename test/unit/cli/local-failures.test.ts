/**
 * `pc-hygiene local` says what failed after its sweep and exits 1, as
 * `notify` and `relay` do for the same failures: events the drain could not
 * deliver or store errors, digest parts the relay wrote no email for, and a
 * digests file that cannot be read back (said as such, never as "nothing was
 * queued"). Failures injected into the summaries the cycle returns.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { digestsOverview, localExitCode, localFailureLines } from '../../../cli/commands/local';
import { EXIT_CODE } from '../../../cli/exit-codes';
import { parseConfig } from '../../../lambdas/hygiene/config';
import type { RunSummary } from '../../../lambdas/hygiene/run-summary';
import { runSweep } from '../../../lambdas/hygiene/sweep';
import { useTempDir } from '../../support/temp-dir';
import { credential, NOW } from '../support/credentials';
import { MemoryScanner, MemoryTable, MemoryWriter } from '../support/memory-ports';

/** A drain with nothing failed. */
const DRAINED = { eventsFailed: 0, storeErrors: 0, failures: { count: 0, records: [], omitted: 0 } };

/** A complete enforce run over one healthy credential. */
function completeRun(): Promise<RunSummary> {
  const table = new MemoryTable([credential('a-1')]);
  return runSweep(
    { scanner: new MemoryScanner(table), writer: new MemoryWriter(table), clock: () => NOW },
    { config: parseConfig({}), now: NOW, runId: 'run-1', mode: 'enforce' },
  );
}

describe("local's failures after the sweep", () => {
  const dir = useTempDir('pch-local-failures');

  it('nothing failed: no lines, and the sweep’s exit code', async () => {
    const summary = await completeRun();

    expect(localFailureLines(DRAINED, { failures: [] })).toEqual([]);
    expect(localExitCode(summary, false)).toBe(EXIT_CODE.complete);
  });

  it('events the drain could not deliver and store errors: said with each failure, exit 1', async () => {
    const notify = {
      eventsFailed: 3,
      storeErrors: 1,
      failures: {
        count: 1,
        records: [{ userId: 'user-a', code: 'EIO', message: 'disk full', senderFault: false, events: 3 }],
        omitted: 0,
      },
    };

    expect(localFailureLines(notify, { failures: [] })).toEqual([
      'Notify: 3 event(s) not delivered and 1 store error(s) (left pending)',
      '  failed: user-a: EIO: disk full (3 event(s))',
    ]);
    expect(localExitCode(await completeRun(), true)).toBe(EXIT_CODE.failure);
  });

  it('digest parts the relay wrote no email for: said as relay says them', () => {
    const lines = localFailureLines(DRAINED, {
      failures: [{ userId: 'user-b', error: 'no address' }, { error: 'x' }],
    });

    expect(lines).toEqual([
      'Relay: 2 digest part(s) failed: no .eml written for them',
      '  failed: user-b: no address',
      '  failed: ?: x',
    ]);
  });

  it('a digests file that cannot be read back is said as such, not as "nothing was queued"', async () => {
    const empty = join(dir(), 'empty.jsonl');
    await writeFile(empty, '');
    const notJson = join(dir(), 'broken.jsonl');
    await writeFile(notJson, '{"Id": \n');
    const folder = join(dir(), 'a-folder.jsonl');
    await mkdir(folder);

    expect(await digestsOverview(empty)).toEqual({
      text: `No digests to send (nothing was queued). File: ${empty}\n`,
      failed: false,
    });
    for (const path of [notJson, folder, join(dir(), 'missing.jsonl')]) {
      const overview = await digestsOverview(path);
      expect(overview.failed, path).toBe(true);
      expect(overview.text, path).toMatch(new RegExp(`^Digests file ${path} could not be read: .+\\n$`));
    }
  });
});
