/**
 * The credentials table as `createTable` builds it from TABLE_DEFINITION (cli/aws/create-table.ts,
 * lambdas/aws/credential-table-definition.ts; the key, TTL and index of docs/data-model.md's opening table), checked
 * on DynamoDB Local: key `id`, the sparse keys-only outbox index, TTL on the purge attribute, a wrongly typed index
 * key refused, an existing table accepted only with `ifNotExists`, each key attribute declared once.
 */
import { DescribeTableCommand, DescribeTimeToLiveCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { createTable, createTableInput } from '../../cli/aws/create-table';
import { TABLE_DEFINITION } from '../../lambdas/aws/credential-table-definition';
import { OUTBOX_ATTR, OUTBOX_INDEX } from '../../lambdas/hygiene/data-contract';
import { useTestTable } from '../support/test-table';

describe('createTable on DynamoDB Local', () => {
  const table = useTestTable('store-table');

  it('creates the key schema and the sparse outbox index from TABLE_DEFINITION', async () => {
    const { Table } = await table.client.send(new DescribeTableCommand({ TableName: table.tableName }));
    expect(Table?.TableStatus).toBe('ACTIVE');
    expect(Table?.KeySchema).toEqual([{ AttributeName: 'id', KeyType: 'HASH' }]);
    const index = Table?.GlobalSecondaryIndexes?.find((i) => i.IndexName === OUTBOX_INDEX);
    expect(index?.KeySchema).toEqual([
      { AttributeName: OUTBOX_ATTR.owner, KeyType: 'HASH' },
      { AttributeName: OUTBOX_ATTR.since, KeyType: 'RANGE' },
    ]);
    expect(index?.Projection?.ProjectionType).toBe('KEYS_ONLY');
  });

  it('enables TTL on the purge attribute', async () => {
    const ttl = await table.client.send(new DescribeTimeToLiveCommand({ TableName: table.tableName }));
    expect(ttl.TimeToLiveDescription?.AttributeName).toBe(TABLE_DEFINITION.timeToLiveAttribute);
    expect(ttl.TimeToLiveDescription?.TimeToLiveStatus).toBe('ENABLED');
  });

  it('rejects an item with a wrongly typed key attribute', async () => {
    await expect(
      table.client.send(
        new PutItemCommand({
          TableName: table.tableName,
          Item: { id: { S: 'x' }, [OUTBOX_ATTR.owner]: { N: '1' }, [OUTBOX_ATTR.since]: { S: 'a' } },
        }),
      ),
    ).rejects.toThrow(
      expect.objectContaining({
        name: 'ValidationException',
        message: expect.stringMatching(/type mismatch/i),
      }),
    );
  });

  it('with ifNotExists, accepts an existing table; without, refuses it', async () => {
    await expect(createTable(table.client, table.tableName, { ifNotExists: true })).resolves.toEqual({
      created: false,
    });
    await expect(createTable(table.client, table.tableName)).rejects.toThrow(/exist|in use/i);
  });

  it('declares each key attribute once', () => {
    const names = createTableInput('t').AttributeDefinitions?.map((a) => a.AttributeName);
    expect(new Set(names).size).toBe(names?.length);
    expect(names).toEqual(expect.arrayContaining(['id', OUTBOX_ATTR.owner, OUTBOX_ATTR.since]));
  });
});
