/**
 * `unexempt` of a credential whose deletion has come due, on DynamoDB Local, in process (docs/rules.md, "Exempt
 * credentials"): the exemption was all that held it back, so the line says the next sweep soft-deletes it — expired
 * (and when), or a flag past its `deleteAfter` (with what still spares it) — and the JSON carries `deletionDue`
 * (docs/cli-json.md); a credential with nothing due gets neither. The sweep then does delete the expired one.
 */
import { describe, expect, it } from 'vitest';
import { registerExemptCommands } from '../../cli/commands/exempt';
import { parseConfig } from '../../lambdas/hygiene/config';
import { HYGIENE_ATTR } from '../../lambdas/hygiene/data-contract';
import { runSweep } from '../../lambdas/hygiene/sweep';
import { formatInstant } from '../../lambdas/hygiene/time';
import { runInProcess } from '../support/in-process-cli';
import { getItem } from '../support/items';
import { tableFlags } from '../support/run-cli';
import { useTestTable } from '../support/test-table';
import { credential, days, NOW } from '../unit/support/credentials';
import { sweepDeps } from './support/sweep-deps';

const exempt = { [HYGIENE_ATTR.exempt]: true };

const seed = () => [
  credential('lapsed', { ...exempt, expiresTime: days(-3) }),
  credential('orphan-due', {
    ...exempt,
    [HYGIENE_ATTR.orphanedAt]: days(-40),
    [HYGIENE_ATTR.orphanDeleteAfter]: days(-10),
  }),
  credential('stale-due', {
    ...exempt,
    lastUsedAt: days(-200),
    [HYGIENE_ATTR.staleFlaggedAt]: days(-20),
    [HYGIENE_ATTR.staleDeleteAfter]: days(-6),
  }),
  credential('healthy', { ...exempt, expiresTime: days(30) }),
];

describe('unexempt of a credential whose deletion has come due (DynamoDB Local)', () => {
  const table = useTestTable('unexempt-due', 'each', seed);
  const unexempt = (id: string, ...more: string[]) =>
    runInProcess(
      registerExemptCommands,
      [
        'unexempt',
        id,
        '--reason',
        'retired',
        '--by',
        'ops',
        '--now',
        formatInstant(NOW),
        ...tableFlags(table),
        ...more,
      ],
      { rethrow: true },
    );
  const done = (id: string) => `${id} is now not exempt (by ops at ${formatInstant(NOW)}: retired)`;

  it('an expired credential: says when it expired and that the next sweep soft-deletes it, which it does', async () => {
    const run = await unexempt('lapsed');

    expect(run.exitCode).toBe(0);
    expect(run.stdout).toBe(`${done('lapsed')}; it expired on ${days(-3)}: the next sweep soft-deletes it\n`);
    await runSweep(sweepDeps(table), {
      config: parseConfig({ maxDeletePercent: 100 }),
      now: NOW,
      runId: 'run-2',
      mode: 'enforce',
    });
    expect(await getItem(table.client, table.tableName, 'lapsed')).toMatchObject({
      deletedAt: formatInstant(NOW),
      [HYGIENE_ATTR.deletedReason]: 'expired',
    });
  });

  it('a flag past its deleteAfter: says when it came due and what still spares it', async () => {
    expect((await unexempt('orphan-due')).stdout).toBe(
      `${done('orphan-due')}; its orphan flag came due on ${days(-10)}: the next sweep soft-deletes it ` +
        'unless its owner is no longer departed\n',
    );
    expect((await unexempt('stale-due')).stdout).toBe(
      `${done('stale-due')}; its stale flag came due on ${days(-6)}: the next sweep soft-deletes it ` +
        'unless it was used since it was flagged\n',
    );
  });

  it('--format json carries deletionDue; nothing due, nothing said', async () => {
    const json = JSON.parse((await unexempt('lapsed', '--format', 'json')).stdout);
    expect(json).toMatchObject({
      exempt: false,
      changed: true,
      deletionDue: { rule: 'expired', since: days(-3) },
    });

    expect((await unexempt('healthy')).stdout).toBe(`${done('healthy')}\n`);
    const healthy = JSON.parse((await unexempt('healthy', '--format', 'json')).stdout);
    expect(healthy).not.toHaveProperty('deletionDue');
  });
});
