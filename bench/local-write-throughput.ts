/**
 * How many conditional writes per second DynamoDB Local takes on this machine,
 * at 1, 4 and 16 requests in flight: the bound that the sweep's and the
 * notifier's item writes meet on the emulator (BENCHMARKS.md, "Why three
 * targets miss"), which the real service, partitioned by key,
 * does not have.
 *
 * Run: `npx tsx bench/local-write-throughput.ts [writes]` (default 1,000).
 * Each round updates every item once with the shape of a transition that
 * queues a notice (a counter, the sparse outbox index keys, a condition),
 * and reports the emulator's own CPU per write: it falls over the first few
 * thousand writes of a fresh JVM (its JIT compiling the write path), which is
 * why the bench warms it with a discarded case first (BENCHMARKS.md, "Warm-up").
 */
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { createTable } from '../cli/aws/create-table';
import { startDynamoDbLocal } from '../cli/local/local-dynamodb';
import { integerIn } from '../cli/options/numbers';
import { TABLE_DEFINITION } from '../lambdas/aws/credential-table-definition';
import { createDocumentClient } from '../lambdas/aws/dynamodb-client';
import { UpdateExpressionBuilder, type UpdateExpressionParts } from '../lambdas/aws/update-expression';
import { OUTBOX_ATTR } from '../lambdas/hygiene/data-contract';
import { mapWithConcurrency } from '../lambdas/hygiene/task-pool';
import { parseScriptArgs } from './script-args';
import { costOf, findDynamoDbLocalPid } from './server-cpu';

const TABLE = 'write-throughput';
const KEY = TABLE_DEFINITION.partitionKey.name;
const IN_FLIGHT = [1, 4, 16] as const;

const writes = parseScriptArgs('local-write-throughput', () =>
  integerIn('writes', 1, 10_000_000)(process.argv[2] ?? '1000'),
);

/** The shape of a transition that queues a notice: a counter, the sparse outbox index keys, a condition. */
function noticeShapedUpdate(since: string): UpdateExpressionParts {
  const update = new UpdateExpressionBuilder()
    .add('n', 1)
    .set(OUTBOX_ATTR.owner, 'u-1')
    .set(OUTBOX_ATTR.since, since);
  return update.condition(`attribute_exists(${update.name(KEY)})`).build();
}

const db = await startDynamoDbLocal({ startTimeoutMs: 60_000 });
const client = createDocumentClient({ endpoint: db.endpoint });
const serverPid = findDynamoDbLocalPid(Number(new URL(db.endpoint).port));
try {
  await createTable(client, TABLE);
  const ids = Array.from({ length: writes }, (_, i) => `pc-${i}`);
  // ~360 bytes, like a credential of bench/generate.ts.
  const put = (id: string) =>
    new PutCommand({ TableName: TABLE, Item: { [KEY]: id, userId: 'u-1', n: 0, pad: 'x'.repeat(300) } });
  await mapWithConcurrency(ids, 16, (id) => client.send(put(id)));
  for (const round of [1, 2, 3]) {
    for (const inFlight of IN_FLIGHT) {
      const since = `round-${round}-${inFlight}`;
      const cost = await costOf(serverPid, () =>
        mapWithConcurrency(ids, inFlight, (id) =>
          client.send(
            new UpdateCommand({ TableName: TABLE, Key: { [KEY]: id }, ...noticeShapedUpdate(since) }),
          ),
        ),
      );
      const perSecond = Math.round((writes / cost.wallMs) * 1000);
      const serverCpu =
        cost.emulatorCpuMs === undefined
          ? 'DynamoDB Local CPU ?'
          : `DynamoDB Local CPU ${(cost.emulatorCpuMs / writes).toFixed(2)} ms per write`;
      console.log(
        `round ${round}, ${inFlight} in flight: ${writes} writes in ${Math.round(cost.wallMs)} ms (${perSecond}/s), client CPU ${Math.round(cost.clientCpuMs)} ms, ${serverCpu}`,
      );
    }
  }
} finally {
  client.destroy();
  await db.stop();
}
