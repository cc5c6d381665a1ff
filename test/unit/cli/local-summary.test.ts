/**
 * `pc-hygiene local`'s run summary suggests no command aimed at its table:
 * the demo's database is deleted when `local` ends, and a command without
 * target flags would reach the default stack instead (a tripped guard's
 * `guard approve` pasted from the demo would record an approval on a
 * deployment). A tripped guard says why and what to do instead; the manifest
 * line names no `runs show`. Its last line names the folder it leaves the
 * demo's files in, with the `rm -rf` that removes it, typed back exactly.
 */
import { describe, expect, it } from 'vitest';
import { demoFilesLeftLine } from '../../../cli/commands/local/demo-folder';
import { localRunSummaryText } from '../../../cli/commands/local/output';
import { parseConfig } from '../../../lambdas/hygiene/config';
import type { RunSummary } from '../../../lambdas/hygiene/run-summary';
import { runSweep } from '../../../lambdas/hygiene/sweep';
import { renderRunSummaryText } from '../../../lambdas/render/run-summary-text';
import { credential, days, NOW } from '../support/credentials';
import { MemoryScanner, MemoryTable, MemoryWriter } from '../support/memory-ports';

/** An enforce run over 10 expired credentials: the guard trips at `maxDeletesPerRun` below 10. */
async function run(maxDeletesPerRun: number): Promise<RunSummary> {
  const items = Array.from({ length: 10 }, (_, i) => credential(`x${i}-expired`, { expiresTime: days(-1) }));
  const table = new MemoryTable(items);
  return runSweep(
    { scanner: new MemoryScanner(table), writer: new MemoryWriter(table), clock: () => NOW },
    {
      config: parseConfig({ maxDeletesPerRun, maxDeletePercent: 100 }),
      now: NOW,
      runId: 'run-1',
      mode: 'enforce',
    },
  );
}

describe("local's run summary", () => {
  it('a tripped guard gives no command to paste, says why and what to do instead', async () => {
    const text = localRunSummaryText(await run(5));

    expect(text).toContain('!! GUARD TRIPPED: 10 deletions planned, NONE made.');
    expect(text).toContain(
      "!! Warnings, flags and notices were still applied.\n!! No command can check or approve these deletions: this demo's database is deleted when local ends.\n",
    );
    expect(text).toContain('run local again with a --config raising maxDeletesPerRun or maxDeletePercent');
    expect(text).not.toContain('pc-hygiene sweep');
    expect(text).not.toContain('guard approve --max-deletes');
    expect(text).not.toContain('--allow-mass-delete');
  });

  it('the manifest line names no runs show: the run manifest is gone with the database', async () => {
    const summary: RunSummary = { ...(await run(500)), manifest: { pages: 1, entries: 10 } };

    expect(localRunSummaryText(summary)).toContain('Manifest: 10 deletion(s) in 1 page(s)\n');
    expect(localRunSummaryText(summary)).not.toContain('runs show');
    // What `sweep` prints for a table it can reach again.
    expect(renderRunSummaryText(summary)).toContain('(pc-hygiene runs show run-1)');
    // Aimed where the run looked, as the guard's advice is.
    expect(
      renderRunSummaryText(summary, { targetFlags: '--endpoint http://127.0.0.1:8000 --table T' }),
    ).toContain('(pc-hygiene runs show run-1 --endpoint http://127.0.0.1:8000 --table T)');
  });
});

describe("local's last line: the demo's folder", () => {
  it('names the folder and the rm -rf that removes it', () => {
    expect(demoFilesLeftLine('/tmp/pc-hygiene-local-Ab12')).toBe(
      "The demo's files are left in /tmp/pc-hygiene-local-Ab12: remove it when done (rm -rf /tmp/pc-hygiene-local-Ab12)",
    );
  });

  it('quotes a folder the shell would split or expand, as the other advice does (cli/format/shell-word.ts)', () => {
    expect(demoFilesLeftLine("/home/o'neil/my tmp/pc-hygiene-local-x")).toBe(
      "The demo's files are left in /home/o'neil/my tmp/pc-hygiene-local-x: remove it when done " +
        "(rm -rf '/home/o'\\''neil/my tmp/pc-hygiene-local-x')",
    );
    expect(demoFilesLeftLine('/tmp/$HOME/pc-hygiene-local-x')).toContain(
      "(rm -rf '/tmp/$HOME/pc-hygiene-local-x')",
    );
  });
});
