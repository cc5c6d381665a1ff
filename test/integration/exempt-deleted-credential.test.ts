/**
 * `exempt` of a credential already soft-deleted, on DynamoDB Local, in process (docs/rules.md, "Exempt
 * credentials"): an exemption does not undo a soft-delete, so the command records it but never reads as if the
 * credential were kept. Its line says the credential stays soft-deleted, one warning on stderr gives the deletion
 * (`deletedAt`, reason), the purge due and the `restore` to run, aimed at the same table, and the JSON carries
 * `deletedAt`, `deletedReason` and `purgeAt` (docs/cli-json.md); exit 0. The recorded exemption still counts: the
 * advised restore of a credential past its expiry needs no `--force`, and no sweep deletes it again.
 */
import { describe, expect, it } from 'vitest';
import { registerExemptCommands } from '../../cli/commands/exempt';
import { registerRestoreCommand } from '../../cli/commands/restore';
import { parseConfig } from '../../lambdas/hygiene/config';
import { HYGIENE_ATTR, PURGE_PENDING_ATTR } from '../../lambdas/hygiene/data-contract';
import { runSweep } from '../../lambdas/hygiene/sweep';
import { DAY_MS, formatInstant } from '../../lambdas/hygiene/time';
import { hygieneDeletion } from '../support/hygiene-deletion';
import { runInProcess } from '../support/in-process-cli';
import { getItem } from '../support/items';
import { tableFlags } from '../support/run-cli';
import { useTestTable } from '../support/test-table';
import { credential, days, NOW } from '../unit/support/credentials';
import { sweepDeps } from './support/sweep-deps';

/** The purge the sweep held back for the deletion notice (`hygienePurgePending`), in epoch seconds. */
const PURGE_SECONDS = Math.floor((NOW + 28 * DAY_MS) / 1000);

/** A credential pc-hygiene deleted as expired two days before `NOW`, its purge held back for its notice. */
const expiredAndDeleted = (id: string, extra: Record<string, unknown> = {}) =>
  credential(id, {
    expiresTime: days(-3),
    updatedAt: days(-2),
    ...hygieneDeletion(days(-2), 'expired', 'run-1'),
    [PURGE_PENDING_ATTR]: PURGE_SECONDS,
    ...extra,
  });

const seed = () => [
  expiredAndDeleted('gone'),
  expiredAndDeleted('gone-exempt', { [HYGIENE_ATTR.exempt]: true }),
  // An id that starts with - (allowed: docs/data-model.md, "Seed fields"), which the CLI reads after -- only.
  expiredAndDeleted('-gone'),
  // Deleted upstream (its owner revoked it): no hygieneDeletedReason, which restore refuses.
  credential('revoked', { deletedAt: days(-1), updatedAt: days(-1) }),
  credential('live'),
  // Expired, not deleted and not exempt: the sweep below deletes it, so it does delete what is not exempt.
  credential('lapsed', { expiresTime: days(-1) }),
];

/** A guard that lets every deletion through, so the sweep below decides by the rules alone. */
const NO_GUARD = parseConfig({ maxDeletePercent: 100, maxDeletesPerRun: 10_000 });

/** The one `pc-hygiene exempt: warning: …` line of `stderr`, or a failure when there is not exactly one. */
function warningOf(stderr: string): string {
  const warnings = stderr.split('\n').filter((line) => line.startsWith('pc-hygiene exempt: warning: '));
  expect(warnings).toHaveLength(1);
  return warnings[0] as string;
}

describe('exempt of a soft-deleted credential (DynamoDB Local)', () => {
  const table = useTestTable('exempt-deleted', 'each', seed);
  const exempt = (command: 'exempt' | 'unexempt', id: string, ...more: string[]) =>
    runInProcess(
      registerExemptCommands,
      [
        command,
        id,
        '--reason',
        'needed by CI',
        '--by',
        'ops',
        '--now',
        formatInstant(NOW),
        ...tableFlags(table),
        ...more,
      ],
      { rethrow: true },
    );

  it('records the exemption, says the credential stays deleted and how to restore it; the restore needs no --force', async () => {
    const run = await exempt('exempt', 'gone');

    expect(run.exitCode).toBe(0);
    expect(run.stdout).toBe(
      `gone is now exempt (by ops at ${formatInstant(NOW)}: needed by CI), ` +
        'but stays soft-deleted: an exemption does not restore it\n',
    );
    expect(run.stdout).not.toMatch(/\bkept?\b/);
    const restoreAdvice = `pc-hygiene restore gone --reason TEXT --endpoint ${table.endpoint} --table ${table.tableName}`;
    expect(warningOf(run.stderr)).toBe(
      `pc-hygiene exempt: warning: gone is soft-deleted (deletedAt ${days(-2)}, reason expired): an exemption ` +
        `does not undo that; DynamoDB's TTL removes it for good after ${formatInstant(PURGE_SECONDS * 1000)} unless ` +
        `it is restored first; to keep it, restore it: ${restoreAdvice}`,
    );
    const item = await getItem(table.client, table.tableName, 'gone');
    expect(item).toMatchObject({
      [HYGIENE_ATTR.exempt]: true,
      deletedAt: days(-2),
      [PURGE_PENDING_ATTR]: PURGE_SECONDS,
    });

    // The advice as typed (a reason in TEXT's place): past its expiry, yet restored without --force, as exempt.
    const typed = restoreAdvice.split(' ').slice(1);
    typed[typed.indexOf('TEXT')] = 'still needed';
    await runInProcess(registerRestoreCommand, [...typed, '--by', 'ops', '--now', days(1)], {
      rethrow: true,
    });
    await runSweep(sweepDeps(table), {
      config: NO_GUARD,
      now: NOW + 2 * DAY_MS,
      runId: 'run-2',
      mode: 'enforce',
    });
    const kept = await getItem(table.client, table.tableName, 'gone');
    expect(kept?.deletedAt).toBeUndefined();
    expect(kept?.[HYGIENE_ATTR.exempt]).toBe(true);
    expect((await getItem(table.client, table.tableName, 'lapsed'))?.deletedAt).toBeDefined();
  });

  it('an id that starts with -: the restore names it last, after --, and works as typed', async () => {
    const run = await runInProcess(
      registerExemptCommands,
      [
        ...['exempt', '--reason', 'needed by CI', '--by', 'ops', '--now', formatInstant(NOW)],
        ...tableFlags(table),
        ...['--', '-gone'],
      ],
      { rethrow: true },
    );

    expect(run.exitCode).toBe(0);
    const restoreAdvice = `pc-hygiene restore --reason TEXT --endpoint ${table.endpoint} --table ${table.tableName} -- -gone`;
    expect(warningOf(run.stderr)).toBe(
      `pc-hygiene exempt: warning: -gone is soft-deleted (deletedAt ${days(-2)}, reason expired): an exemption ` +
        `does not undo that; DynamoDB's TTL removes it for good after ${formatInstant(PURGE_SECONDS * 1000)} unless ` +
        `it is restored first; to keep it, restore it: ${restoreAdvice}`,
    );

    // The advice as typed (a reason in TEXT's place; this test's --by and --now before the --).
    const typed = restoreAdvice.split(' ').slice(1);
    typed[typed.indexOf('TEXT')] = 'still needed';
    typed.splice(typed.indexOf('--'), 0, '--by', 'ops', '--now', days(1));
    const restored = await runInProcess(registerRestoreCommand, typed, { rethrow: true });

    expect(restored.exitCode).toBe(0);
    expect((await getItem(table.client, table.tableName, '-gone'))?.deletedAt).toBeUndefined();
  });

  it('--format json adds the deletion (deletedAt, deletedReason, purgeAt), warns once on stderr, exits 0', async () => {
    const run = await exempt('exempt', 'gone', '--format', 'json');

    expect(run.exitCode).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      id: 'gone',
      exempt: true,
      changed: true,
      at: formatInstant(NOW),
      by: 'ops',
      reason: 'needed by CI',
      deletedAt: days(-2),
      deletedReason: 'expired',
      purgeAt: formatInstant(PURGE_SECONDS * 1000),
    });
    expect(warningOf(run.stderr)).toContain('gone is soft-deleted');
  });

  it('already exempt and deleted: nothing written, and still not said to be kept', async () => {
    const run = await exempt('exempt', 'gone-exempt');

    expect(run.stdout).toBe(
      'gone-exempt already was exempt: nothing written; it stays soft-deleted: an exemption does not restore it\n',
    );
    expect(warningOf(run.stderr)).toContain(
      'to keep it, restore it: pc-hygiene restore gone-exempt --reason TEXT',
    );
  });

  it('deleted upstream: the warning says restore refuses it, the JSON has no deletedReason', async () => {
    const run = await exempt('exempt', 'revoked', '--format', 'json');

    expect(JSON.parse(run.stdout)).toMatchObject({ id: 'revoked', changed: true, deletedAt: days(-1) });
    expect(JSON.parse(run.stdout)).not.toHaveProperty('deletedReason');
    expect(warningOf(run.stderr)).toBe(
      `pc-hygiene exempt: warning: revoked is soft-deleted (deletedAt ${days(-1)}, deleted upstream: no ` +
        'hygieneDeletedReason): an exemption does not undo that; restore refuses a deletion pc-hygiene did not ' +
        'make: undo it where it was made',
    );
  });

  it('a live credential: no warning and no deletion keys, as before', async () => {
    const run = await exempt('exempt', 'live', '--format', 'json');

    expect(Object.keys(JSON.parse(run.stdout)).sort()).toEqual([
      'at',
      'by',
      'changed',
      'exempt',
      'id',
      'reason',
    ]);
    expect(run.stderr).not.toContain('warning');
  });

  it('unexempt of a deleted credential: its JSON says it is deleted, with no warning (it claims nothing kept)', async () => {
    const run = await exempt('unexempt', 'gone-exempt', '--format', 'json');

    expect(JSON.parse(run.stdout)).toMatchObject({ exempt: false, changed: true, deletedAt: days(-2) });
    expect(run.stderr).not.toContain('warning');
  });
});
