/**
 * The run id of `runs show <run-id>` and `restore --run <run-id>` is checked
 * before any table is touched (cli/options/run-id.ts): an empty one, or one
 * too long for its manifest's keys (`__hygiene__#run#<run-id>#<page>` must fit
 * DynamoDB's 2,048-byte key limit for every page a header may record), is a
 * usage error naming the argument and the limit (exit 2) — not "no manifest
 * header for run  in …" nor DynamoDB's raw key-size error (exit 1), which a
 * run id of 2,031 to 2,048 bytes met when its page 1 was read. The longest
 * run id still has a manifest both commands read.
 */
import { describe, expect, it } from 'vitest';
import { MAX_RUN_ID_BYTES } from '../../cli/options/run-id';
import { runCli, tableFlags } from '../support/run-cli';
import { useTestTable } from '../support/test-table';
import { days, staleDue } from '../unit/support/credentials';
import { sweepWithManifest } from './support/sweep-deps';

/** The usage error of a run id `bytes` long. */
const tooLong = (name: string, bytes: number) =>
  `pc-hygiene: ${name} is ${bytes.toLocaleString('en-US')} bytes in UTF-8; a run id holds at most 2,015, so that ` +
  `its manifest's keys (the run id, a prefix and a page number: docs/data-model.md, "Run manifests") fit ` +
  "DynamoDB's 2,048-byte key limit\n";

describe('runs show / restore --run: the run id', { timeout: 120_000 }, () => {
  const table = useTestTable('run-id-arg');
  /** Each command given `runId`, and how its usage error names it. */
  const COMMANDS: readonly [string, (runId: string) => string[], string][] = [
    ['runs show', (runId) => ['runs', 'show', runId], 'the run id argument'],
    [
      'restore --run',
      (runId) => ['restore', '--run', runId, '--reason', 'x', '--now', days(1)],
      'the --run run id',
    ],
  ];

  it('the bound is the key limit less the longest page key around the run id', () => {
    // 2,048 − `__hygiene__#run#` (16) − `#` (1) − the 16 digits of Number.MAX_SAFE_INTEGER.
    expect(MAX_RUN_ID_BYTES).toBe(2_015);
  });

  it.each(COMMANDS)('%s "": a usage error naming the argument (exit 2)', async (_, args, name) => {
    const run = await runCli([...args(''), ...tableFlags(table)]);

    expect(run).toEqual({ code: 2, stdout: '', stderr: `pc-hygiene: ${name} must not be empty\n` });
  });

  it.each([
    ['one byte past the bound (ASCII)', 'x'.repeat(2_016), 2_016],
    ['one byte past the bound in fewer characters (1,008 two-byte letters)', 'é'.repeat(1_008), 2_016],
    ['2,031 bytes (fits the header key, not page 1)', 'x'.repeat(2_031), 2_031],
    ['past the key limit itself', `${'é'.repeat(1_024)}x`, 2_049],
  ])('%s: a usage error naming the limit, for both commands (exit 2)', async (_, runId, bytes) => {
    for (const [, args, name] of COMMANDS) {
      const run = await runCli([...args(runId), ...tableFlags(table)]);

      expect(run).toEqual({ code: 2, stdout: '', stderr: tooLong(name, bytes) });
    }
  });

  it('the longest run id (2,015 bytes, two-byte letters counted in bytes): its run is shown and restored', async () => {
    const runId = `${'é'.repeat(1_007)}x`;
    await sweepWithManifest(table, runId, [staleDue('long-run-1')]);

    const show = await runCli([...COMMANDS[0]![1](runId), ...tableFlags(table)]);
    expect(show.stderr).toBe('');
    expect(show.code).toBe(0);
    expect(show.stdout).toContain('long-run-1');
    const restore = await runCli([...COMMANDS[1]![1](runId), ...tableFlags(table)]);
    expect(restore.stderr).toBe('');
    expect(restore.code).toBe(0);
    expect(restore.stdout).toContain('restored long-run-1');
  });
});
