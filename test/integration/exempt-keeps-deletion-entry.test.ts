/**
 * `exempt` / `unexempt` on a soft-deleted credential never push its deletion's own history entry out of the
 * bounded history (docs/data-model.md, "History" and "Restore"): that entry records why and by which run it was
 * deleted, and `restore` refuses a deletion its history does not record. Before, 20 toggles on a deleted credential
 * dropped it and the credential could no longer be restored. Now the toggle that would drop it is refused (exit 1,
 * nothing written, the `restore` to run first named), the restore still works, and toggles go on after it. A toggle
 * that writes nothing (already in that state) and a live credential's toggles are not refused. In process, over
 * DynamoDB Local.
 */
import { describe, expect, it } from 'vitest';
import { registerExemptCommands } from '../../cli/commands/exempt';
import { registerRestoreCommand } from '../../cli/commands/restore';
import { HISTORY_ATTR, HYGIENE_ATTR } from '../../lambdas/hygiene/data-contract';
import { HISTORY_LIMIT } from '../../lambdas/hygiene/history';
import { hygieneDeletion } from '../support/hygiene-deletion';
import { runInProcess } from '../support/in-process-cli';
import { getItem } from '../support/items';
import { runCli, tableFlags } from '../support/run-cli';
import { useTestTable } from '../support/test-table';
import { credential, days } from '../unit/support/credentials';

const seed = () => [credential('gone', hygieneDeletion(days(-2), 'stale', 'run-1')), credential('live')];

describe('exemption toggles keep a deleted credential restorable (DynamoDB Local)', () => {
  const table = useTestTable('exempt-keeps-deletion', 'each', seed);
  const toggle = (exempt: boolean, id: string, reason: string) =>
    runInProcess(registerExemptCommands, [
      ...[exempt ? 'exempt' : 'unexempt', id, '--reason', reason, '--by', 'ops', '--now', days(0)],
      ...tableFlags(table),
    ]);
  const restore = () =>
    runInProcess(registerRestoreCommand, [
      ...['restore', 'gone', '--reason', 'still needed', '--by', 'ops', '--now', days(1)],
      ...tableFlags(table),
    ]);
  /** Toggles `id` `count` times from exempt, each expected to succeed. */
  const toggleTimes = async (id: string, count: number) => {
    for (let i = 0; i < count; i++) expect((await toggle(i % 2 === 0, id, `toggle ${i}`)).exitCode).toBe(0);
  };

  it('refuses the toggle that would drop the deletion entry, writes nothing; restore then works', async () => {
    // The deletion's entry plus 19 toggles fill the history: the next entry would push out the oldest, the deletion's.
    await toggleTimes('gone', HISTORY_LIMIT - 1);
    const before = await getItem(table.client, table.tableName, 'gone');
    expect(before?.[HISTORY_ATTR]).toHaveLength(HISTORY_LIMIT);

    const refused = await runCli([
      ...['unexempt', 'gone', '--reason', 'one too many', '--by', 'ops', '--now', days(0)],
      ...tableFlags(table),
    ]);

    expect(refused).toEqual({
      code: 1,
      stdout: '',
      stderr:
        `pc-hygiene: credential gone is soft-deleted (deletedAt ${days(-2)}, by run run-1) and its history is full ` +
        `(the newest ${HISTORY_LIMIT} entries are kept): this unexempt's entry would push out the oldest, run ` +
        "run-1's deletion entry, which records why it was deleted and which restore needs to undo it. Nothing " +
        `written: restore it first (pc-hygiene restore gone --reason TEXT --endpoint ${table.endpoint} --table ` +
        `${table.tableName}), then unexempt it\n`,
    });
    expect(await getItem(table.client, table.tableName, 'gone')).toEqual(before);

    const restored = await restore();
    expect(restored.error).toBeUndefined();
    expect(restored.exitCode).toBe(0);
    expect(restored.stdout).toContain('restored gone (deleted');
    const after = await toggle(false, 'gone', 'after the restore');
    expect(after.exitCode).toBe(0);
    expect((await getItem(table.client, table.tableName, 'gone'))?.[HYGIENE_ATTR.exempt]).toBeUndefined();
  });

  it('does not refuse a toggle that writes nothing, nor a live credential with a full history', async () => {
    await toggleTimes('gone', HISTORY_LIMIT - 1);
    // The 19th toggle exempted it: exempt again writes nothing, so it drops nothing.
    const again = await toggle(true, 'gone', 'already');
    expect(again.exitCode).toBe(0);
    expect(again.stdout).toBe(
      'gone already was exempt: nothing written; it stays soft-deleted: an exemption does not restore it\n',
    );

    await toggleTimes('live', HISTORY_LIMIT + 1);
    expect((await getItem(table.client, table.tableName, 'live'))?.[HISTORY_ATTR]).toHaveLength(
      HISTORY_LIMIT,
    );
  });
});
