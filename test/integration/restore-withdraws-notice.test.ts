/**
 * A restore withdraws the deletion's own notice while it is still unsent
 * (docs/deploy.md, "Restore runbook"; docs/data-model.md, "Restore"), against
 * DynamoDB Local with the real sweep, notifier and outbox store: restored
 * before a drain, the owner is never told "deleted" about a live credential;
 * restored after it, the owner was told and nothing changes; another pending
 * notice of the item stays and is sent. The withdrawal is conditional on the
 * outbox as read: a drain that sends the notice between the restore's read
 * and its write (a whole drain: its lease released by then) fails the
 * restore (a conflict), and the restore run again finds the notice sent and
 * withdraws nothing. A drain still holding its lease: restore-during-drain.test.ts.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { RestoreConflictError, restoreCredential } from '../../cli/aws/restore';
import { DynamoDbCredentialScanner } from '../../lambdas/aws/credential-scanner';
import { DynamoDbOutboxStore } from '../../lambdas/aws/outbox-store';
import { timerSleep } from '../../lambdas/aws/timer-sleep';
import { DynamoDbTransitionWriter } from '../../lambdas/aws/transition-writer';
import { parseConfig } from '../../lambdas/hygiene/config';
import { HYGIENE_ATTR, OUTBOX_ATTR, PURGE_PENDING_ATTR } from '../../lambdas/hygiene/data-contract';
import { runNotifier } from '../../lambdas/hygiene/notifier';
import { runSweep } from '../../lambdas/hygiene/sweep';
import { addDays, formatInstant, requireInstant } from '../../lambdas/hygiene/time';
import { getItem, putItems } from '../support/items';
import { useTestTable } from '../support/test-table';
import { RecordingPublisher } from '../unit/outbox-fakes';

const NOW = requireInstant('2026-11-26T02:00:00.000Z', 'now');
const config = parseConfig({ mode: 'enforce', maxDeletePercent: 100, purgeAfterDays: 30 });
const iso = (days: number) => formatInstant(addDays(NOW, days));
const OUTBOX = [OUTBOX_ATTR.events, OUTBOX_ATTR.owner, OUTBOX_ATTR.since];

describe('restore withdraws an unsent deletion notice (DynamoDB Local)', () => {
  const table = useTestTable('restore-notice', 'each');
  let n = 0;

  const item = (id: string) => getItem(table.client, table.tableName, id);
  /** One credential that expired yesterday (the sweep deletes it as `expired`); its id. */
  const seed = async (extra: Record<string, unknown> = {}) => {
    const id = `pc-${++n}`;
    const base = { userId: `owner-${n}`, createdAt: iso(-300), lastUsedAt: iso(-2), scopedRoles: ['r'] };
    await putItems(table.client, table.tableName, [{ id, ...base, expiresTime: iso(-1), ...extra }]);
    return id;
  };
  const sweep = (now = NOW) =>
    runSweep(
      {
        clock: Date.now,
        scanner: new DynamoDbCredentialScanner(table.client, table.tableName),
        writer: new DynamoDbTransitionWriter(table.client, table.tableName),
      },
      { config, now, runId: `run-${++n}`, mode: 'enforce' },
    );
  const drain = async (client: DynamoDBDocumentClient = table.client) => {
    const publisher = new RecordingPublisher();
    const outbox = new DynamoDbOutboxStore(client, table.tableName, { clock: () => NOW + 60_000 });
    await runNotifier(
      { outbox, publisher, clock: () => NOW + 60_000, sleep: timerSleep },
      { leaseMs: 5 * 60_000 },
    );
    return publisher.documents().flatMap((d) => d.events.map((e) => `${e.type} ${e.credentialId}`));
  };
  /** An operator restores it (expired, so forced), through `client`. */
  const restore = (id: string, client: DynamoDBDocumentClient = table.client, dryRun = false) =>
    restoreCredential(client, table.tableName, {
      id,
      reason: 'still needed',
      by: 'ops',
      now: NOW + 120_000,
      force: true,
      ...(dryRun && { dryRun: true }),
    });

  it('restored before the drain: the drain sends no deletion notice, and the item leaves the outbox index', async () => {
    const id = await seed();
    await sweep();
    expect((await item(id))?.[OUTBOX_ATTR.events]).toEqual([
      expect.objectContaining({ type: 'deleted-expired' }),
    ]);

    const result = await restore(id);

    expect(result.deletionNoticeWithdrawn).toBe(true);
    const restored = await item(id);
    for (const attribute of [...OUTBOX, PURGE_PENDING_ATTR, HYGIENE_ATTR.purgeAt, 'deletedAt'])
      expect(restored).not.toHaveProperty(attribute);
    expect(await drain()).not.toContain(`deleted-expired ${id}`);
  });

  it('restored after the drain: the owner was told, and the restore withdraws nothing', async () => {
    const id = await seed();
    await sweep();
    expect(await drain()).toContain(`deleted-expired ${id}`);

    const result = await restore(id);

    expect(result).not.toHaveProperty('deletionNoticeWithdrawn');
    expect(await item(id)).not.toHaveProperty('deletedAt');
    expect(await drain()).not.toContain(`deleted-expired ${id}`);
  });

  it('keeps another pending notice of the item, which the drain still sends', async () => {
    // Two days before, an expiry warning (1-day stage: 23 hours left) was queued and is still unsent. Its
    // expiry is the credential's (one since changed would supersede it: docs/notifications.md, "Drain summary").
    const id = await seed();
    await sweep(addDays(NOW, -2) + 3_600_000);
    const warned = await item(id);
    await sweep();
    expect((await item(id))?.[OUTBOX_ATTR.events]).toHaveLength(2);

    const result = await restore(id);

    expect(result.deletionNoticeWithdrawn).toBe(true);
    const restored = await item(id);
    expect(restored?.[OUTBOX_ATTR.events]).toEqual([expect.objectContaining({ type: 'expiry-warning' })]);
    expect(restored?.[OUTBOX_ATTR.since]).toBe(warned?.[OUTBOX_ATTR.since]);
    expect(restored?.[OUTBOX_ATTR.owner]).toBe(warned?.[OUTBOX_ATTR.owner]);
    const sent = await drain();
    expect(sent).toContain(`expiry-warning ${id}`);
    expect(sent).not.toContain(`deleted-expired ${id}`);
  });

  it('a dry run says it would withdraw the notice, and writes nothing', async () => {
    const id = await seed();
    await sweep();
    const before = await item(id);

    const result = await restore(id, table.client, true);

    expect(result).toMatchObject({ dryRun: true, deletionNoticeWithdrawn: true });
    expect(await item(id)).toEqual(before);
  });

  it('a drain that sends the notice between the read and the write fails the restore; run again, it withdraws nothing', async () => {
    const id = await seed();
    await sweep();
    let drained: string[] = [];
    // The restore's client: the drain runs just before the restore's write reaches the table.
    const drainingFirst = {
      send: async (command: Parameters<DynamoDBDocumentClient['send']>[0]) => {
        if (command instanceof TransactWriteCommand && drained.length === 0) drained = await drain();
        return table.client.send(command as never);
      },
    } as unknown as DynamoDBDocumentClient;

    await expect(restore(id, drainingFirst)).rejects.toThrow(RestoreConflictError);

    expect(drained).toContain(`deleted-expired ${id}`);
    expect(await item(id)).toHaveProperty('deletedAt');
    const again = await restore(id);
    expect(again).not.toHaveProperty('deletionNoticeWithdrawn');
    expect(await item(id)).not.toHaveProperty('deletedAt');
  });
});
