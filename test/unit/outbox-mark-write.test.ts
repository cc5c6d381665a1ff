/**
 * The "mark sent" write rendered both ways (lambdas/aws/outbox-mark-write.ts):
 * the PartiQL statement of the batched path and the `UpdateItem` expression of
 * the per-item path carry the same removals and the same guards.
 */
import { describe, expect, it } from 'vitest';
import { markStatement, markUpdateExpression, markWrite } from '../../lambdas/aws/outbox-mark-write';
import { planMark } from '../../lambdas/hygiene/outbox-item';

const event = (eventId: string, occurredAt: string) => ({
  eventId,
  type: 'expiry-warning',
  credentialId: 'pc-1',
  userId: 'alice',
  runId: 'run-1',
  occurredAt,
});

const observed = {
  id: 'pc-1',
  userId: 'alice',
  hygieneOutbox: [
    event('e0', '2026-11-20T00:00:00.000Z'),
    event('e1', '2026-11-21T00:00:00.000Z'),
    event('e2', '2026-11-22T00:00:00.000Z'),
  ],
  hygieneOutboxOwner: 'alice',
  hygieneOutboxSince: '2026-11-20T00:00:00.000Z',
};

describe('markWrite', () => {
  it('removes some entries by index, each guarded by its eventId and runId and the list by more than it removes, keeping the index sort key on the oldest left', () => {
    const write = markWrite(observed, planMark(['e0', 'e1', 'e2'], ['e2', 'e0']), 0);

    expect(markStatement('creds', 'pc-1', write)).toEqual({
      Statement:
        'UPDATE "creds" REMOVE "hygieneOutbox"[0] REMOVE "hygieneOutbox"[2] REMOVE "hygieneOutboxClaim" ' +
        'REMOVE "hygieneOutboxClaimUntil" SET "hygieneOutboxSince" = ? WHERE "id" = ? ' +
        'AND "hygieneOutbox"[0]."eventId" = ? AND "hygieneOutbox"[0]."runId" = ? ' +
        'AND "hygieneOutbox"[2]."eventId" = ? AND "hygieneOutbox"[2]."runId" = ? AND size("hygieneOutbox") > ?',
      Parameters: ['2026-11-21T00:00:00.000Z', 'pc-1', 'e0', 'run-1', 'e2', 'run-1', 2],
    });
    const update = markUpdateExpression(write).build();
    expect(update.ConditionExpression?.split(' AND ')).toHaveLength(5);
    expect(update.UpdateExpression).toMatch(/REMOVE .*\[0\], .*\[2\]/);
    expect(
      Object.values(update.ExpressionAttributeValues ?? {})
        .map(String)
        .sort(),
    ).toEqual(['2026-11-21T00:00:00.000Z', 'e0', 'e2', 'run-1', 'run-1', '2'].sort());
  });

  it('removes the whole outbox and both index keys guarded by the list size, and releases a held-back purge of an item still soft-deleted', () => {
    const write = markWrite(
      { ...observed, deletedAt: '2026-11-26T02:00:00.000Z', hygienePurgePending: 1_800_000_000 },
      planMark(['e0', 'e1', 'e2'], ['e0', 'e1', 'e2']),
      1_700_000_000_000,
    );

    const statement = markStatement('creds', 'pc-1', write);

    expect(statement.Statement).toBe(
      'UPDATE "creds" REMOVE "hygieneOutbox" REMOVE "hygieneOutboxOwner" REMOVE "hygieneOutboxSince" ' +
        'REMOVE "hygieneOutboxClaim" REMOVE "hygieneOutboxClaimUntil" REMOVE "hygienePurgePending" ' +
        'SET "hygienePurgeAt" = ? WHERE "id" = ? AND "hygieneOutbox"[0]."eventId" = ? ' +
        'AND "hygieneOutbox"[0]."runId" = ? AND "hygieneOutbox"[1]."eventId" = ? AND "hygieneOutbox"[1]."runId" = ? ' +
        'AND "hygieneOutbox"[2]."eventId" = ? AND "hygieneOutbox"[2]."runId" = ? ' +
        'AND size("hygieneOutbox") = ? AND "hygienePurgePending" = ? AND attribute_type("deletedAt", ?)',
    );
    expect(statement.Parameters).toEqual([
      1_800_000_000,
      'pc-1',
      'e0',
      'run-1',
      'e1',
      'run-1',
      'e2',
      'run-1',
      3,
      1_800_000_000,
      'S',
    ]);
    const update = markUpdateExpression(write).build();
    const conditions = update.ConditionExpression?.split(' AND ') ?? [];
    expect(conditions).toHaveLength(9);
    // A live item (deletedAt removed other than by restore) never gets a TTL: docs/rules.md, "Soft-delete".
    const [deletedAt] =
      Object.entries(update.ExpressionAttributeNames ?? {}).find(([, n]) => n === 'deletedAt') ?? [];
    expect(conditions.at(-1)).toMatch(new RegExp(`^attribute_type\\(${deletedAt}, :\\w+\\)$`));
  });
});
