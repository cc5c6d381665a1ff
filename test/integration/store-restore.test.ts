/**
 * Restoring a soft-deleted credential (cli/aws/restore.ts; docs/data-model.md, "Restore") on DynamoDB Local, after a
 * deletion the real transition writer made: the deletion, purge time and stale flag cleared, who, when and why
 * recorded, the unsent deletion notice withdrawn; refused for unknown or reserved ids, an expired credential without
 * `--force` (unless exempt), an instant before the deletion, a deletion pc-hygiene did not make, and a credential
 * deleted again (or restored and re-deleted by another run) since the read. Then `pc-hygiene restore` as users run
 * it.
 */
import { type DynamoDBDocumentClient, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CredentialNotFoundError,
  ExpiredRestoreError,
  NotDeletedByHygieneError,
  NotDeletedError,
  RestoreBeforeDeletionError,
  RestoreConflictError,
  restoreCredential,
} from '../../cli/aws/restore';
import { DynamoDbTransitionWriter } from '../../lambdas/aws/transition-writer';
import {
  HISTORY_ATTR,
  HYGIENE_ATTR,
  OUTBOX_ATTR,
  PURGE_PENDING_ATTR,
  RESERVED_ID_PREFIX,
  RESTORE_ATTR,
} from '../../lambdas/hygiene/data-contract';
import { eventsFor } from '../../lambdas/hygiene/events';
import { HISTORY_LIMIT } from '../../lambdas/hygiene/history';
import type { Action } from '../../lambdas/hygiene/policy';
import { formatInstant } from '../../lambdas/hygiene/time';
import { getItem, putItem, readCredential } from '../support/items';
import { runCli, tableFlags } from '../support/run-cli';
import { createTestTable, type TestTable } from '../support/test-table';

const DELETED_AT = Date.parse('2026-11-20T06:00:00.000Z');
const NOW = Date.parse('2026-11-26T12:00:00.000Z');

const record = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  userId: 'user-3',
  clientId: `client-${id}`,
  displayName: 'nightly export',
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
  expiresTime: '2027-06-01T00:00:00Z',
  lastUsedAt: '2026-02-01T00:00:00Z',
  scopedRoles: ['role-a'],
  ...extra,
});

describe('restore', () => {
  let table: TestTable;
  let n = 0;
  const staleDeletion: Action = {
    type: 'delete-stale',
    flaggedAt: '2026-11-01T00:00:00.000Z',
    deleteAfter: '2026-11-15T00:00:00.000Z',
  };
  /** Soft-deletes the stored credential `id` the way sweep run `runId` does (transition writer, outbox event, purge time). */
  const softDelete = async (id: string, action: Action, runId: string) => {
    const credential = await readCredential(table.client, table.tableName, id);
    const writer = new DynamoDbTransitionWriter(table.client, table.tableName);
    const result = await writer.apply({
      credential,
      actions: [action],
      events: eventsFor(credential, [action], { runId, now: DELETED_AT }),
      runId,
      now: DELETED_AT,
      purgeAt: 1_800_000_000,
    });
    expect(result).toEqual({ status: 'applied' });
  };
  /** Puts a record and soft-deletes it as run `run-del`. */
  const deleted = async (extra: Record<string, unknown> = {}, action: Action = staleDeletion) => {
    const id = `pc-r${++n}`;
    await putItem(table.client, table.tableName, record(id, extra));
    await softDelete(id, action, 'run-del');
    return { id, before: (await getItem(table.client, table.tableName, id))! };
  };
  const stale = {
    [HYGIENE_ATTR.staleFlaggedAt]: '2026-11-01T00:00:00.000Z',
    [HYGIENE_ATTR.staleDeleteAfter]: '2026-11-15T00:00:00.000Z',
  };

  beforeAll(async () => {
    table = await createTestTable(undefined, 'store-restore');
  });
  afterAll(() => table.drop());

  it('round trip: clears the deletion, the purge time and the stale flag; records who, when and why', async () => {
    const { id, before } = await deleted(stale);
    expect(before.deletedAt).toBe(formatInstant(DELETED_AT));
    // The notice is unsent, so the purge time is held back (docs/notifications.md).
    expect(before).toHaveProperty(PURGE_PENDING_ATTR, 1_800_000_000);

    const result = await restoreCredential(table.client, table.tableName, {
      id,
      reason: 'deleted by mistake, ticket OPS-12',
      by: 'alice',
      now: NOW,
    });

    expect(result).toEqual({
      id,
      userId: 'user-3',
      deletedAt: formatInstant(DELETED_AT),
      deletedReason: 'stale',
      deletedByRun: 'run-del',
      restoredAt: formatInstant(NOW),
      restoredBy: 'alice',
      reason: 'deleted by mistake, ticket OPS-12',
      deletionNoticeWithdrawn: true,
    });
    const {
      deletedAt: _d,
      [HYGIENE_ATTR.deletedReason]: _r,
      [HYGIENE_ATTR.deletedByRun]: _b,
      [PURGE_PENDING_ATTR]: _p,
      [HYGIENE_ATTR.staleFlaggedAt]: _f,
      [HYGIENE_ATTR.staleDeleteAfter]: _a,
      [OUTBOX_ATTR.events]: _e,
      [OUTBOX_ATTR.owner]: _o,
      [OUTBOX_ATTR.since]: _s,
      ...kept
    } = before;
    expect(await getItem(table.client, table.tableName, id)).toEqual({
      ...kept,
      updatedAt: formatInstant(NOW),
      [RESTORE_ATTR.restoredAt]: formatInstant(NOW),
      [RESTORE_ATTR.restoredBy]: 'alice',
      [RESTORE_ATTR.restoreReason]: 'deleted by mistake, ticket OPS-12',
      // The history keeps the deletion and appends the restore, with the deletion it undid (docs/data-model.md).
      [HISTORY_ATTR]: [
        ...(before[HISTORY_ATTR] as unknown[]),
        {
          at: formatInstant(NOW),
          action: 'restore',
          by: 'alice',
          reason: 'deleted by mistake, ticket OPS-12',
          deletedAt: formatInstant(DELETED_AT),
          deletedReason: 'stale',
          deletedByRun: 'run-del',
        },
      ],
    });
    // The deletion notice, still unsent, is withdrawn with it: the item leaves the outbox (docs/deploy.md).
    expect(before[OUTBOX_ATTR.events]).toEqual([
      expect.objectContaining({ eventId: `deleted-stale:${formatInstant(DELETED_AT)}` }),
    ]);

    // Run again, it says which restore undid the deletion (docs/deploy.md, "Restore runbook").
    const again = restoreCredential(table.client, table.tableName, {
      id,
      reason: 'again',
      by: 'alice',
      now: NOW,
    });
    await expect(again).rejects.toThrow(NotDeletedError);
    await expect(again).rejects.toThrow(
      `credential ${id} is not deleted (no deletedAt): restored at ${formatInstant(NOW)} by alice ` +
        '(reason deleted by mistake, ticket OPS-12): nothing to restore',
    );
  });

  it('unknown and reserved ids are not found', async () => {
    await expect(
      restoreCredential(table.client, table.tableName, { id: 'pc-none', reason: 'r', by: 'b', now: NOW }),
    ).rejects.toThrow(new CredentialNotFoundError(`no credential with id pc-none in ${table.tableName}`));
    const reserved = `${RESERVED_ID_PREFIX}checkpoint`;
    await putItem(table.client, table.tableName, { id: reserved, deletedAt: 'x' });
    await expect(
      restoreCredential(table.client, table.tableName, { id: reserved, reason: 'r', by: 'b', now: NOW }),
    ).rejects.toThrow(CredentialNotFoundError);
  });

  it('refuses an expired credential unless forced, explaining the next sweep would delete it again', async () => {
    const expired: Action = { type: 'delete-expired', expiresTime: '2026-11-10T00:00:00.000Z' };
    const { id, before } = await deleted({ expiresTime: '2026-11-10T00:00:00Z' }, expired);
    const attempt = restoreCredential(table.client, table.tableName, { id, reason: 'r', by: 'b', now: NOW });
    await expect(attempt).rejects.toThrow(ExpiredRestoreError);
    await expect(attempt).rejects.toThrow(
      /next sweep would delete it again unless it is renewed .* or exempted/,
    );
    expect(await getItem(table.client, table.tableName, id)).toEqual(before);

    const forced = await restoreCredential(table.client, table.tableName, {
      id,
      reason: 'owner renews today',
      by: 'b',
      now: NOW,
      force: true,
    });
    // Said in canonical UTC, as every instant of the message (stored in UTC: no "stored as").
    // 16.5 days: a half rounds away from now (relativePhrase), as 16.5 days ahead reads "in 17 days".
    expect(forced.warning).toMatch(/expired at 2026-11-10T00:00:00\.000Z \(17 days ago\)/);
    expect((await getItem(table.client, table.tableName, id))?.deletedAt).toBeUndefined();
  });

  it('refuses a restore instant before the deletion it undoes, writing nothing; at the deletion instant it restores', async () => {
    const { id, before } = await deleted();
    const early = DELETED_AT - 1;
    const attempt = restoreCredential(table.client, table.tableName, {
      id,
      reason: 'r',
      by: 'b',
      now: early,
    });
    await expect(attempt).rejects.toThrow(
      new RestoreBeforeDeletionError(
        `credential ${id}: the restore instant ${formatInstant(early)} (--now if given, else this machine's clock) ` +
          `is before its deletion at ${formatInstant(DELETED_AT)}, and a restore cannot come before the deletion ` +
          `it undoes. Retry after ${formatInstant(DELETED_AT)} (a sweep dates its deletions at its scheduled time, ` +
          "which may be ahead of the wall clock by up to the allowed schedule skew), or check this machine's clock",
      ),
    );
    expect(await getItem(table.client, table.tableName, id)).toEqual(before);
    const atDeletion = await restoreCredential(table.client, table.tableName, {
      id,
      reason: 'r',
      by: 'b',
      now: DELETED_AT,
    });
    expect(atDeletion.restoredAt).toBe(formatInstant(DELETED_AT));
  });

  it('an exempt credential past expiry is restored without --force (no sweep deletes it again)', async () => {
    const expired: Action = { type: 'delete-expired', expiresTime: '2026-11-10T00:00:00.000Z' };
    const { id } = await deleted({ expiresTime: '2026-11-10T00:00:00Z' }, expired);
    await table.client.send(
      new UpdateCommand({
        TableName: table.tableName,
        Key: { id },
        UpdateExpression: 'SET #x = :t',
        ExpressionAttributeNames: { '#x': HYGIENE_ATTR.exempt },
        ExpressionAttributeValues: { ':t': true },
      }),
    );
    const result = await restoreCredential(table.client, table.tableName, {
      id,
      reason: 'r',
      by: 'b',
      now: NOW,
    });
    expect(result.warning).toBeUndefined();
  });

  it('a credential deleted again between read and write is not restored (conflict)', async () => {
    const { id } = await deleted();
    // Another actor re-deletes the item right before the restore's write.
    const racing = {
      send: async (command: Parameters<DynamoDBDocumentClient['send']>[0]) => {
        if (command instanceof UpdateCommand || command instanceof TransactWriteCommand) {
          await table.client.send(
            new UpdateCommand({
              TableName: table.tableName,
              Key: { id },
              UpdateExpression: 'SET deletedAt = :t',
              ExpressionAttributeValues: { ':t': '2026-11-26T11:59:59.000Z' },
            }),
          );
        }
        return table.client.send(command as never);
      },
    } as unknown as DynamoDBDocumentClient;
    await expect(
      restoreCredential(racing, table.tableName, { id, reason: 'r', by: 'b', now: NOW }),
    ).rejects.toThrow(RestoreConflictError);
    expect((await getItem(table.client, table.tableName, id))?.deletedAt).toBe('2026-11-26T11:59:59.000Z');
  });

  it('refuses a deletion pc-hygiene did not make (revoked upstream: no hygieneDeletedReason), even forced', async () => {
    // The owner or the platform revoked it: deletedAt only, none of the worker's bookkeeping.
    const id = `pc-r${++n}`;
    await putItem(table.client, table.tableName, record(id, { deletedAt: '2026-11-21T09:00:00Z' }));
    const before = await getItem(table.client, table.tableName, id);
    for (const extra of [{}, { force: true }, { dryRun: true }]) {
      const attempt = restoreCredential(table.client, table.tableName, {
        id,
        reason: 'r',
        by: 'b',
        now: NOW,
        ...extra,
      });
      await expect(attempt).rejects.toThrow(NotDeletedByHygieneError);
      await expect(attempt).rejects.toThrow(
        `credential ${id} was soft-deleted (deletedAt 2026-11-21T09:00:00Z) but not by pc-hygiene: ` +
          `it has no ${HYGIENE_ATTR.deletedReason}, so its owner or the platform revoked it`,
      );
    }
    expect(await getItem(table.client, table.tableName, id)).toEqual(before);
  });

  it('refuses a deletion with a reason but no run: every pc-hygiene deletion records its run', async () => {
    const id = `pc-r${++n}`;
    await putItem(
      table.client,
      table.tableName,
      record(id, { deletedAt: '2026-11-21T09:00:00.000Z', [HYGIENE_ATTR.deletedReason]: 'stale' }),
    );
    const before = await getItem(table.client, table.tableName, id);
    const restore = restoreCredential(table.client, table.tableName, { id, reason: 'r', by: 'b', now: NOW });
    await expect(restore).rejects.toThrow(NotDeletedByHygieneError);
    await expect(restore).rejects.toThrow(
      `credential ${id} was soft-deleted (deletedAt 2026-11-21T09:00:00.000Z) with a ${HYGIENE_ATTR.deletedReason} ` +
        `but no ${HYGIENE_ATTR.deletedByRun}, which every pc-hygiene deletion records`,
    );
    expect(await getItem(table.client, table.tableName, id)).toEqual(before);
  });

  it('a restore of run A racing a restore and a re-deletion by run B (same now, full history) is a conflict', async () => {
    // A full history: a restore and a deletion each append one entry and drop the oldest, so its length stays 20.
    const history = Array.from({ length: HISTORY_LIMIT }, (_, i) => ({
      at: formatInstant(DELETED_AT - (HISTORY_LIMIT - i) * 60_000),
      action: i % 2 === 0 ? 'exempt' : 'unexempt',
      by: 'ops',
      reason: `entry ${i}`,
    }));
    const id = `pc-r${++n}`;
    await putItem(table.client, table.tableName, record(id, { [HISTORY_ATTR]: history }));
    await softDelete(id, staleDeletion, 'run-A');
    // Between run A's restore's read and its write: someone restores it, and run B (same now) deletes it again.
    const racing = {
      send: async (command: Parameters<DynamoDBDocumentClient['send']>[0]) => {
        if (command instanceof UpdateCommand || command instanceof TransactWriteCommand) {
          await restoreCredential(table.client, table.tableName, { id, reason: 'other', by: 'c', now: NOW });
          await softDelete(id, staleDeletion, 'run-B');
        }
        return table.client.send(command as never);
      },
    } as unknown as DynamoDBDocumentClient;
    await expect(
      restoreCredential(racing, table.tableName, {
        id,
        reason: 'r',
        by: 'b',
        now: NOW,
        deletedByRun: 'run-A',
      }),
    ).rejects.toThrow(RestoreConflictError);
    // Still run B's deletion; the history shows the restore and the re-deletion, at the same length.
    const after = await getItem(table.client, table.tableName, id);
    expect(after).toMatchObject({
      deletedAt: formatInstant(DELETED_AT),
      [HYGIENE_ATTR.deletedByRun]: 'run-B',
    });
    const trail = after?.[HISTORY_ATTR] as unknown[];
    expect(trail).toHaveLength(HISTORY_LIMIT);
    expect(trail.slice(-2)).toEqual([
      expect.objectContaining({ action: 'restore', deletedByRun: 'run-A' }),
      expect.objectContaining({ action: 'delete-stale', runId: 'run-B' }),
    ]);
  });

  describe('CLI', () => {
    const cli = (args: string[]) =>
      runCli(['restore', ...args, ...tableFlags(table), '--now', formatInstant(NOW)]);

    it('restores and says what was undone', async () => {
      const { id } = await deleted();
      const run = await cli([id, '--reason', 'mistake', '--by', 'bob']);
      expect(run).toEqual({
        code: 0,
        stdout: `restored ${id} (deleted ${formatInstant(DELETED_AT)} as stale by run run-del; its unsent deletion notice withdrawn) by bob: mistake\n`,
        stderr: '',
      });
      const json = await cli([id, '--reason', 'mistake', '--format', 'json']);
      expect(json.code).toBe(1);
      const error = `credential ${id} is not deleted (no deletedAt): restored at ${formatInstant(NOW)} by bob (reason mistake): nothing to restore`;
      expect(json.stderr).toBe(`pc-hygiene: ${error}\n`);
      // The refusal as a document too, keyed as `restore --run`'s `skipped` entries (docs/data-model.md, "Restore").
      expect(JSON.parse(json.stdout)).toEqual({ id, error, check: 'not-deleted' });
    });

    it('defaults --by to the OS user and --format json prints the result', async () => {
      const { id } = await deleted();
      const run = await cli([id, '--reason', 'mistake', '--format', 'json']);
      expect(run.code).toBe(0);
      const result = JSON.parse(run.stdout) as { restoredBy: string };
      expect(result.restoredBy.length).toBeGreaterThan(0);
      expect((await getItem(table.client, table.tableName, id))?.[RESTORE_ATTR.restoredBy]).toBe(
        result.restoredBy,
      );
    });

    it('an upstream deletion exits 1 naming the id and why, with or without --force, writing nothing', async () => {
      const id = `pc-r${++n}`;
      await putItem(table.client, table.tableName, record(id, { deletedAt: '2026-11-21T09:00:00Z' }));
      const before = await getItem(table.client, table.tableName, id);
      for (const extra of [[], ['--force']]) {
        const run = await cli([id, '--reason', 'r', ...extra]);
        expect(run).toEqual({
          code: 1,
          stdout: '',
          stderr:
            `pc-hygiene: credential ${id} was soft-deleted (deletedAt 2026-11-21T09:00:00Z) but not by pc-hygiene: ` +
            `it has no ${HYGIENE_ATTR.deletedReason}, so its owner or the platform revoked it. ` +
            'restore undoes only pc-hygiene deletions; a revocation is undone where it was made\n',
        });
      }
      expect(await getItem(table.client, table.tableName, id)).toEqual(before);
    });

    it('a missing --reason is a usage error; an expired credential exits 1 with the explanation', async () => {
      const missingReason = await cli(['pc-whatever']);
      expect(missingReason.code).toBe(2);
      expect(missingReason.stderr).toMatch(/--reason/);
      const expired: Action = { type: 'delete-expired', expiresTime: '2026-11-10T00:00:00.000Z' };
      const { id } = await deleted({ expiresTime: '2026-11-10T00:00:00Z' }, expired);
      const refused = await cli([id, '--reason', 'r']);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/next sweep would delete it again.*pass --force/);
      const forced = await cli([id, '--reason', 'r', '--force']);
      expect(forced.code).toBe(0);
      expect(forced.stderr).toMatch(/^pc-hygiene restore: warning: credential .* expired at/);
    });
  });
});
