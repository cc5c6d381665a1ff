/**
 * The bench's write floor against DynamoDB Local: it reads every item once
 * (parallel segments, small pages) and makes exactly the plain writes it was
 * given, each landing — after it, the policy finds nothing left to change.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { writeFloor } from '../../bench/floor';
import { BENCH_NOW, generateTable } from '../../bench/generate';
import { naiveWrites } from '../../bench/naive';
import { parseConfig } from '../../lambdas/hygiene/config';
import { useTestTable } from '../support/test-table';

const generated = generateTable({ size: 40, changeRate: 0.25, seed: 11 });
const options = { config: parseConfig({}), now: BENCH_NOW, runId: 'bench-write-floor' };

describe('bench write floor on DynamoDB Local', () => {
  const table = useTestTable('bench-write-floor', 'each', () => generated.items);

  it.each([
    ['items', 10],
    ['batched', 1],
  ] as const)(
    '%s: reads every item once and makes exactly the given writes (%i requests), each of which lands',
    async (mode, requests) => {
      const writes = naiveWrites(generated.items, options);
      expect(writes).toHaveLength(generated.changes);

      const result = await writeFloor(table.client, {
        tableName: table.tableName,
        segments: 4,
        pageSize: 3,
        writes: new Map(writes.map((write) => [write.id, write])),
        concurrency: 2,
        mode,
      });

      expect(result).toEqual({ items: 40, writes: 10, requests });
      const after = await table.client.send(new ScanCommand({ TableName: table.tableName }));
      expect(after.Items).toHaveLength(40);
      expect(naiveWrites(after.Items ?? [], options)).toEqual([]);
    },
  );
});
