/**
 * A live credential carrying a soft-delete's leftovers, against DynamoDB
 * Local (docs/rules.md, "Soft-delete"): when `deletedAt` is removed by
 * anything but `pc-hygiene restore` (the platform un-revoking the credential,
 * an operator's `REMOVE deletedAt`), the deletion's reason, run, purge time
 * (the table's TTL attribute) or held-back purge, and the flags it left, stay.
 * One sweep clears them all, silently (TTL would otherwise hard-delete the
 * live credential, and the long-due flag delete it again with no warning);
 * the next judges it afresh. A drain never releases a held-back purge into a
 * TTL on such an item, and drops its unsent deletion notice as superseded.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoDbCredentialScanner } from '../../lambdas/aws/credential-scanner';
import { DynamoDbOutboxStore } from '../../lambdas/aws/outbox-store';
import { timerSleep } from '../../lambdas/aws/timer-sleep';
import { DynamoDbTransitionWriter } from '../../lambdas/aws/transition-writer';
import { parseConfig } from '../../lambdas/hygiene/config';
import {
  HISTORY_ATTR,
  HYGIENE_ATTR,
  OUTBOX_ATTR,
  PURGE_PENDING_ATTR,
} from '../../lambdas/hygiene/data-contract';
import { runNotifier } from '../../lambdas/hygiene/notifier';
import type { TransitionWriter } from '../../lambdas/hygiene/ports';
import { runSweep } from '../../lambdas/hygiene/sweep';
import { addDays, DAY_MS, formatInstant, requireInstant } from '../../lambdas/hygiene/time';
import { getItem, putItems } from '../support/items';
import { useTestTable } from '../support/test-table';
import { TRANSITION_WRITERS } from '../support/transition-writers';
import { RecordingPublisher } from '../unit/outbox-fakes';

const NOW = requireInstant('2026-11-26T02:00:00.000Z', 'now');
const iso = (days: number, from = NOW) => formatInstant(addDays(from, days));
const epochSeconds = (ms: number) => Math.floor(ms / 1000);
const config = parseConfig({ mode: 'enforce', maxDeletePercent: 100, purgeAfterDays: 30 });

/** A credential unused for 120 days, soft-deleted as stale by run-old; `deletedAt` since removed upstream. */
function undeletedUpstream(id: string): Record<string, unknown> {
  return {
    id,
    userId: `owner-${id}`,
    createdAt: iso(-300),
    lastUsedAt: iso(-120),
    expiresTime: iso(200),
    scopedRoles: ['r'],
    allowSourceCidr: ['10.0.0.0/8'],
    [HYGIENE_ATTR.staleFlaggedAt]: iso(-30),
    [HYGIENE_ATTR.staleDeleteAfter]: iso(-16),
    [HYGIENE_ATTR.deletedReason]: 'stale',
    [HYGIENE_ATTR.deletedByRun]: 'run-old',
    // Tomorrow: TTL would hard-delete the live credential then.
    [HYGIENE_ATTR.purgeAt]: epochSeconds(NOW + DAY_MS),
  };
}

const LEFTOVERS = [
  HYGIENE_ATTR.deletedReason,
  HYGIENE_ATTR.deletedByRun,
  HYGIENE_ATTR.purgeAt,
  PURGE_PENDING_ATTR,
  HYGIENE_ATTR.staleFlaggedAt,
  HYGIENE_ATTR.staleDeleteAfter,
];

describe.each(TRANSITION_WRITERS)(
  'deletion leftovers on a live credential (%s, DynamoDB Local)',
  (_, makeWriter) => {
    const table = useTestTable('leftovers');
    let n = 0;
    const item = (id: string) => getItem(table.client, table.tableName, id);
    const sweep = (writer: TransitionWriter, now: number, mode: 'enforce' | 'audit' = 'enforce') =>
      runSweep(
        {
          clock: Date.now,
          scanner: new DynamoDbCredentialScanner(table.client, table.tableName),
          writer,
        },
        { config, now, runId: `run-${++n}`, mode },
      );

    it('one sweep clears them all and deletes nothing; the next flags it afresh, with a new grace and warning', async () => {
      const id = `pc-${++n}`;
      await putItems(table.client, table.tableName, [undeletedUpstream(id)]);
      const writer = makeWriter(table.client, table.tableName);

      const first = await sweep(writer, NOW);

      expect(first.applied['clear-deletion-leftovers']).toBe(1);
      expect(first.deletions).toMatchObject({ applied: 0, stale: 0 });
      const cleared = await item(id);
      for (const attribute of [...LEFTOVERS, 'deletedAt', OUTBOX_ATTR.events]) {
        expect(cleared).not.toHaveProperty(attribute);
      }
      const history = (cleared?.[HISTORY_ATTR] ?? []) as unknown[];
      expect(history.at(-1)).toMatchObject({
        action: 'clear-deletion-leftovers',
        runId: `run-${n}`,
      });

      const nextDay = NOW + DAY_MS;
      const second = await sweep(writer, nextDay);

      expect(second.deletions.applied).toBe(0);
      const flagged = await item(id);
      expect(flagged).toMatchObject({
        [HYGIENE_ATTR.staleFlaggedAt]: formatInstant(nextDay),
        [HYGIENE_ATTR.staleDeleteAfter]: iso(config.staleGraceDays, nextDay),
      });
      expect(flagged).not.toHaveProperty('deletedAt');
      expect(flagged?.[OUTBOX_ATTR.events]).toEqual([expect.objectContaining({ type: 'stale-warning' })]);
    });

    it('an audit sweep counts the clearing it would make and writes nothing, as for any clearing', async () => {
      const id = `pc-${++n}`;
      await putItems(table.client, table.tableName, [undeletedUpstream(id)]);
      const before = await item(id);

      const audit = await sweep(makeWriter(table.client, table.tableName), NOW, 'audit');

      // The first test's credential, cleared and flagged since, has no leftovers: only this one is counted.
      expect(audit.applied['clear-deletion-leftovers']).toBe(1);
      expect(await item(id)).toEqual(before);
    });
  },
);

describe('a held-back purge on a credential no longer soft-deleted (DynamoDB Local)', () => {
  const table = useTestTable('leftover-purge');
  let n = 0;
  const item = (id: string) => getItem(table.client, table.tableName, id);
  const drain = (publisher: RecordingPublisher, at = NOW + DAY_MS) =>
    runNotifier(
      {
        outbox: new DynamoDbOutboxStore(table.client, table.tableName, { clock: () => at }),
        publisher,
        clock: () => at,
        sleep: timerSleep,
      },
      { leaseMs: 300_000 },
    );
  const sweep = () =>
    runSweep(
      {
        clock: Date.now,
        scanner: new DynamoDbCredentialScanner(table.client, table.tableName),
        writer: new DynamoDbTransitionWriter(table.client, table.tableName),
      },
      { config, now: NOW, runId: `run-${++n}`, mode: 'enforce' },
    );
  /** What the platform does when it un-revokes a credential: `deletedAt` removed, nothing else. */
  const removeDeletedAt = (id: string) =>
    table.client.send(
      new UpdateCommand({
        TableName: table.tableName,
        Key: { id },
        UpdateExpression: 'REMOVE deletedAt',
      }),
    );

  it('the drain drops the deletion notice unsent and sets no TTL on it; the next sweep clears the held-back purge', async () => {
    const id = `pc-${++n}`;
    await putItems(table.client, table.tableName, [
      { id, userId: `owner-${id}`, createdAt: iso(-300), expiresTime: iso(-1), scopedRoles: ['r'] },
    ]);
    await sweep();
    expect(await item(id)).toMatchObject({
      deletedAt: formatInstant(NOW),
      [PURGE_PENDING_ATTR]: expect.any(Number),
    });
    await removeDeletedAt(id);

    // The notice is no longer true (the credential is live): superseded, never sent (docs/notifications.md, "Drain
    // summary"). Its mark empties the outbox but does not release the purge (the drain read `deletedAt` gone), so
    // no TTL, and no later drain considers it again.
    const first = await drain(new RecordingPublisher());
    expect(first).toMatchObject({ storeErrors: 0, eventsFailed: 0, eventsPublished: 0, supersededEvents: 1 });
    expect(await item(id)).not.toHaveProperty(HYGIENE_ATTR.purgeAt);
    expect(await item(id)).not.toHaveProperty(OUTBOX_ATTR.events);
    expect(await item(id)).toHaveProperty(PURGE_PENDING_ATTR);
    expect(await drain(new RecordingPublisher(), NOW + DAY_MS + 60_000)).toMatchObject({
      eventsPublished: 0,
    });

    await sweep();
    expect(await item(id)).not.toHaveProperty(PURGE_PENDING_ATTR);
    // Cleared, the outbox is marked as any other: emptied, and still no TTL.
    const drained = await drain(new RecordingPublisher(), NOW + 2 * DAY_MS);
    expect(drained).toMatchObject({ storeErrors: 0, eventsFailed: 0 });
    const after = await item(id);
    expect(after).not.toHaveProperty(OUTBOX_ATTR.events);
    expect(after).not.toHaveProperty(HYGIENE_ATTR.purgeAt);
  });

  it('the cleanup of an emptied outbox index entry sets no TTL on it either', async () => {
    const id = `pc-${++n}`;
    await putItems(table.client, table.tableName, [
      {
        id,
        userId: `owner-${id}`,
        createdAt: iso(-300),
        scopedRoles: ['r'],
        [HYGIENE_ATTR.deletedReason]: 'expired',
        [PURGE_PENDING_ATTR]: epochSeconds(NOW + 30 * DAY_MS),
        [OUTBOX_ATTR.events]: [],
        [OUTBOX_ATTR.owner]: `owner-${id}`,
        [OUTBOX_ATTR.since]: iso(-1),
      },
    ]);

    await drain(new RecordingPublisher());

    expect(await item(id)).not.toHaveProperty(HYGIENE_ATTR.purgeAt);
  });
});
