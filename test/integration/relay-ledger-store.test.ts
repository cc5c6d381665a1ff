/**
 * The relay ledger's conditional writes on DynamoDB Local: a part is claimed
 * once; a live claim makes others wait; a lapsed claim can be taken over; a
 * sent part stays sent; only the claim's holder releases it; entries carry
 * their TTL, one a mark writes again after it vanished too; a part's state is read by the claim's rule without a write. The bounce side: the claim keeps the part's events, read back;
 * a bounce's report is claimed once on the part's entry (or on a
 * `bounce#<SES message id>` entry it creates), waits for a live claim, takes
 * over a lapsed one, is released only by its holder; a part whose bounce was
 * reported is never claimed for sending again. Both leases hold through the
 * millisecond they end (lapsed only once older: docs/data-model.md, "Relay ledger").
 */
import { randomUUID } from 'node:crypto';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRelayLedgerTable } from '../../cli/aws/create-relay-ledger-table';
import { createDocumentClient } from '../../lambdas/aws/dynamodb-client';
import { DynamoRelayLedger } from '../../lambdas/aws/relay-ledger-store';
import { MAX_STORED_DIGEST_BYTES } from '../../lambdas/relay/stored-digest';
import { sampleEvent } from '../support/sample-digest';
import { dynamoDbEndpoint } from '../support/test-table';

const client = createDocumentClient({ endpoint: dynamoDbEndpoint() });
const tableName = `relay-ledger-store-${randomUUID().slice(0, 8)}`;
const NOW = Date.parse('2026-11-26T02:15:00.000Z');
let tokens = 0;
const ledger = new DynamoRelayLedger(client, tableName, () => `token-${++tokens}`);
const key = () => `relay#drain-${randomUUID()}#1#ada`;
const item = async (k: string) =>
  (await client.send(new GetCommand({ TableName: tableName, Key: { id: k } }))).Item;

beforeAll(() => createRelayLedgerTable(client, tableName));
afterAll(async () => {
  await client.send(new DeleteTableCommand({ TableName: tableName }));
  client.destroy();
});

describe('DynamoRelayLedger', () => {
  it('claims a part once; a second delivery sees it in progress, then sent', async () => {
    const k = key();

    const first = await ledger.claim(k, NOW, 60_000);
    const during = await ledger.claim(k, NOW + 1_000, 60_000);
    if (first.status !== 'claimed') throw new Error('not claimed');
    await ledger.markSent(k, first.token, 'ses-1', NOW + 2_000);
    const after = await ledger.claim(k, NOW + 3_600_000, 60_000);

    expect(first.status).toBe('claimed');
    expect(during).toEqual({ status: 'in-progress' });
    expect(after).toEqual({ status: 'sent' });
    expect(await item(k)).toEqual({
      id: k,
      state: 'sent',
      claimToken: first.token,
      sesMessageId: 'ses-1',
      sentAt: '2026-11-26T02:15:02.000Z',
      expiresAt: Math.floor(NOW / 1000) + 22 * 86_400,
    });
  });

  it('lets a redelivery take over a claim whose lease has lapsed (a crashed sender)', async () => {
    const k = key();
    await ledger.claim(k, NOW, 60_000);

    const takeover = await ledger.claim(k, NOW + 60_001, 60_000);

    expect(takeover.status).toBe('claimed');
    expect((await item(k))?.leaseUntil).toBe(NOW + 60_001 + 60_000);
  });

  it('holds a claim through the millisecond its lease ends: only a claim older than `leaseUntil` is taken over', async () => {
    // docs/data-model.md, "Relay ledger" (`leaseUntil`): the claim and the part's state judge by the same rule.
    const k = key();
    await ledger.claim(k, NOW, 60_000);

    const atLeaseEnd = [await ledger.claim(k, NOW + 60_000, 60_000), await ledger.partState(k, NOW + 60_000)];
    const leaseEnd = (await item(k))?.leaseUntil;
    const justAfter = await ledger.claim(k, NOW + 60_001, 60_000);

    expect(atLeaseEnd).toEqual([{ status: 'in-progress' }, { status: 'in-progress' }]);
    expect(leaseEnd).toBe(NOW + 60_000);
    expect(justAfter.status).toBe('claimed');
  });

  it('releases only its own claim, so a failed send can be retried at once', async () => {
    const k = key();
    const mine = await ledger.claim(k, NOW, 60_000);
    if (mine.status !== 'claimed') throw new Error('not claimed');

    await ledger.release(k, 'someone-else');
    const stillHeld = await ledger.claim(k, NOW + 1, 60_000);
    await ledger.release(k, mine.token);
    const again = await ledger.claim(k, NOW + 2, 60_000);

    expect(stillHeld).toEqual({ status: 'in-progress' });
    expect(again.status).toBe('claimed');
  });

  it('reads a part’s state by the claim’s rule, writing nothing: free, in progress, free again once the lease lapses, sent', async () => {
    const k = key();
    const events = [sampleEvent('expiry-warning', 'pc-1', {}, 'ada')];

    const before = await ledger.partState(k, NOW);
    const afterRead = await item(k);
    const claim = await ledger.claim(k, NOW, 60_000, events);
    if (claim.status !== 'claimed') throw new Error('not claimed');
    const claimed = await item(k);
    const states = [
      await ledger.partState(k, NOW + 60_000),
      await ledger.partState(k, NOW + 60_001), // a crashed sender's claim, lapsed
    ];
    const untouched = await item(k);
    await ledger.markSent(k, claim.token, 'ses-3', NOW + 1_000);

    expect(before).toEqual({ status: 'free' });
    expect(afterRead).toBeUndefined();
    expect(states).toEqual([{ status: 'in-progress' }, { status: 'free' }]);
    expect(untouched).toEqual(claimed);
    expect(untouched?.digestEvents).toBeDefined();
    expect(await ledger.partState(k, NOW + 3_600_000)).toEqual({ status: 'sent' });
  });

  it('reads a part whose bounce was reported as sent, whatever its mark', async () => {
    const k = key();
    await ledger.claim(k, NOW, 60_000);
    await ledger.claimReport(k, NOW + 1_000, 60_000, true);

    expect(await ledger.partState(k, NOW + 3_600_000)).toEqual({ status: 'sent' });
  });

  it('records a send whose entry vanished meanwhile as sent, with the ledger’s TTL: the retry of a delivery that took it over sends nothing', async () => {
    // A slow sender's lease lapses; a redelivery takes the claim over, fails its own send and releases it (the
    // entry is gone); the slow sender's email went out, and its mark is what keeps that redelivery's retry from
    // sending a second one (docs/notifications.md, "The relay's guarantees").
    const k = key();
    const slow = await ledger.claim(k, NOW, 60_000);
    const takeover = await ledger.claim(k, NOW + 60_001, 60_000);
    if (slow.status !== 'claimed' || takeover.status !== 'claimed') throw new Error('not claimed');
    await ledger.release(k, takeover.token);
    const released = await item(k);

    await ledger.markSent(k, slow.token, 'ses-slow', NOW + 61_000);

    expect(released).toBeUndefined();
    expect(await item(k)).toEqual({
      id: k,
      state: 'sent',
      sesMessageId: 'ses-slow',
      sentAt: '2026-11-26T02:16:01.000Z',
      expiresAt: Math.floor((NOW + 61_000) / 1000) + 22 * 86_400,
    });
    expect(await ledger.claim(k, NOW + 120_000, 60_000)).toEqual({ status: 'sent' });
  });

  it('gives an entry an operator removed before the mark the ledger’s TTL, so it is purged like any other', async () => {
    const k = key();
    const claim = await ledger.claim(k, NOW, 60_000);
    if (claim.status !== 'claimed') throw new Error('not claimed');
    await client.send(new DeleteCommand({ TableName: tableName, Key: { id: k } }));

    await ledger.markSent(k, claim.token, 'ses-4', NOW + 2_000);

    expect((await item(k))?.expiresAt).toBe(Math.floor((NOW + 2_000) / 1000) + 22 * 86_400);
  });

  it('never releases a sent part', async () => {
    const k = key();
    const claim = await ledger.claim(k, NOW, 60_000);
    if (claim.status !== 'claimed') throw new Error('not claimed');
    await ledger.markSent(k, claim.token, 'ses-2', NOW);

    await ledger.release(k, claim.token);

    expect((await item(k))?.state).toBe('sent');
  });
});

describe('DynamoRelayLedger, for bounce reports', () => {
  const events = [
    sampleEvent('deleted-stale', 'pc-1', {}, 'ada'),
    sampleEvent('expiry-warning', 'pc-2', {}, 'ada'),
  ];

  it('keeps the part’s events with the claim, compressed, and reads them back', async () => {
    const k = key();
    await ledger.claim(k, NOW, 60_000, events);

    const stored = await item(k);
    expect(stored?.digestEvents).toBeInstanceOf(Uint8Array);
    expect((stored?.digestEvents as Uint8Array | undefined)?.length).toBeLessThan(MAX_STORED_DIGEST_BYTES);
    expect(await ledger.readDigest(k)).toEqual({ status: 'found', events });
    expect(await ledger.readDigest(key())).toEqual({ status: 'absent' });
  });

  it('keeps the digest’s generatedAt with the events, and reads it back (the bounce report’s end of the purge hold)', async () => {
    const k = key();
    await ledger.claim(k, NOW, 60_000, events, '2026-11-26T02:15:00.000Z');

    expect(await ledger.readDigest(k)).toEqual({
      status: 'found',
      events,
      generatedAt: '2026-11-26T02:15:00.000Z',
    });
  });

  it('says an entry claimed without events cannot be read back', async () => {
    const k = key();
    await ledger.claim(k, NOW, 60_000);

    expect(await ledger.readDigest(k)).toEqual({
      status: 'unreadable',
      problem: 'the ledger entry holds no events (claimed before they were kept)',
    });
  });

  it('claims a report once on the part’s entry: live claims wait, lapsed ones are taken over, reported stays', async () => {
    const k = key();
    const sent = await ledger.claim(k, NOW, 60_000, events);
    if (sent.status !== 'claimed') throw new Error('not claimed');
    await ledger.markSent(k, sent.token, 'ses-1', NOW);

    const first = await ledger.claimReport(k, NOW + 1_000, 60_000, true);
    const during = await ledger.claimReport(k, NOW + 2_000, 60_000, true);
    const takeover = await ledger.claimReport(k, NOW + 61_001, 60_000, true);
    if (takeover.status !== 'claimed') throw new Error('not taken over');
    await ledger.markReported(k, takeover.token, NOW + 62_000);
    const after = await ledger.claimReport(k, NOW + 3_600_000, 60_000, true);

    expect(first.status).toBe('claimed');
    expect(during).toEqual({ status: 'in-progress' });
    expect(after).toEqual({ status: 'reported' });
    expect(await item(k)).toMatchObject({
      state: 'sent',
      sesMessageId: 'ses-1',
      bounceReport: 'reported',
      bounceReportToken: takeover.token,
      bounceReportedAt: '2026-11-26T02:16:02.000Z',
    });
    expect((await item(k))?.bounceReportLeaseUntil).toBeUndefined();
  });

  it('holds a report’s claim through the millisecond its lease ends: only a claim older than its lease is taken over', async () => {
    // docs/data-model.md, "Relay ledger" (`bounceReportLeaseUntil`).
    const k = key();
    await ledger.claim(k, NOW, 60_000, events);
    await ledger.claimReport(k, NOW, 60_000, true);

    const atLeaseEnd = await ledger.claimReport(k, NOW + 60_000, 60_000, true);
    const justAfter = await ledger.claimReport(k, NOW + 60_001, 60_000, true);

    expect(atLeaseEnd).toEqual({ status: 'in-progress' });
    expect(justAfter.status).toBe('claimed');
  });

  it('never creates a part’s entry for a report, nor recreates a removed one when marking', async () => {
    const k = key();

    expect(await ledger.claimReport(k, NOW, 60_000, true)).toEqual({ status: 'absent' });
    await ledger.markReported(k, 'token', NOW);

    expect(await item(k)).toBeUndefined();
  });

  it('creates a bounce#<SES message id> entry with the ledger’s TTL for a bounce whose part cannot be found', async () => {
    const k = `bounce#ses-${randomUUID()}`;

    const first = await ledger.claimReport(k, NOW, 60_000, false);
    if (first.status !== 'claimed') throw new Error('not claimed');
    await ledger.markReported(k, first.token, NOW);

    expect(await ledger.claimReport(k, NOW + 1_000, 60_000, false)).toEqual({ status: 'reported' });
    expect(await item(k)).toMatchObject({
      id: k,
      bounceReport: 'reported',
      expiresAt: Math.floor(NOW / 1000) + 22 * 86_400,
    });
  });

  it('releases only its own report claim, so a failed publish can be retried at once', async () => {
    const k = key();
    await ledger.claim(k, NOW, 60_000, events);
    const mine = await ledger.claimReport(k, NOW, 60_000, true);
    if (mine.status !== 'claimed') throw new Error('not claimed');

    await ledger.releaseReport(k, 'someone-else');
    const stillHeld = await ledger.claimReport(k, NOW + 1, 60_000, true);
    await ledger.releaseReport(k, mine.token);
    const again = await ledger.claimReport(k, NOW + 2, 60_000, true);

    expect(stillHeld).toEqual({ status: 'in-progress' });
    expect(again.status).toBe('claimed');
    // the part's own state and events are untouched
    expect(await ledger.readDigest(k)).toEqual({ status: 'found', events });
  });

  it('never claims a part for sending again once its bounce was reported (the email went out)', async () => {
    const k = key();
    // claimed, sent, but its markSent failed: still `sending` when the bounce came
    await ledger.claim(k, NOW, 60_000, events);
    const report = await ledger.claimReport(k, NOW + 1_000, 60_000, true);
    if (report.status !== 'claimed') throw new Error('not claimed');
    await ledger.markReported(k, report.token, NOW + 1_000);

    const redelivery = await ledger.claim(k, NOW + 3_600_000, 60_000, events);

    expect(redelivery).toEqual({ status: 'sent' });
    expect(await item(k)).toMatchObject({ state: 'sending', bounceReport: 'reported' });
  });
});
