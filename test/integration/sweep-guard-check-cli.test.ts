/**
 * The tripped guard's "Check the plan" command checks the run's own plan (docs/sweep.md, "The blast-radius guard"):
 * a sweep run with `--now`, `--config` and `--directory-table` prints a `sweep --dry-run` carrying them (quoted as
 * the shell reads them back), and that command, pasted into a shell as printed, plans the same deletions and trips
 * the guard the same way — not the wall clock's, the built-in config's or another directory's plan. The `guard
 * approve` beside it carries none of them (an approval is a count and an expiry). On DynamoDB Local.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { HYGIENE_ATTR } from '../../lambdas/hygiene/data-contract';
import { importOwnersCli, useOwnedTables } from '../support/reach-fixtures';
import { runCli, runPasted, tableFlags } from '../support/run-cli';
import { useTempDir } from '../support/temp-dir';
import { credential, days, smallFleet } from '../unit/support/credentials';
import { exportTable } from './support/sweep-deps';

const NOW_ISO = days(0);

/**
 * At NOW, with the directory below, two deletions of 24 active credentials: `b-expired` (expired) and `z-orphan`
 * (user-z departed, its orphan grace over). 2/24 is above the file's 5% and below the built-in 10%; without the
 * directory only `b-expired` is due (under 5%); at a later wall clock other credentials are.
 */
const fleet = () => [
  ...smallFleet(),
  credential('z-orphan', {
    [HYGIENE_ATTR.orphanedAt]: days(-10),
    [HYGIENE_ATTR.orphanDeleteAfter]: days(-3),
  }),
];

/** The banner's lines naming the guard's exceeded limits. */
const reasonLines = (stdout: string) => stdout.match(/^!! {3}.*$/gm) ?? [];

describe("the tripped guard's check command (CLI, DynamoDB Local)", () => {
  const { table, owners } = useOwnedTables('guard-check', fleet());
  const tempDir = useTempDir('guard-check');
  let config: string;
  beforeAll(async () => {
    // A name with a space: the check must quote it for the shell.
    config = join(tempDir(), 'tight config.json');
    await writeFile(config, JSON.stringify({ maxDeletePercent: 5 }));
    const csv = join(tempDir(), 'owners.csv');
    await writeFile(csv, 'userId,email,name,status\nuser-z,,Zed,departed\n');
    expect((await importOwnersCli(owners, csv, NOW_ISO)).code).toBe(0);
  });

  it("prints a check carrying the run's --now, --config and --directory-table, which pasted plans the same", async () => {
    const settings = ['--now', NOW_ISO, '--config', config, '--directory-table', owners.tableName];

    const tripped = await runCli(['sweep', ...tableFlags(table), ...settings]);

    expect(tripped.code).toBe(3);
    expect(tripped.stdout).toContain('GUARD TRIPPED: 2 deletions planned, NONE made.');
    const check = /Check the plan \((pc-hygiene sweep --dry-run .*)\);$/m.exec(tripped.stdout)?.[1];
    expect(check).toBe(
      `pc-hygiene sweep --dry-run --endpoint ${table.endpoint} --table ${table.tableName} ` +
        `--now ${NOW_ISO} --config '${config}' --directory-table ${owners.tableName}`,
    );
    // The approval is a count and an expiry: guard approve gets the target only (it takes no --now or --config).
    expect(tripped.stdout).toMatch(
      new RegExp(
        `approve them: pc-hygiene guard approve --max-deletes 2 --reason "\\.\\.\\." ` +
          `--endpoint \\S+ --table ${table.tableName}$`,
        'm',
      ),
    );

    const pasted = await runPasted(check ?? '');

    expect(pasted.stderr).toBe('');
    expect(pasted.code).toBe(3);
    expect(pasted.stdout).toContain(`now ${NOW_ISO}`);
    expect(pasted.stdout).toContain('GUARD TRIPPED: 2 deletions planned, NONE would be made.');
    expect(reasonLines(pasted.stdout)).toEqual(reasonLines(tripped.stdout));
    expect(reasonLines(pasted.stdout)).not.toEqual([]);
    for (const id of ['b-expired', 'z-orphan']) expect(pasted.stdout).toContain(id);
    // Neither run deleted anything: the sweep was held by the guard, the check is a dry run.
    expect((await exportTable(table)).filter((item) => 'deletedAt' in item)).toEqual([]);
  });

  it("--allow-mass-delete refused in AWS names a check with the run's settings (a directory from its env var too)", async () => {
    const aws = ['--table', 'Tight', '--region', 'eu-west-1'];
    const refused = await runCli(
      ['sweep', ...aws, '--now', NOW_ISO, '--config', config, '--allow-mass-delete'],
      { PC_HYGIENE_DIRECTORY_TABLE: 'Owners' },
    );

    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain(
      `Check the plan (pc-hygiene sweep --dry-run --table Tight --region eu-west-1 --now ${NOW_ISO} ` +
        `--config '${config}' --directory-table Owners), record an approval with pc-hygiene guard approve ` +
        '--max-deletes N --reason TEXT [--expires-in 24h] --table Tight --region eu-west-1, then',
    );
  });
});
