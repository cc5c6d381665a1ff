/**
 * Superseded notices against DynamoDB Local (docs/notifications.md, "Drain summary", "Guarantees"): a real sweep
 * queues expiry and stale warnings; then a credential is renewed (an `UpdateItem` of `expiresTime`), another has
 * its expiry rewritten as the same instant in another form, and a flagged one is used again before any sweep
 * clears its flag. The drain's one item read (its projection carries the expiry, the last use and the flags)
 * publishes only what is still true, removes the superseded entries by the same guarded mark as the sent ones
 * (their items leave the outbox index) and counts them; the next drain finds nothing. With a purge configured, a
 * deletion undone by an outside `REMOVE deletedAt` (or made anew at another instant) has its queued notice dropped
 * the same way, and the live credential never gets a TTL; one whose `deletedAt` someone else moved (the platform
 * revoking it again) keeps its notice, sent before its purge is released, and one deleted anew by a later run has
 * only that run's notice sent.
 */
import { describe, expect, it } from 'vitest';
import { DynamoDbCredentialScanner } from '../../lambdas/aws/credential-scanner';
import { DynamoDbOutboxStore } from '../../lambdas/aws/outbox-store';
import { timerSleep } from '../../lambdas/aws/timer-sleep';
import { DynamoDbTransitionWriter } from '../../lambdas/aws/transition-writer';
import { parseConfig } from '../../lambdas/hygiene/config';
import { HYGIENE_ATTR, OUTBOX_ATTR, PURGE_PENDING_ATTR } from '../../lambdas/hygiene/data-contract';
import type { OutboxEvent } from '../../lambdas/hygiene/events';
import { runNotifier } from '../../lambdas/hygiene/notifier';
import { purgeAt, runSweep } from '../../lambdas/hygiene/sweep';
import { addDays, DAY_MS, formatInstant, requireInstant } from '../../lambdas/hygiene/time';
import { getItem, outboxIndexEntriesOf, putItems, setItemAttribute, updateItem } from '../support/items';
import { ownedCredential } from '../support/owned-credential';
import { useTestTable } from '../support/test-table';
import { RecordingPublisher } from '../unit/outbox-fakes';

const NOW = requireInstant('2026-11-26T02:00:00.000Z', 'now');
const DRAIN_AT = NOW + 15 * 60_000;
const config = parseConfig({ mode: 'enforce', scanSegments: 2, maxDeletePercent: 100 });
const iso = (days: number) => formatInstant(addDays(NOW, days));

describe('superseded notices over DynamoDB Local', () => {
  const table = useTestTable('notify-superseded');

  it('a renewed credential’s expiry warning is removed unsent and counted; the unrenewed ones are sent', async () => {
    // Five days left: each gets the 7-day notice. Stale: unused for 120 days (the 90-day rule flags it).
    const expiring = iso(5);
    await putItems(table.client, table.tableName, [
      ownedCredential(NOW, 'renewed', 'ada', { expiresTime: expiring }),
      ownedCredential(NOW, 'unrenewed', 'ada', { expiresTime: expiring }),
      ownedCredential(NOW, 'reformatted', 'bob', { expiresTime: expiring }),
      ownedCredential(NOW, 'used-again', 'carol', { lastUsedAt: iso(-120) }),
    ]);
    const sweep = await runSweep(
      {
        clock: Date.now,
        scanner: new DynamoDbCredentialScanner(table.client, table.tableName),
        writer: new DynamoDbTransitionWriter(table.client, table.tableName),
      },
      { config, now: NOW, runId: 'run-1', mode: 'enforce' },
    );
    expect(sweep.status).toBe('complete');
    const queued = async (id: string) =>
      ((await getItem(table.client, table.tableName, id))?.[OUTBOX_ATTR.events] as unknown[]) ?? [];
    for (const id of ['renewed', 'unrenewed', 'reformatted', 'used-again'])
      expect(await queued(id)).toHaveLength(1);

    // Within the drain's 15 minutes: a renewal, the same expiry rewritten with an offset, a use.
    await setItemAttribute(table.client, table.tableName, 'renewed', 'expiresTime', iso(200));
    const sameInstant = formatInstant(addDays(NOW, 5) + 3_600_000).replace('Z', '+01:00');
    await setItemAttribute(table.client, table.tableName, 'reformatted', 'expiresTime', sameInstant);
    await setItemAttribute(table.client, table.tableName, 'used-again', 'lastUsedAt', iso(0.005));

    const publisher = new RecordingPublisher();
    const store = new DynamoDbOutboxStore(table.client, table.tableName);
    const drain = () =>
      runNotifier({ outbox: store, publisher, clock: () => DRAIN_AT, sleep: timerSleep }, { drainId: 'd1' });
    const summary = await drain();

    const delivered = publisher
      .documents()
      .flatMap((d) => d.events.map((e: OutboxEvent) => e.credentialId))
      .sort();
    expect(delivered).toEqual(['reformatted', 'unrenewed']);
    expect(summary).toMatchObject({
      status: 'complete',
      eventsPublished: 2,
      supersededEvents: 2,
      eventsAlreadyMarked: 0,
      storeErrors: 0,
    });
    for (const id of ['renewed', 'unrenewed', 'reformatted', 'used-again'])
      expect(await queued(id)).toEqual([]);
    for (const owner of ['ada', 'bob', 'carol'])
      expect(await outboxIndexEntriesOf(table.client, table.tableName, owner)).toEqual([]);

    const again = await drain();
    expect(again).toMatchObject({ pendingItems: 0, eventsPublished: 0, supersededEvents: 0 });
    expect(publisher.delivered).toHaveLength(2);
  });
});

describe('superseded deletion notices over DynamoDB Local', () => {
  const table = useTestTable('notify-superseded-deletion', 'each');
  const PURGE_DAYS = 30;
  const purging = parseConfig({ ...config, purgeAfterDays: PURGE_DAYS });
  const item = (id: string) => getItem(table.client, table.tableName, id);
  const sweep = (now: number, runId: string) =>
    runSweep(
      {
        clock: Date.now,
        scanner: new DynamoDbCredentialScanner(table.client, table.tableName),
        writer: new DynamoDbTransitionWriter(table.client, table.tableName),
      },
      { config: purging, now, runId, mode: 'enforce' },
    );

  it('a deletion undone outside restore is never announced and gets no purge; one revoked again is', async () => {
    await putItems(table.client, table.tableName, [
      ownedCredential(NOW, 'undone', 'ada', { expiresTime: iso(-1) }),
      ownedCredential(NOW, 'redeleted', 'bob', { expiresTime: iso(-1) }),
      ownedCredential(NOW, 'deleted', 'carol', { expiresTime: iso(-1) }),
    ]);
    expect((await sweep(NOW, 'run-1')).status).toBe('complete');
    for (const id of ['undone', 'redeleted', 'deleted'])
      expect(await item(id)).toMatchObject({
        deletedAt: formatInstant(NOW),
        [OUTBOX_ATTR.events]: [expect.objectContaining({ type: 'deleted-expired' })],
      });

    // Before the drain: the platform un-revokes one (an outside REMOVE, not `pc-hygiene restore`), and un-revokes
    // and revokes another again, at a later instant (no run of the worker deleted it anew: nobody else tells bob).
    await updateItem(table.client, table.tableName, 'undone', 'REMOVE deletedAt');
    await setItemAttribute(table.client, table.tableName, 'redeleted', 'deletedAt', iso(0.005));

    const publisher = new RecordingPublisher();
    const store = new DynamoDbOutboxStore(table.client, table.tableName, { clock: () => DRAIN_AT });
    const drain = () =>
      runNotifier({ outbox: store, publisher, clock: () => DRAIN_AT, sleep: timerSleep }, { drainId: 'd2' });
    const summary = await drain();

    const delivered = publisher.documents().flatMap((d) => d.events.map((e: OutboxEvent) => e.credentialId));
    expect(delivered.sort()).toEqual(['deleted', 'redeleted']);
    expect(summary).toMatchObject({
      status: 'complete',
      eventsPublished: 2,
      supersededEvents: 1,
      storeErrors: 0,
    });
    for (const id of ['undone', 'redeleted', 'deleted'])
      expect(await item(id)).not.toHaveProperty(OUTBOX_ATTR.events);
    for (const owner of ['ada', 'bob'])
      expect(await outboxIndexEntriesOf(table.client, table.tableName, owner)).toEqual([]);
    // The live credential: its held-back purge never becomes a TTL (the next sweep clears it as a leftover).
    const live = await item('undone');
    expect(live).not.toHaveProperty(HYGIENE_ATTR.purgeAt);
    expect(live).toMatchObject({ [PURGE_PENDING_ATTR]: purgeAt(NOW, PURGE_DAYS) });
    // The announced deletions' purges are released as before: after the notice, never before.
    for (const id of ['deleted', 'redeleted'])
      expect(await item(id)).toMatchObject({ [HYGIENE_ATTR.purgeAt]: purgeAt(NOW, PURGE_DAYS) });

    const next = await sweep(NOW + DAY_MS, 'run-2');
    expect(next.status).toBe('complete');
    expect(await item('undone')).not.toHaveProperty(PURGE_PENDING_ATTR);
    expect(await drain()).toMatchObject({ pendingItems: 0, eventsPublished: 0, supersededEvents: 0 });
    expect(publisher.delivered).toHaveLength(2);
  });

  it('a stale warning still pending when a sweep deleted the credential is dropped: only the deletion is sent', async () => {
    await putItems(table.client, table.tableName, [
      ownedCredential(NOW, 'never-drained', 'erin', { lastUsedAt: iso(-120) }),
    ]);
    await sweep(NOW, 'run-flag');
    const flagged = await item('never-drained');
    const due = requireInstant(String(flagged?.[HYGIENE_ATTR.staleDeleteAfter]), 'deleteAfter');
    // No drain ran across the grace (an outage): the sweep at the due date deletes it beside the pending warning.
    await sweep(due, 'run-delete');
    expect(await item('never-drained')).toMatchObject({
      deletedAt: formatInstant(due),
      [HYGIENE_ATTR.staleFlaggedAt]: formatInstant(NOW),
      [OUTBOX_ATTR.events]: [
        expect.objectContaining({ type: 'stale-warning', runId: 'run-flag' }),
        expect.objectContaining({ type: 'deleted-stale', runId: 'run-delete' }),
      ],
    });

    const publisher = new RecordingPublisher();
    const drainAt = due + 15 * 60_000;
    const store = new DynamoDbOutboxStore(table.client, table.tableName, { clock: () => drainAt });
    const summary = await runNotifier(
      { outbox: store, publisher, clock: () => drainAt, sleep: timerSleep },
      { drainId: 'd-outage' },
    );

    const sent = publisher.documents().flatMap((d) => d.events.map((e: OutboxEvent) => e.type));
    expect(sent).toEqual(['deleted-stale']);
    expect(summary).toMatchObject({ eventsPublished: 1, supersededEvents: 1, storeErrors: 0 });
    expect(await item('never-drained')).not.toHaveProperty(OUTBOX_ATTR.events);
  });

  it('a stale warning about a credential the platform revoked is still sent: its flag outlives an un-revoke', async () => {
    await putItems(table.client, table.tableName, [
      ownedCredential(NOW, 'platform-revoked', 'fay', { lastUsedAt: iso(-120) }),
    ]);
    await sweep(NOW, 'run-flag');
    // The platform revokes it before the drain (it may un-revoke it tomorrow: nothing would clear the flag then).
    await setItemAttribute(table.client, table.tableName, 'platform-revoked', 'deletedAt', iso(0.005));

    const publisher = new RecordingPublisher();
    const store = new DynamoDbOutboxStore(table.client, table.tableName, { clock: () => DRAIN_AT });
    const summary = await runNotifier(
      { outbox: store, publisher, clock: () => DRAIN_AT, sleep: timerSleep },
      { drainId: 'd-platform' },
    );

    const sent = publisher.documents().flatMap((d) => d.events.map((e: OutboxEvent) => e.type));
    expect(sent).toEqual(['stale-warning']);
    expect(summary).toMatchObject({ eventsPublished: 1, supersededEvents: 0, storeErrors: 0 });
  });

  it('a deletion undone, then made anew by a later run: only the later run’s notice is sent', async () => {
    await putItems(table.client, table.tableName, [
      ownedCredential(NOW, 'anew', 'dan', { expiresTime: iso(-1) }),
    ]);
    await sweep(NOW, 'run-a');
    // Un-revoked outside restore; the next run clears the leftovers, the one after deletes it again.
    await updateItem(table.client, table.tableName, 'anew', 'REMOVE deletedAt');
    await sweep(NOW + DAY_MS, 'run-b');
    const later = NOW + 2 * DAY_MS;
    await sweep(later, 'run-c');
    expect(await item('anew')).toMatchObject({
      deletedAt: formatInstant(later),
      [HYGIENE_ATTR.deletedByRun]: 'run-c',
      [OUTBOX_ATTR.events]: [
        expect.objectContaining({ type: 'deleted-expired', runId: 'run-a' }),
        expect.objectContaining({ type: 'deleted-expired', runId: 'run-c' }),
      ],
    });

    const publisher = new RecordingPublisher();
    const drainAt = later + 15 * 60_000;
    const store = new DynamoDbOutboxStore(table.client, table.tableName, { clock: () => drainAt });
    const summary = await runNotifier(
      { outbox: store, publisher, clock: () => drainAt, sleep: timerSleep },
      { drainId: 'd-anew' },
    );

    const sent = publisher
      .documents()
      .flatMap((d) => d.events.map((e: OutboxEvent) => [e.credentialId, e.runId]));
    expect(sent).toEqual([['anew', 'run-c']]);
    expect(summary).toMatchObject({ eventsPublished: 1, supersededEvents: 1, storeErrors: 0 });
    expect(await item('anew')).toMatchObject({ [HYGIENE_ATTR.purgeAt]: purgeAt(later, PURGE_DAYS) });
  });
});
