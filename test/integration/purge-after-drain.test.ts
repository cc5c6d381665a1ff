/**
 * "Never lost" with a purge configured, against DynamoDB Local: a soft-deletion
 * whose notice is queued holds its purge time in `hygienePurgePending`, and
 * only the drain that sends the notice (emptying the outbox) moves it to the
 * TTL attribute `hygienePurgeAt`. A restore cancels it. Tests share one table
 * (each sweep sees earlier tests' items), so they assert on their own items.
 */
import { describe, expect, it } from 'vitest';
import { restoreCredential } from '../../cli/aws/restore';
import { DynamoDbCredentialScanner } from '../../lambdas/aws/credential-scanner';
import { DynamoDbOutboxStore } from '../../lambdas/aws/outbox-store';
import { timerSleep } from '../../lambdas/aws/timer-sleep';
import { DynamoDbTransitionWriter } from '../../lambdas/aws/transition-writer';
import { parseConfig } from '../../lambdas/hygiene/config';
import { HYGIENE_ATTR, OUTBOX_ATTR, PURGE_PENDING_ATTR } from '../../lambdas/hygiene/data-contract';
import { runNotifier } from '../../lambdas/hygiene/notifier';
import type { OutboxStore } from '../../lambdas/hygiene/outbox-ports';
import { purgeAt, runSweep } from '../../lambdas/hygiene/sweep';
import { addDays, DAY_MS, formatInstant, requireInstant } from '../../lambdas/hygiene/time';
import { getItem, putItems } from '../support/items';
import { useTestTable } from '../support/test-table';
import { RecordingPublisher } from '../unit/outbox-fakes';

const NOW = requireInstant('2026-11-26T02:00:00.000Z', 'now');
const PURGE_DAYS = 30;
const PURGE_AT = purgeAt(NOW, PURGE_DAYS);
const config = parseConfig({ mode: 'enforce', maxDeletePercent: 100, purgeAfterDays: PURGE_DAYS });
const iso = (days: number) => formatInstant(addDays(NOW, days));

/** `inner`, running `hook` just before each `markSent` (another writer acting mid-drain). */
function beforeMark(
  inner: OutboxStore,
  hook: (requests: Parameters<OutboxStore['markSent']>[0]) => Promise<void>,
): OutboxStore {
  return {
    pending: () => inner.pending(),
    acquireLease: (request) => inner.acquireLease(request),
    releaseLease: (drainId) => inner.releaseLease(drainId),
    read: (ids) => inner.read(ids),
    markSent: async (requests) => {
      await hook(requests);
      return inner.markSent(requests);
    },
  };
}

describe('purge held back until the deletion notice is sent (DynamoDB Local)', () => {
  const table = useTestTable('purge-drain');
  let n = 0;

  const item = (id: string) => getItem(table.client, table.tableName, id);
  const store = (wallClock = NOW) =>
    new DynamoDbOutboxStore(table.client, table.tableName, { clock: () => wallClock });

  /** One expired credential (deleted as `expired` by the sweep) plus one with a 7-day notice; own owner. */
  async function seed(): Promise<{ expired: string; expiring: string; owner: string }> {
    const k = ++n;
    const owner = `owner-${k}`;
    const base = { userId: owner, createdAt: iso(-300), lastUsedAt: iso(-2), scopedRoles: ['r'] };
    const ids = { expired: `pc-${k}-expired`, expiring: `pc-${k}-expiring` };
    await putItems(table.client, table.tableName, [
      { id: ids.expired, ...base, expiresTime: iso(-1) },
      { id: ids.expiring, ...base, expiresTime: iso(5) },
    ]);
    return { ...ids, owner };
  }

  const sweep = (notifyOwners = true, now = NOW) =>
    runSweep(
      {
        clock: Date.now,
        scanner: new DynamoDbCredentialScanner(table.client, table.tableName),
        writer: new DynamoDbTransitionWriter(table.client, table.tableName),
      },
      { config, now, runId: `run-${++n}`, mode: 'enforce', notifyOwners },
    );

  /** An operator restores the credential (past its expiry, so forced), at `now`. */
  const restoreByOps = (id: string, now = NOW) =>
    restoreCredential(table.client, table.tableName, {
      id,
      reason: 'mistake',
      by: 'ops',
      now,
      force: true,
    });
  const LEASE_MS = 5 * 60_000;
  const drain = (publisher: RecordingPublisher, outbox: OutboxStore = store(), at = NOW) =>
    runNotifier({ outbox, publisher, clock: () => at, sleep: timerSleep }, { leaseMs: LEASE_MS });

  it('a deletion that queues a notice holds its purge time in hygienePurgePending, not hygienePurgeAt', async () => {
    const { expired, expiring } = await seed();
    await sweep();

    const deleted = await item(expired);
    expect(deleted).toMatchObject({ deletedAt: formatInstant(NOW), [PURGE_PENDING_ATTR]: PURGE_AT });
    expect(deleted).not.toHaveProperty(HYGIENE_ATTR.purgeAt);
    expect(deleted?.[OUTBOX_ATTR.events]).toEqual([expect.objectContaining({ type: 'deleted-expired' })]);
    // Not a deletion: neither attribute.
    expect(await item(expiring)).not.toHaveProperty(PURGE_PENDING_ATTR);
    expect(await item(expiring)).not.toHaveProperty(HYGIENE_ATTR.purgeAt);
  });

  it('the drain that sends the notice sets hygienePurgeAt to the held-back time and removes it', async () => {
    const { expired, expiring } = await seed();
    await sweep();

    const summary = await drain(new RecordingPublisher(), store(NOW + DAY_MS));

    expect(summary).toMatchObject({ eventsFailed: 0, storeErrors: 0 });
    const purged = await item(expired);
    expect(purged).toMatchObject({ [HYGIENE_ATTR.purgeAt]: PURGE_AT, deletedAt: formatInstant(NOW) });
    expect(purged).not.toHaveProperty(PURGE_PENDING_ATTR);
    expect(purged).not.toHaveProperty(OUTBOX_ATTR.events);
    expect(purged).not.toHaveProperty(OUTBOX_ATTR.owner);
    expect(await item(expiring)).not.toHaveProperty(HYGIENE_ATTR.purgeAt);
  });

  it('a notice sent after the intended purge time purges from now on (TTL never in the past)', async () => {
    const { expired } = await seed();
    await sweep();
    const late = NOW + (PURGE_DAYS + 10) * DAY_MS + 1_500;

    await drain(new RecordingPublisher(), store(late), late);

    const purged = await item(expired);
    expect(purged?.[HYGIENE_ATTR.purgeAt]).toBe(Math.floor(late / 1000));
    expect(purged?.[HYGIENE_ATTR.purgeAt]).toBeGreaterThan(PURGE_AT);
    expect(purged).not.toHaveProperty(PURGE_PENDING_ATTR);
  });

  it('while SNS fails (whole calls or the entry), no hygienePurgeAt is set, however late; the first success sets it', async () => {
    const { expired, owner } = await seed();
    await sweep();
    const publisher = new RecordingPublisher();
    const late = NOW + (PURGE_DAYS + 5) * DAY_MS;

    publisher.down = new Error('SNS unavailable');
    const down = await drain(publisher, store(late), late);
    publisher.down = undefined;
    publisher.failEntry = (entry) =>
      entry.MessageAttributes.userId?.StringValue === owner ? 'InternalError' : undefined;
    const entryFailed = await drain(publisher, store(late), late);

    expect(down.eventsPublished).toBe(0);
    expect(entryFailed.eventsFailed).toBeGreaterThan(0);
    const held = await item(expired);
    expect(held).not.toHaveProperty(HYGIENE_ATTR.purgeAt);
    expect(held).toMatchObject({ [PURGE_PENDING_ATTR]: PURGE_AT });
    expect(held?.[OUTBOX_ATTR.events]).toHaveLength(1);

    publisher.failEntry = undefined;
    await drain(publisher, store(late), late);
    expect(await item(expired)).toMatchObject({ [HYGIENE_ATTR.purgeAt]: Math.floor(late / 1000) });
    expect(publisher.documents().flatMap((d) => d.events.map((e) => e.credentialId))).toContain(expired);
  });

  it('restore removes hygienePurgePending and the unsent notice; nothing goes out and the item is never purged', async () => {
    const { expired } = await seed();
    await sweep();

    await restoreCredential(table.client, table.tableName, {
      id: expired,
      reason: 'mistake',
      by: 'ops',
      now: NOW + 60_000,
      force: true,
    });
    const restored = await item(expired);
    expect(restored).not.toHaveProperty(PURGE_PENDING_ATTR);
    expect(restored).not.toHaveProperty('deletedAt');
    // The deletion notice was unsent: withdrawn with the restore (docs/deploy.md, "Restore runbook").
    expect(restored).not.toHaveProperty(OUTBOX_ATTR.events);

    const publisher = new RecordingPublisher();
    await drain(publisher);
    expect(publisher.documents().flatMap((d) => d.events.map((e) => e.credentialId))).not.toContain(expired);
    expect(await item(expired)).not.toHaveProperty(HYGIENE_ATTR.purgeAt);
    expect(await item(expired)).not.toHaveProperty(OUTBOX_ATTR.events);
  });

  it('a restore between read and mark of a drain whose lease lapsed wins: the mark fails its guard, re-plans and sets no purge', async () => {
    const { expired } = await seed();
    await sweep();
    // Only once the drain's lease lapsed (judged on the restore's clock): while it is live, a restore that
    // withdraws the notice is refused (restore-during-drain.test.ts).
    const restoringMidDrain = beforeMark(store(), async (requests) => {
      if (requests.some((r) => r.item.credentialId === expired)) {
        await restoreByOps(expired, NOW + LEASE_MS);
      }
    });

    const summary = await drain(new RecordingPublisher(), restoringMidDrain);

    expect(summary).toMatchObject({ storeErrors: 0, eventsFailed: 0 });
    const after = await item(expired);
    expect(after).not.toHaveProperty(HYGIENE_ATTR.purgeAt);
    expect(after).not.toHaveProperty(PURGE_PENDING_ATTR);
    expect(after).not.toHaveProperty(OUTBOX_ATTR.events);
  });

  it('a deletion queued while a drain holds the item keeps its notice pending and its purge held back', async () => {
    const { expired } = await seed();
    // Day 1: an earlier notice is pending on the credential that will expire.
    await putItems(table.client, table.tableName, [{ ...(await item(expired)), expiresTime: iso(3) }]);
    await sweep(true, NOW - 2 * DAY_MS);
    expect((await item(expired))?.[OUTBOX_ATTR.events]).toHaveLength(1);
    await putItems(table.client, table.tableName, [{ ...(await item(expired)), expiresTime: iso(-1) }]);
    const sweepingMidDrain = beforeMark(store(), async (requests) => {
      // The sweep deletes it (appending the deletion notice) after the drain read the item.
      if (requests.some((r) => r.item.credentialId === expired)) await sweep();
    });

    await drain(new RecordingPublisher(), sweepingMidDrain);

    const held = await item(expired);
    expect(held).toMatchObject({ [PURGE_PENDING_ATTR]: PURGE_AT });
    expect(held).not.toHaveProperty(HYGIENE_ATTR.purgeAt);
    expect(held?.[OUTBOX_ATTR.events]).toEqual([expect.objectContaining({ type: 'deleted-expired' })]);

    await drain(new RecordingPublisher());
    expect(await item(expired)).toMatchObject({ [HYGIENE_ATTR.purgeAt]: PURGE_AT });
    expect(await item(expired)).not.toHaveProperty(PURGE_PENDING_ATTR);
  });

  it('a deletion without events (owners not notified) sets hygienePurgeAt directly; restore removes it', async () => {
    const { expired } = await seed();
    await sweep(false);

    const deleted = await item(expired);
    expect(deleted).toMatchObject({ deletedAt: formatInstant(NOW), [HYGIENE_ATTR.purgeAt]: PURGE_AT });
    expect(deleted).not.toHaveProperty(PURGE_PENDING_ATTR);
    expect(deleted).not.toHaveProperty(OUTBOX_ATTR.events);

    await restoreByOps(expired);
    expect(await item(expired)).not.toHaveProperty(HYGIENE_ATTR.purgeAt);
  });
});
