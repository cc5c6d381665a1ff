/**
 * `pc-hygiene restore --run` as the run-manifest tests call it: a child
 * process on a test table, at the tests' `NOW`, one reason, so each test
 * names only the run and its own flags.
 */
import { type CliRun, runCli, tableFlags } from '../../support/run-cli';
import type { TestTable } from '../../support/test-table';
import { days } from '../../unit/support/credentials';

/** Runs `pc-hygiene restore --run RUN_ID --reason "bad config" --now NOW` on `table`, then `extra`. */
export function restoreRunCli(table: TestTable, runId: string, ...extra: string[]): Promise<CliRun> {
  return runCli([
    'restore',
    '--run',
    runId,
    '--reason',
    'bad config',
    '--now',
    days(0),
    ...tableFlags(table),
    ...extra,
  ]);
}
