/**
 * What the operator commands print of stored free text, and how they read
 * `--by`, against DynamoDB Local (child processes, as a user runs them):
 * `runs show` and `guard approve|status` escape control characters in every
 * stored field and never let one start a line of its own (a forged "Last
 * used: never"); a blank `--by` is refused by `exempt` and `guard approve` as
 * by `restore`, never replaced by a default name; `--max-deletes` stops at
 * the config's own bound.
 */
import { describe, expect, it } from 'vitest';
import { MAX_APPROVED_DELETES } from '../../cli/commands/guard';
import { RUN_MANIFEST_ATTR, runHeaderId } from '../../lambdas/hygiene/data-contract';
import type { RunManifestHeader } from '../../lambdas/hygiene/run-manifest';
import { putItems } from '../support/items';
import { runCli, tableFlags } from '../support/run-cli';
import { useTestTable } from '../support/test-table';
import { credential, days } from '../unit/support/credentials';
import { exportTable } from './support/sweep-deps';

const ESC = '\u001b';
/** An OSC sequence retitling the terminal window, and a recolouring CSI one. */
const HOSTILE_BY = `${ESC}]0;pwned\u0007mallory${ESC}[8m`;

describe('operator commands and stored text (CLI, DynamoDB Local)', { timeout: 240_000 }, () => {
  const table = useTestTable('operator-text', 'each');
  const flags = () => tableFlags(table);

  it('runs show prints the header with stored by / approvedBy escaped, each on its own line', async () => {
    const header: RunManifestHeader = {
      runId: 'run-hostile',
      now: days(0),
      startedAt: days(0),
      finishedAt: days(0),
      status: 'complete',
      deleted: { expired: 0, stale: 0, orphaned: 0, total: 0 },
      pages: 0,
      guard: { tripped: true, overridden: true, approvedBy: `ops\nRun forged (complete)` },
      by: HOSTILE_BY,
    };
    await putItems(table.client, table.tableName, [
      { id: runHeaderId('run-hostile'), [RUN_MANIFEST_ATTR.header]: header },
    ]);

    const show = await runCli(['runs', 'show', 'run-hostile', ...flags()]);

    expect(show.code).toBe(0);
    expect(show.stdout).not.toContain(ESC);
    expect(show.stdout).not.toContain('\u0007');
    const lines = show.stdout.split('\n');
    expect(lines[0]).toContain('by \\x1b]0;pwned\\x07mallory\\x1b[8m');
    expect(lines[1]).toContain('overridden (approval by ops\\x0aRun forged (complete))');
    expect(lines.filter((l) => l.startsWith('Run '))).toHaveLength(1);
  });

  it('guard approve and status print a stored reason with a newline on one line, and escape by', async () => {
    const forged = 'cleanup\nLast used: never';
    const approve = await runCli([
      'guard',
      'approve',
      '--max-deletes',
      '5',
      '--reason',
      forged,
      '--by',
      HOSTILE_BY,
      ...flags(),
    ]);
    expect(approve.code).toBe(0);
    expect(approve.stdout.split('\n')).toEqual([
      expect.stringMatching(
        /^guard approval recorded: up to 5 deletions, by \\x1b\]0;pwned\\x07mallory\\x1b\[8m at /,
      ),
      '',
    ]);
    expect(approve.stdout).toContain(': cleanup\\x0aLast used: never');

    const status = await runCli(['guard', 'status', ...flags()]);

    expect(status.code).toBe(0);
    expect(status.stdout).not.toContain(ESC);
    expect(status.stdout.split('\n')).toEqual([
      expect.stringMatching(
        /^Pending approval: up to 5 deletions, by \\x1b.*: cleanup\\x0aLast used: never$/,
      ),
      'Last used: never',
      '',
    ]);
  });

  it('a blank --by is refused by exempt, unexempt and guard approve, as by restore, and nothing is written', async () => {
    await putItems(table.client, table.tableName, [credential('b-keep')]);
    const before = await exportTable(table);
    const runs = [
      ['exempt', 'b-keep', '--reason', 'break-glass', '--by', '  '],
      ['unexempt', 'b-keep', '--reason', 'retired', '--by', ''],
      ['guard', 'approve', '--max-deletes', '5', '--reason', 'backlog', '--by', ' '],
      ['restore', 'b-keep', '--reason', 'mistake', '--by', '  '],
    ];
    for (const args of runs) {
      const run = await runCli([...args, ...flags()], { PC_HYGIENE_OPERATOR: 'ops-alice' });
      expect({ args, code: run.code, stderr: run.stderr }).toEqual({
        args,
        code: 2,
        stderr: expect.stringContaining('--by must not be empty'),
      });
    }
    expect(await exportTable(table)).toEqual(before);
  });

  it('guard approve --max-deletes allows up to the config maxDeletesPerRun bound, not more', async () => {
    const over = await runCli([
      'guard',
      'approve',
      '--max-deletes',
      String(MAX_APPROVED_DELETES + 1),
      '--reason',
      'x',
      ...flags(),
    ]);
    expect(over.code).toBe(2);
    expect(over.stderr).toContain(`must be an integer from 1 to ${MAX_APPROVED_DELETES}`);
    expect(await exportTable(table)).toEqual([]);
    const most = await runCli([
      'guard',
      'approve',
      '--max-deletes',
      String(MAX_APPROVED_DELETES),
      '--reason',
      'x',
      ...flags(),
    ]);
    expect(most.code).toBe(0);
  });
});
