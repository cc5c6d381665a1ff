/**
 * An import interrupted mid-write (DynamoDB failing after the SDK's retries)
 * never makes the directory look fresh: the freshness item is written last
 * (docs/deploy.md, "Owner directory"). At the client boundary, exact requests.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { importOwnerFile } from '../../cli/use-cases/import-owners';
import { ownerExportDigest } from '../../lambdas/hygiene/owner-export-digest';
import { ownerDirectoryDescription } from '../support/table-descriptions';
import { useTempDir } from '../support/temp-dir';

const tempDir = useTempDir('owners-import-unit');

const documentClient = DynamoDBDocumentClient.from(
  new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }),
);
const ddb = mockClient(DynamoDBDocumentClient);

async function csv(rows: number): Promise<string> {
  const file = join(await mkdtemp(join(tempDir(), 'interrupted-')), 'owners.csv');
  const lines = Array.from({ length: rows }, (_, i) => `u${i},u${i}@example.com,,active`);
  await writeFile(file, `userId,email,name,status\n${lines.join('\n')}\n`);
  return file;
}

const request = (file: string) => ({
  table: 'owners',
  file,
  asOf: '2026-11-30T00:00:00.000Z',
  now: '2026-12-01T00:00:00.000Z',
  maxDeletePercent: 10,
});

describe('importOwnerFile interrupted', () => {
  afterEach(() => ddb.reset());

  it('writes the freshness item only after every owner, and not at all when a write fails', async () => {
    ddb.on(DescribeTableCommand).resolves(ownerDirectoryDescription('owners'));
    ddb.on(GetCommand).resolves({});
    ddb.on(ScanCommand).resolves({ Items: [] });
    ddb
      .on(UpdateCommand)
      .resolvesOnce({})
      .resolvesOnce({})
      .rejects(
        Object.assign(new Error('Throughput exceeds the current capacity'), {
          name: 'ProvisionedThroughputExceededException',
        }),
      );

    await expect(importOwnerFile(documentClient, request(await csv(5)))).rejects.toThrow(
      'Throughput exceeds',
    );

    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
  });

  it('after a complete write, records asOf and the owner count last', async () => {
    ddb.on(DescribeTableCommand).resolves(ownerDirectoryDescription('owners'));
    ddb.on(GetCommand).resolves({});
    ddb.on(ScanCommand).resolves({ Items: [] });
    ddb.on(UpdateCommand).resolves({});
    ddb.on(PutCommand).resolves({});

    const summary = await importOwnerFile(documentClient, request(await csv(3)));

    expect(summary).toMatchObject({ outcome: 'imported', created: 3, owners: 3 });
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(3);
    const puts = ddb.commandCalls(PutCommand);
    expect(puts.map((c) => c.args[0].input)).toEqual([
      {
        TableName: 'owners',
        Item: {
          userId: '__hygiene__#directory-freshness',
          asOf: '2026-11-30T00:00:00.000Z',
          owners: 3,
          importedAt: '2026-12-01T00:00:00.000Z',
          contentDigest: ownerExportDigest(
            ['u0', 'u1', 'u2'].map((id) => ({ userId: id, email: `${id}@example.com`, status: 'active' })),
          ),
        },
        // Read "never imported": recorded only while still so (docs/deploy.md, "Owner directory").
        ConditionExpression:
          'attribute_not_exists(#asOf) AND attribute_not_exists(#contentDigest) AND attribute_not_exists(#importedAt)',
        ExpressionAttributeNames: {
          '#asOf': 'asOf',
          '#contentDigest': 'contentDigest',
          '#importedAt': 'importedAt',
        },
      },
    ]);
    const calls = ddb.calls();
    expect(calls.at(-1)?.args[0]).toBeInstanceOf(PutCommand);
  });

  it('records the freshness only while the stored asOf, digest and importedAt are the ones it read (compare-and-swap)', async () => {
    ddb.on(DescribeTableCommand).resolves(ownerDirectoryDescription('owners'));
    ddb.on(GetCommand).resolves({
      Item: {
        userId: '__hygiene__#directory-freshness',
        asOf: '2026-11-29T00:00:00.000Z',
        owners: 7,
        contentDigest: 'f'.repeat(64),
        importedAt: '2026-11-29T01:00:00.000Z',
      },
    });
    ddb.on(ScanCommand).resolves({ Items: [] });
    ddb.on(UpdateCommand).resolves({});
    ddb.on(PutCommand).resolves({});

    await importOwnerFile(documentClient, request(await csv(1)));

    expect(ddb.commandCalls(PutCommand).map((c) => c.args[0].input)).toMatchObject([
      {
        ConditionExpression:
          '#asOf = :asOf AND #contentDigest = :contentDigest AND #importedAt = :importedAt',
        ExpressionAttributeNames: {
          '#asOf': 'asOf',
          '#contentDigest': 'contentDigest',
          '#importedAt': 'importedAt',
        },
        ExpressionAttributeValues: {
          ':asOf': '2026-11-29T00:00:00.000Z',
          ':contentDigest': 'f'.repeat(64),
          ':importedAt': '2026-11-29T01:00:00.000Z',
        },
      },
    ]);
  });

  it('writes nothing at all for a file with a bad row (not even a read of the table)', async () => {
    const file = join(await mkdtemp(join(tempDir(), 'bad-')), 'owners.csv');
    await writeFile(file, 'userId,email,name,status\nu1,,,active\nu2,,,gone\n');

    const summary = await importOwnerFile(documentClient, request(file));

    expect(summary).toMatchObject({ outcome: 'rejected', rejectedRows: [{ line: 3, userId: 'u2' }] });
    expect(ddb.calls()).toHaveLength(0);
  });
});
