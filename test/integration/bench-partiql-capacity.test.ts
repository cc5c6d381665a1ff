/**
 * The bench's PartiQL capacity estimate against DynamoDB Local: Local reports
 * no capacity for `BatchExecuteStatement`, so the bench estimates each mark
 * statement as the `UpdateItem` it equals. Here both are made on identical
 * items, and the estimate must equal the capacity Local reports for the
 * `UpdateItem` (item size in KB + the outbox index write). The bench reads the
 * whole items before a notifier measurement; here one `GetItem` does.
 */
import { BatchExecuteStatementCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { meterDynamo } from '../../bench/dynamo-meter';
import { markStatement, markUpdateExpression } from '../../lambdas/aws/outbox-mark-write';
import { OUTBOX_ATTR } from '../../lambdas/hygiene/data-contract';
import { createTestTable, type TestTable } from '../support/test-table';

describe('bench PartiQL write capacity estimate on DynamoDB Local', () => {
  let table: TestTable;
  let meter: ReturnType<typeof meterDynamo>;
  beforeAll(async () => {
    table = await createTestTable(undefined, 'bench-partiql');
    meter = meterDynamo(table.client);
  });
  afterAll(() => table.drop());

  it.each([200, 900, 1_800])(
    'equals the UpdateItem capacity Local reports (item padded by %i bytes)',
    async (pad) => {
      const { client, tableName } = table;
      const item = (id: string) => ({
        id,
        userId: 'u1',
        pad: 'x'.repeat(pad),
        [OUTBOX_ATTR.events]: [{ eventId: 'e1', type: 'expiry-notice', occurredAt: '2026-11-26T03:00:00Z' }],
        [OUTBOX_ATTR.owner]: 'u1',
        [OUTBOX_ATTR.since]: '2026-11-26T03:00:00Z',
      });
      const write = {
        entryGuards: [{ index: 0, eventId: 'e1' }],
        sizeGuard: { compare: '=' as const, size: 1 },
        removeIndexes: [],
        removeAttributes: [OUTBOX_ATTR.events, OUTBOX_ATTR.owner, OUTBOX_ATTR.since],
        set: [],
      };
      await client.send(new PutCommand({ TableName: tableName, Item: item(`update-${pad}`) }));
      await client.send(new PutCommand({ TableName: tableName, Item: item(`partiql-${pad}`) }));

      const before = meter.totals().consumedWcu;
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { id: `update-${pad}` },
          ...markUpdateExpression(write).build(),
        }),
      );
      const reported = meter.totals().consumedWcu - before;
      const stored = await client.send(
        new GetCommand({ TableName: tableName, Key: { id: `partiql-${pad}` }, ConsistentRead: true }),
      );
      meter.knowItems([stored.Item ?? {}]);
      const beforeBatch = meter.totals().consumedWcu;
      const estimatedBefore = meter.totals().estimatedWcu;
      await client.send(
        new BatchExecuteStatementCommand({ Statements: [markStatement(tableName, `partiql-${pad}`, write)] }),
      );

      expect(reported).toBeGreaterThanOrEqual(2);
      expect(meter.totals().consumedWcu - beforeBatch).toBe(reported);
      expect(meter.totals().estimatedWcu - estimatedBefore).toBe(reported);
    },
  );
});
