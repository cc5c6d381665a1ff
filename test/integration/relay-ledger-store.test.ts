/**
 * The relay ledger's conditional writes on DynamoDB Local: a part is claimed
 * once; a live claim makes others wait; a lapsed claim can be taken over; a
 * sent part stays sent; only the claim's holder releases it; entries carry
 * their TTL.
 */
import { randomUUID } from 'node:crypto';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRelayLedgerTable } from '../../cli/aws/create-relay-ledger-table';
import { createDocumentClient } from '../../lambdas/aws/dynamodb-client';
import { DynamoRelayLedger } from '../../lambdas/aws/relay-ledger-store';
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
      expiresAt: Math.floor(NOW / 1000) + 15 * 86_400,
    });
  });

  it('lets a redelivery take over a claim whose lease has lapsed (a crashed sender)', async () => {
    const k = key();
    await ledger.claim(k, NOW, 60_000);

    const takeover = await ledger.claim(k, NOW + 60_001, 60_000);

    expect(takeover.status).toBe('claimed');
    expect((await item(k))?.leaseUntil).toBe(NOW + 60_001 + 60_000);
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

  it('never releases a sent part', async () => {
    const k = key();
    const claim = await ledger.claim(k, NOW, 60_000);
    if (claim.status !== 'claimed') throw new Error('not claimed');
    await ledger.markSent(k, claim.token, 'ses-2', NOW);

    await ledger.release(k, claim.token);

    expect((await item(k))?.state).toBe('sent');
  });
});
