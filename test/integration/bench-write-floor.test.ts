/**
 * The bench's write floors against DynamoDB Local: each reads every item once
 * (parallel segments, small pages) and makes exactly the plain writes it was
 * given, each landing — after it, the policy finds nothing left to change;
 * the soft-deletes among them only after the whole scan, as a guarded sweep.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { writeFloor } from '../../bench/floor';
import { BENCH_NOW, generateTable } from '../../bench/generate';
import { naiveWrites } from '../../bench/naive';
import { createDocumentClient } from '../../lambdas/aws/dynamodb-client';
import { parseConfig } from '../../lambdas/hygiene/config';
import { useTestTable } from '../support/test-table';

const generated = generateTable({ size: 200, changeRate: 0.5, seed: 11 });
const options = { config: parseConfig({}), now: BENCH_NOW, runId: 'bench-write-floor' };

describe('bench write floor on DynamoDB Local', () => {
  const table = useTestTable('bench-write-floor', 'each', () => generated.items);

  it.each([
    ['items', 100],
    ['batched', 4],
  ] as const)(
    '%s: reads every item once and makes exactly the given writes (%i requests), the soft-deletes after the scan, each of which lands',
    async (mode, requests) => {
      const writes = naiveWrites(generated.items, options);
      expect(writes).toHaveLength(generated.changes);

      // Records the order of requests: which ids each write touched, and when the scans ran.
      const client = createDocumentClient({ endpoint: table.endpoint });
      const sent: string[] = [];
      client.middlewareStack.add(
        (next, context) => async (args) => {
          const input = args.input as { Key?: { id?: string }; Statements?: { Parameters?: unknown[] }[] };
          if (context.commandName === 'ScanCommand') sent.push('scan');
          else if (input.Key?.id !== undefined) sent.push(input.Key.id);
          else
            for (const statement of input.Statements ?? []) sent.push(String(statement.Parameters?.at(-1)));
          return next(args);
        },
        { step: 'initialize' },
      );

      const result = await writeFloor(client, {
        tableName: table.tableName,
        segments: 4,
        pageSize: 20,
        writes: new Map(writes.map((write) => [write.id, write])),
        concurrency: 2,
        mode,
      });

      client.destroy();
      expect(result).toEqual({ items: 200, writes: 100, requests });
      const lastScan = sent.lastIndexOf('scan');
      const deletions = new Set(writes.filter((w) => w.deletion).map((w) => w.id));
      expect(sent.slice(lastScan + 1).filter((id) => deletions.has(id))).toHaveLength(deletions.size);
      const after = await table.client.send(new ScanCommand({ TableName: table.tableName }));
      expect(after.Items).toHaveLength(200);
      expect(naiveWrites(after.Items ?? [], options)).toEqual([]);
    },
  );
});
