/**
 * `pc-hygiene report --directory-table` end to end on DynamoDB Local, as an
 * operator runs it (docs/notifications.md, "Owner reach"): without
 * `--directory-table` it reads the one a sweep reads (`PersonalClientOwners`
 * with `--endpoint`); with one, it adds the owners' reach on the
 * `--config` route (counts per reason) and the orphan rule's verdict on the
 * directory (the run summary's line and `directory`: used, stale, …), and names
 * each listed owner with their reach, in the table and in `--format json`;
 * the env var names the directory too, and a directory never imported leaves
 * reach unverified.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { PostureReport } from '../../lambdas/hygiene/posture';
import { reasonCounts } from '../support/reach-counts';
import { importOwnersCli, useOwnedTables, writeReachFixtures } from '../support/reach-fixtures';
import { runCli, tableFlags } from '../support/run-cli';
import { useTempDir } from '../support/temp-dir';
import { credential, days } from '../unit/support/credentials';

// user-f has no credential (see MIXED_OWNERS_CSV for the others).

describe('report --directory-table: owner reach in the posture report (CLI, DynamoDB Local)', () => {
  const { table, owners } = useOwnedTables('report-reach', [
    // user-a is the riskiest owner (two credentials, one expired); user-g's only credential is soft-deleted.
    credential('a-1', { expiresTime: days(-1) }),
    credential('a-2'),
    ...['b-1', 'c-1', 'd-1', 'e-1'].map((id) => credential(id)),
    credential('g-1', { deletedAt: days(-2) }),
  ]);
  let relayConfig: string;
  const tempDir = useTempDir('report-reach');
  beforeAll(async () => {
    const fixtures = await writeReachFixtures(tempDir());
    relayConfig = fixtures.relayConfig;
    const imported = await importOwnersCli(owners, fixtures.ownersCsv, days(-1));
    expect(imported.code).toBe(0);
  });

  const report = (...extra: string[]) =>
    runCli(['report', ...tableFlags(table), '--now', days(0), '--config', relayConfig, ...extra]);

  it('without --directory-table reads the one a sweep reads: PersonalClientOwners (absent here, so never imported)', async () => {
    const text = await report();
    const named = await report('--directory-table', 'PersonalClientOwners');
    const json = await report('--format', 'json');

    expect(text.code).toBe(0);
    expect(text.stdout).toBe(named.stdout);
    expect(text.stdout).toContain('\nOwner directory: none loaded;');
    // On relay the relay addresses its emails from the directory: with none imported it could email nobody.
    expect(text.stdout).toContain('directory never imported: nobody can be emailed on relay');
    const parsed = JSON.parse(json.stdout) as PostureReport;
    expect(parsed.directory?.status).toBe('no-directory');
    expect(parsed.reach).toMatchObject({ route: 'relay', directory: { imported: false }, reachable: 0 });
  });

  it('prints the reach section and a name and reach column per owner', async () => {
    const { code, stdout } = await report('--directory-table', owners.tableName);

    expect(code).toBe(0);
    expect(stdout).toContain(
      `\nOwner directory: as of ${days(-1)}, 5 owner(s), 1 departed (orphan rule applied)\n\n` +
        `Owner reach (relay):\n  directory as of ${days(-1)}, 5 owner(s)\n`,
    );
    expect(stdout).toMatch(/^owners of active credentials or pending notices {2}5$/m);
    expect(stdout).toMatch(/^reachable +2$/m);
    expect(stdout).toMatch(/^unreachable +3$/m);
    expect(stdout).toMatch(/^ {2}not-in-directory +1$/m);
    expect(stdout).toMatch(/^ {2}departed +1$/m);
    expect(stdout).toMatch(/^ {2}no-email +1$/m);
    expect(stdout).not.toMatch(/^ {2}bouncing/m);
    expect(stdout).toMatch(/^OWNER +NAME +REACH +CREDENTIALS/m);
    expect(stdout).toMatch(/^user-a +Ann +departed +2 /m);
    expect(stdout).toMatch(/^user-b +Bob +reachable +1 /m);
    expect(stdout).toMatch(/^user-c +- +not-in-directory +1 /m);
    expect(stdout).toMatch(/^user-d +Dee +no-email +1 /m);
    expect(stdout).not.toContain('user-g');
  });

  it('--format json carries the same section and each listed owner with name and reach', async () => {
    const { code, stdout } = await report('--directory-table', owners.tableName, '--format', 'json');

    expect(code).toBe(0);
    const parsed = JSON.parse(stdout) as PostureReport;
    expect(parsed.reach).toEqual({
      status: 'verified',
      route: 'relay',
      directory: { imported: true, asOf: days(-1), owners: 5, maxAgeDays: 7, stale: false },
      ownersChecked: 5,
      reachable: 2,
      unreachable: 3,
      byReason: reasonCounts({ 'not-in-directory': 1, departed: 1, 'no-email': 1 }),
    });
    expect(parsed.directory).toEqual({
      status: 'used',
      asOf: days(-1),
      owners: 5,
      departed: 1,
      maxAgeDays: 7,
    });
    expect(parsed.owners.top.map((o) => [o.userId, o.name, o.reach])).toEqual([
      ['user-a', 'Ann', 'departed'],
      ['user-b', 'Bob', 'reachable'],
      ['user-c', undefined, 'not-in-directory'],
      ['user-d', 'Dee', 'no-email'],
      ['user-e', 'Eve', 'reachable'],
    ]);
  });

  it('takes the directory from PC_HYGIENE_DIRECTORY_TABLE and says when its snapshot is stale', async () => {
    const { code, stdout } = await runCli(
      ['report', ...tableFlags(table), '--now', days(10), '--config', relayConfig, '--format', 'json'],
      { PC_HYGIENE_DIRECTORY_TABLE: owners.tableName },
    );
    const text = await runCli(['report', ...tableFlags(table), '--now', days(10)], {
      PC_HYGIENE_DIRECTORY_TABLE: owners.tableName,
    });

    expect(code).toBe(0);
    expect((JSON.parse(stdout) as PostureReport).reach?.directory).toEqual({
      imported: true,
      asOf: days(-1),
      owners: 5,
      maxAgeDays: 7,
      stale: true,
    });
    // The default route (sns-email): imported owners have no subscription until the reconciler has run.
    expect(text.stdout).toContain('Owner reach (sns-email):');
    expect(text.stdout).toContain(
      `\nOwner directory: STALE (as of ${days(-1)}, older than directoryMaxAgeDays 7); nothing would be orphaned - re-import it (owners import --as-of)\n`,
    );
    expect(text.stdout).toMatch(/^ {2}no-subscription +2$/m);
  });

  it('with a missing or never-imported directory: unverified on sns-email, every owner not-in-directory on relay', async () => {
    const snsEmail = await runCli([
      'report',
      ...tableFlags(table),
      '--now',
      days(0),
      '--directory-table',
      'no-such-directory',
    ]);
    const text = await report('--directory-table', 'no-such-directory');
    const json = await report('--directory-table', 'no-such-directory', '--format', 'json');

    expect(snsEmail.code).toBe(0);
    expect(snsEmail.stdout).toContain('Owner reach is unverified: the owner directory holds no import');
    expect(snsEmail.stdout).toMatch(/^OWNER +CREDENTIALS +RISKY/m);
    // On relay the relay addresses its emails from this table: it could email nobody.
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('directory never imported: nobody can be emailed on relay');
    expect((JSON.parse(json.stdout) as PostureReport).reach).toMatchObject({
      status: 'verified',
      route: 'relay',
      directory: { imported: false, owners: 0 },
      ownersChecked: 5,
      reachable: 0,
      unreachable: 5,
    });
  });

  it('rejects an invalid --directory-table name with exit 2', async () => {
    const result = await report('--directory-table', 'x');

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--directory-table "x" is not a valid table name');
  });
});
