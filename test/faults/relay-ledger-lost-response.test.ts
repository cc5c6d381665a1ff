/**
 * A relay ledger claim that took effect but lost its response
 * (lambdas/aws/relay-ledger-parts.ts, through DynamoRelayLedger): the SDK retries it, and the retry's
 * condition meets the claim the first attempt wrote. The ledger reads its own
 * token in the entry the failed condition returns and answers `claimed`, not
 * `in-progress` (another delivery sending), which would fail a record nobody
 * else holds. The same for a bounce report's claim (`claimReport`). A claim
 * held by another call's token is still `in-progress`.
 */
import { randomUUID } from 'node:crypto';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRelayLedgerTable } from '../../cli/aws/create-relay-ledger-table';
import { createDocumentClient } from '../../lambdas/aws/dynamodb-client';
import { DynamoRelayLedger } from '../../lambdas/aws/relay-ledger-store';
import { dynamoDbEndpoint } from '../support/test-table';
import { loseFirstResponse } from './support/throttling';

const client = createDocumentClient({ endpoint: dynamoDbEndpoint() });
const tableName = `relay-ledger-lost-${randomUUID().slice(0, 8)}`;
const NOW = Date.parse('2026-11-26T02:15:00.000Z');
const partKey = () => `relay#d-${randomUUID()}#1#ada#${'a'.repeat(22)}`;

beforeAll(() => createRelayLedgerTable(client, tableName));
afterAll(async () => {
  await client.send(new DeleteTableCommand({ TableName: tableName }));
  client.destroy();
});

/** A ledger whose client loses the response of the first request `matches` accepts (the SDK retries it). */
function lossyLedger(matches: (input: Readonly<Record<string, unknown>>) => boolean) {
  const lossy = createDocumentClient({ endpoint: dynamoDbEndpoint() });
  const counts = loseFirstResponse(lossy, matches);
  return { ledger: new DynamoRelayLedger(lossy, tableName), counts, destroy: () => lossy.destroy() };
}

describe('a relay ledger write that took effect but lost its response', () => {
  it('claim: the retry meets its own claim, which is ours to send and to release', async () => {
    const { ledger, counts, destroy } = lossyLedger((input) => 'Item' in input);
    const key = partKey();

    const claim = await ledger.claim(key, NOW, 60_000);
    destroy();

    expect(counts.injected).toBe(1);
    expect(claim).toEqual({ status: 'claimed', token: expect.any(String) });
    // Another delivery meets it as a live claim; released with our token, the part is free again.
    const other = new DynamoRelayLedger(client, tableName);
    expect(await other.claim(key, NOW + 1, 60_000)).toEqual({ status: 'in-progress' });
    if (claim.status === 'claimed') await other.release(key, claim.token);
    expect(await other.claim(key, NOW + 2, 60_000)).toMatchObject({ status: 'claimed' });
  });

  it('claimReport: the retry meets its own report claim', async () => {
    const { ledger, counts, destroy } = lossyLedger((input) => 'UpdateExpression' in input);
    const key = `bounce#${randomUUID()}`;

    const claim = await ledger.claimReport(key, NOW, 60_000, false);
    destroy();

    expect(counts.injected).toBe(1);
    expect(claim).toEqual({ status: 'claimed', token: expect.any(String) });
    const other = new DynamoRelayLedger(client, tableName);
    expect(await other.claimReport(key, NOW + 1, 60_000, false)).toEqual({ status: 'in-progress' });
  });
});
