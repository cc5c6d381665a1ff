/**
 * A restore that would withdraw the deletion's unsent notice while a drain
 * holds the drain lease is refused (docs/deploy.md, "Restore runbook";
 * docs/notifications.md, "Guarantees"), against DynamoDB Local with the real
 * sweep, notifier and outbox store: a drain reads the item, publishes, then
 * marks, so a restore landing between its read and its mark would withdraw a
 * notice the drain sends anyway — the owner told "deleted" about a live
 * credential, the operator told the notice was withdrawn. The withdrawal is
 * one transaction with a check that no drain holds a live lease: a live lease
 * (a running drain's, or a crashed one's until it lapses) makes the restore a
 * conflict and writes nothing; a lapsed one does not block; a restore with
 * nothing to withdraw never looks at the lease.
 */
import { describe, expect, it } from 'vitest';
import { RestoreConflictError, restoreCredential } from '../../cli/aws/restore';
import { DynamoDbCredentialScanner } from '../../lambdas/aws/credential-scanner';
import { DynamoDbOutboxStore } from '../../lambdas/aws/outbox-store';
import { timerSleep } from '../../lambdas/aws/timer-sleep';
import { DynamoDbTransitionWriter } from '../../lambdas/aws/transition-writer';
import { parseConfig } from '../../lambdas/hygiene/config';
import { OUTBOX_ATTR, OUTBOX_LEASE_ATTR, OUTBOX_LEASE_ID } from '../../lambdas/hygiene/data-contract';
import { runNotifier } from '../../lambdas/hygiene/notifier';
import { runSweep } from '../../lambdas/hygiene/sweep';
import { addDays, formatInstant, requireInstant } from '../../lambdas/hygiene/time';
import { getItem, putItem, putItems } from '../support/items';
import { useTestTable } from '../support/test-table';
import { RecordingPublisher } from '../unit/outbox-fakes';

const NOW = requireInstant('2026-11-26T02:00:00.000Z', 'now');
const config = parseConfig({ mode: 'enforce', maxDeletePercent: 100, purgeAfterDays: 30 });
const iso = (days: number) => formatInstant(addDays(NOW, days));
/** The drains' clock and lease: taken at NOW + 1 min, held until NOW + 6 min. */
const DRAIN_AT = NOW + 60_000;
const LEASE_MS = 5 * 60_000;
/** The restore instant: inside the drain's lease. */
const RESTORE_AT = NOW + 120_000;

describe('restore while a drain holds the lease (DynamoDB Local)', () => {
  const table = useTestTable('restore-during-drain', 'each');

  const item = (id: string) => getItem(table.client, table.tableName, id);
  /** One credential that expired yesterday, soft-deleted as `expired` by a sweep, its notice queued. */
  const deleted = async (id: string) => {
    await putItems(table.client, table.tableName, [
      {
        id,
        userId: 'owner-1',
        createdAt: iso(-300),
        lastUsedAt: iso(-2),
        scopedRoles: ['r'],
        expiresTime: iso(-1),
      },
    ]);
    await runSweep(
      {
        clock: Date.now,
        scanner: new DynamoDbCredentialScanner(table.client, table.tableName),
        writer: new DynamoDbTransitionWriter(table.client, table.tableName),
      },
      { config, now: NOW, runId: 'run-1', mode: 'enforce' },
    );
    expect((await item(id))?.[OUTBOX_ATTR.events]).toEqual([
      expect.objectContaining({ type: 'deleted-expired' }),
    ]);
  };
  /** A drain; `duringPublish` runs inside its publisher's first `publishBatch` (after its read, before its mark). */
  const drain = async (duringPublish?: () => Promise<void>) => {
    const publisher = new RecordingPublisher();
    const publishBatch = publisher.publishBatch.bind(publisher);
    let first = true;
    publisher.publishBatch = async (messages) => {
      if (first && duringPublish) await duringPublish();
      first = false;
      return publishBatch(messages);
    };
    const outbox = new DynamoDbOutboxStore(table.client, table.tableName, { clock: () => DRAIN_AT });
    await runNotifier({ outbox, publisher, clock: () => DRAIN_AT, sleep: timerSleep }, { leaseMs: LEASE_MS });
    return publisher.documents().flatMap((d) => d.events.map((e) => `${e.type} ${e.credentialId}`));
  };
  const restore = (id: string, now = RESTORE_AT) =>
    restoreCredential(table.client, table.tableName, {
      id,
      reason: 'still needed',
      by: 'ops',
      now,
      force: true,
    });
  /** A lease left by a drain that crashed, until `until`. */
  const leaseLeft = (until: number) =>
    putItem(table.client, table.tableName, {
      id: OUTBOX_LEASE_ID,
      [OUTBOX_LEASE_ATTR.holder]: 'drain-crashed',
      [OUTBOX_LEASE_ATTR.until]: formatInstant(until),
    });

  it('a restore while the drain publishes is a conflict, withdraws nothing; the notice is sent once; after the drain it restores', async () => {
    const id = 'pc-race';
    await deleted(id);
    let during: unknown;

    const sent = await drain(async () => {
      during = await restore(id).catch((error: unknown) => error);
      expect(await item(id)).toHaveProperty('deletedAt');
    });

    expect(during).toBeInstanceOf(RestoreConflictError);
    expect((during as Error).message).toMatch(/drain holds the outbox lease \(by .+ until .+\)/);
    expect(sent.filter((s) => s === `deleted-expired ${id}`)).toHaveLength(1);
    const after = await restore(id);
    expect(after).not.toHaveProperty('deletionNoticeWithdrawn');
    expect(await item(id)).not.toHaveProperty('deletedAt');
    expect(await drain()).toEqual([]);
  });

  it("a crashed drain's live lease refuses the withdrawal until it lapses; then the restore withdraws the notice", async () => {
    const id = 'pc-lease-left';
    await deleted(id);
    await leaseLeft(RESTORE_AT + 1);
    const before = await item(id);

    await expect(restore(id)).rejects.toThrow(RestoreConflictError);
    expect(await item(id)).toEqual(before);

    const result = await restore(id, RESTORE_AT + 1);
    expect(result.deletionNoticeWithdrawn).toBe(true);
    expect(await item(id)).not.toHaveProperty(OUTBOX_ATTR.events);
  });

  it('a restore with no notice to withdraw is not held back by a live lease', async () => {
    const id = 'pc-told';
    await deleted(id);
    expect(await drain()).toEqual([`deleted-expired ${id}`]);
    await leaseLeft(RESTORE_AT + LEASE_MS);

    const result = await restore(id);

    expect(result).not.toHaveProperty('deletionNoticeWithdrawn');
    expect(await item(id)).not.toHaveProperty('deletedAt');
  });
});
