/**
 * "See before acting": the sweep tells `onDeletion` of every planned deletion
 * with the guard's verdict (audit mode included, nothing written), which
 * `sweep --dry-run` lists; and `--config` accepts the CDK context value forms.
 */
import { describe, expect, it } from 'vitest';
import { coerceFlatValues, parseConfig } from '../../lambdas/hygiene/config';
import { type PlannedDeletion, runSweep } from '../../lambdas/hygiene/sweep';
import { credential, days, NOW } from './support/credentials';
import { MemoryScanner, MemoryTable, MemoryWriter } from './support/memory-ports';

async function dryRun(
  maxDeletesPerRun: number,
): Promise<{ deletions: PlannedDeletion[]; table: MemoryTable }> {
  const table = new MemoryTable([
    credential('a-healthy'),
    credential('b-expired', { expiresTime: days(-1), lastUsedAt: days(-2) }),
    credential('c-expired', { expiresTime: days(-3) }),
  ]);
  const deletions: PlannedDeletion[] = [];
  await runSweep(
    {
      scanner: new MemoryScanner(table),
      writer: new MemoryWriter(table),
      clock: () => NOW,
      onDeletion: (d) => deletions.push(d),
    },
    {
      config: parseConfig({ maxDeletesPerRun, maxDeletePercent: 100 }),
      now: NOW,
      runId: 'sweep-dry',
      mode: 'audit',
    },
  );
  return { deletions: deletions.sort((x, y) => x.id.localeCompare(y.id)), table };
}

describe('onDeletion: every planned deletion with the guard verdict', () => {
  it('names id, owner, rule and the dates the rule read; allowed when the guard passes', async () => {
    const { deletions } = await dryRun(10);
    expect(deletions.map((d) => [d.id, d.rule, d.verdict, d.expiresTime])).toEqual([
      ['b-expired', 'expired', 'allowed', days(-1)],
      ['c-expired', 'expired', 'allowed', days(-3)],
    ]);
    expect(deletions[0]).toMatchObject({ userId: expect.any(String), lastUsedAt: days(-2) });
  });

  it('blocked-by-guard when the guard trips, and audit mode writes nothing either way', async () => {
    const { deletions, table } = await dryRun(1);
    expect(deletions.map((d) => d.verdict)).toEqual(['blocked-by-guard', 'blocked-by-guard']);
    const before = new MemoryTable([
      credential('b-expired', { expiresTime: days(-1), lastUsedAt: days(-2) }),
    ]);
    expect(table.items.get('b-expired')).toEqual(before.items.get('b-expired'));
  });
});

describe('onDeletion: deletions the time budget stopped', () => {
  it('tells each one as deferred, with its id and rule, and writes none of them', async () => {
    const table = new MemoryTable([
      credential('b-expired', { expiresTime: days(-1), lastUsedAt: days(-2) }),
      credential('c-expired', { expiresTime: days(-3) }),
    ]);
    const scanner = new MemoryScanner(table);
    const deletions: PlannedDeletion[] = [];
    await runSweep(
      {
        scanner,
        writer: new MemoryWriter(table),
        clock: () => NOW,
        remainingMs: () => (scanner.finished ? 1_000 : 60_000),
        onDeletion: (d) => deletions.push(d),
      },
      {
        config: parseConfig({ maxDeletePercent: 100 }),
        now: NOW,
        runId: 'sweep-late',
        mode: 'enforce',
        deadlineMarginMs: 30_000,
      },
    );
    expect(deletions.map((d) => [d.id, d.rule, d.verdict]).sort()).toEqual([
      ['b-expired', 'expired', 'deferred'],
      ['c-expired', 'expired', 'deferred'],
    ]);
    expect(table.items.get('b-expired')).not.toHaveProperty('deletedAt');
  });
});

describe('coerceFlatValues: --config accepts the CDK context value forms', () => {
  it('coerces "30,7,1" and "60" like cdk.json values and keeps unknown keys for the schema to refuse', () => {
    expect(parseConfig(coerceFlatValues({ expiryNoticeDays: '30,7,1', staleAfterDays: '60' }))).toMatchObject(
      {
        expiryNoticeDays: [30, 7, 1],
        staleAfterDays: 60,
      },
    );
    expect(() => parseConfig(coerceFlatValues({ staleAfterDay: '60' }))).toThrow(
      /unknown key\(s\) staleAfterDay/,
    );
    expect(() => parseConfig(coerceFlatValues({ staleAfterDays: 'ninety' }))).toThrow(
      /staleAfterDays = "ninety"/,
    );
  });
});
