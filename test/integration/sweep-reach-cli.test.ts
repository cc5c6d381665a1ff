/**
 * The sweep's reach section end to end on DynamoDB Local, as an operator
 * sees it (docs/sweep.md, "Owner reach"): `pc-hygiene sweep --directory-table`
 * says reach is unverified while the directory holds no import, then — after
 * `owners import` — how many owners with events cannot be reached and why,
 * on the route of the `--config` file; `--format json` carries the same
 * section.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../lambdas/hygiene/run-summary';
import { verifiedReach } from '../support/reach-counts';
import {
  importOwnersCli,
  type ReachFixtures,
  useOwnedTables,
  writeReachFixtures,
} from '../support/reach-fixtures';
import { runCli, tableFlags } from '../support/run-cli';
import { useTempDir } from '../support/temp-dir';
import { credential, days } from '../unit/support/credentials';

describe('sweep --directory-table: owner reach in the run summary (CLI, DynamoDB Local)', () => {
  // One expiry notice each for a..e; f's credential needs nothing (no event, not looked up).
  const { table, owners } = useOwnedTables('sweep-reach', [
    ...['a-1', 'b-1', 'c-1', 'd-1', 'e-1'].map((id) => credential(id, { expiresTime: days(5) })),
    credential('f-1'),
  ]);
  let fixtures: ReachFixtures;
  const tempDir = useTempDir('sweep-reach');
  beforeAll(async () => {
    fixtures = await writeReachFixtures(tempDir());
  });

  const sweep = (...extra: string[]) =>
    runCli([
      'sweep',
      ...tableFlags(table),
      '--directory-table',
      owners.tableName,
      '--now',
      days(0),
      '--dry-run',
      ...extra,
    ]);

  it('says reach is unverified while the directory holds no import', async () => {
    const text = await sweep();
    const json = await sweep('--format', 'json');

    expect(text.code).toBe(0);
    expect(text.stdout).toContain(
      'Owner reach is unverified: the owner directory holds no import (table missing or never imported',
    );
    expect((JSON.parse(json.stdout) as RunSummary).reach).toMatchObject({
      status: 'unverified',
      because: 'never-imported',
      ownersChecked: 0,
      unreachableOwners: 0,
    });
  });

  it('after owners import, prints how many owners with events are unreachable on sns-email, and why', async () => {
    const imported = await importOwnersCli(owners, fixtures.ownersCsv, days(0));
    expect(imported.code).toBe(0);

    const { code, stdout } = await sweep();

    expect(code).toBe(0);
    // Imported owners have no subscription until the reconciler has run: on sns-email nobody is reachable yet.
    expect(stdout).toContain(
      'Owner reach (sns-email): 5 of 5 owners with events UNREACHABLE ' +
        '(not-in-directory 1, departed 1, no-email 1, no-subscription 2)',
    );
    expect(stdout).toContain('  user-c: not-in-directory');
    expect(stdout).toContain('  user-d: no-email');
  });

  it('--format json carries the reach section, judged on the --config route', async () => {
    const { code, stdout } = await sweep('--config', fixtures.relayConfig, '--format', 'json');

    expect(code).toBe(0);
    const summary = JSON.parse(stdout) as RunSummary;
    expect(summary.reach).toEqual(
      verifiedReach('relay', 5, [
        { userId: 'user-a', reason: 'departed' },
        { userId: 'user-c', reason: 'not-in-directory' },
        { userId: 'user-d', reason: 'no-email' },
      ]),
    );
  });
});
