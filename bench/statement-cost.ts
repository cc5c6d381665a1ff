/**
 * What DynamoDB Local charges, in its own CPU, for the sweep's conditional
 * PartiQL statements against the plain ones of the batched write floor
 * (bench/HISTORY.md, "Where the sweep's extra time goes"): on these machines the
 * emulator shares the client's two cores, so its cost per statement is part
 * of the sweep's wall time, and not part of what the real service costs the
 * client.
 *
 * Run: `npx tsx bench/statement-cost.ts [size] [changeRate] [rounds]`
 * (default 100,000 records, 0.01, 2 rounds). Each round loads the same
 * generated table three times, then:
 * - reads one copy with the parallel read floor (for scale);
 * - runs the shipped sweep on another, keeping every statement it sent;
 * - replays those statements, 25 to a `BatchExecuteStatement` and 4 calls in
 *   flight, on the third copy with no scan beside them, and the batched write
 *   floor's plain statements for the same changes the same way on the first.
 * Both replays write the same items the same number of times; what differs
 * is the statements' text (the sweep's conditions on every field it read,
 * the outbox event and the history entry). The first round runs on a JVM
 * that has not compiled these paths yet.
 */
import {
  BatchExecuteStatementCommand,
  type BatchExecuteStatementCommandInput,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { startDynamoDbLocal } from '../cli/local/local-dynamodb';
import { integerIn } from '../cli/options/numbers';
import { UsageError } from '../cli/usage-error';
import { sweepTransitionWriter, TRANSITION_BATCH_STATEMENTS } from '../lambdas/aws/batched-transition-writer';
import { DynamoDbCheckpointStore } from '../lambdas/aws/checkpoint-store';
import { DEFAULT_SCAN_PAGE_SIZE, DynamoDbCredentialScanner } from '../lambdas/aws/credential-scanner';
import { createDocumentClient } from '../lambdas/aws/dynamodb-client';
import { partiqlIdentifier } from '../lambdas/aws/outbox-mark-write';
import { chunks } from '../lambdas/hygiene/chunks';
import { parseConfig } from '../lambdas/hygiene/config';
import { createRunId, runSweep } from '../lambdas/hygiene/sweep';
import { mapWithConcurrency } from '../lambdas/hygiene/task-pool';
import { parallelFloor } from './floor';
import { BENCH_GUARD_LIMITS, BENCH_NOW, generateTable } from './generate';
import { naiveStatement, naiveWrites } from './naive';
import { dropTable, freshTable } from './run-case';
import { parseScriptArgs } from './script-args';
import { costOf, findDynamoDbLocalPid, type StepCost } from './server-cpu';

/** One PartiQL statement with its parameters, as the document client takes it. */
type BatchStatementRequest = NonNullable<BatchExecuteStatementCommandInput['Statements']>[number];

const CALLS_IN_FLIGHT = 4;

const [sizeText = '100000', rateText = '0.01', roundsText = '2'] = process.argv.slice(2);
const { size, changeRate, rounds } = parseScriptArgs('statement-cost', () => {
  const rate = Number(rateText);
  if (!(rate > 0 && rate <= 1)) {
    throw new UsageError(`changeRate ${JSON.stringify(rateText)} must be a fraction in (0, 1]`);
  }
  return {
    size: integerIn('size', 1, 10_000_000)(sizeText),
    changeRate: rate,
    rounds: integerIn('rounds', 1, 100)(roundsText),
  };
});

/** The same client, keeping every PartiQL statement sent through it (the sweep's writes). */
function keepingStatements(client: DynamoDBDocumentClient): {
  readonly client: DynamoDBDocumentClient;
  readonly statements: BatchStatementRequest[];
} {
  const statements: BatchStatementRequest[] = [];
  const send = client.send.bind(client) as (command: unknown, ...rest: unknown[]) => Promise<unknown>;
  const keeping = Object.create(client) as DynamoDBDocumentClient;
  Object.assign(keeping, {
    send: (command: unknown, ...rest: unknown[]) => {
      if (command instanceof BatchExecuteStatementCommand)
        statements.push(...(command.input.Statements ?? []));
      return send(command, ...rest);
    },
  });
  return { client: keeping, statements };
}

/** Sends `statements` as written, {@link TRANSITION_BATCH_STATEMENTS} to a call; throws if any fails. */
async function replay(
  client: DynamoDBDocumentClient,
  statements: readonly BatchStatementRequest[],
): Promise<void> {
  const calls = chunks(statements, TRANSITION_BATCH_STATEMENTS);
  const failed = await mapWithConcurrency(calls, CALLS_IN_FLIGHT, async (Statements) => {
    const { Responses = [] } = await client.send(new BatchExecuteStatementCommand({ Statements }));
    return Responses.filter((response) => response.Error !== undefined).length;
  });
  const failures = failed.reduce((a, b) => a + b, 0);
  if (failures > 0) throw new Error(`${failures} replayed statements failed: the table copies differ`);
}

/** `statements` aimed at another table: the `UPDATE` target, their first identifier, replaced. */
const retargeted = (statements: readonly BatchStatementRequest[], from: string, to: string) =>
  statements.map((s) => ({
    ...s,
    Statement: s.Statement?.replace(partiqlIdentifier(from), partiqlIdentifier(to)),
  }));

const meanLength = (statements: readonly BatchStatementRequest[]) =>
  Math.round(statements.reduce((sum, s) => sum + (s.Statement ?? '').length, 0) / statements.length);

const line = (label: string, cost: StepCost, statements?: number) => {
  const emulator = cost.emulatorCpuMs ?? Number.NaN;
  return (
    `  ${label.padEnd(34)} ${String(Math.round(cost.wallMs)).padStart(6)} ms wall, emulator CPU ${String(emulator).padStart(6)} ms` +
    (statements ? ` (${(emulator / statements).toFixed(2)} ms per statement)` : '') +
    `, client CPU ${Math.round(cost.clientCpuMs)} ms`
  );
};

const db = await startDynamoDbLocal({ startTimeoutMs: 60_000 });
const client = createDocumentClient({ endpoint: db.endpoint });
const emulatorPid = findDynamoDbLocalPid(Number(new URL(db.endpoint).port));
try {
  // The sweep's own settings (its segments and page size), which the read floor uses too.
  const config = parseConfig({ mode: 'enforce', ...BENCH_GUARD_LIMITS });
  const runId = createRunId(BENCH_NOW, 'bench0001');
  const { items } = generateTable({ size, changeRate, seed: 7 });
  const writes = naiveWrites(items, { config, now: BENCH_NOW, runId });
  console.log(
    `${size} records, ${writes.length} changing; ${CALLS_IN_FLIGHT} calls of ${TRANSITION_BATCH_STATEMENTS} in flight`,
  );
  for (let round = 1; round <= rounds; round++) {
    const [floorTable, sweepTable, replayTable] = (await Promise.all(
      ['floor', 'sweep', 'replay'].map(async (label) => (await freshTable(client, label, items)).tableName),
    )) as [string, string, string];
    const floor = await costOf(emulatorPid, () =>
      parallelFloor(client, floorTable, config.scanSegments, DEFAULT_SCAN_PAGE_SIZE),
    );
    const sweepClient = keepingStatements(client);
    const sweep = await costOf(emulatorPid, () =>
      runSweep(
        {
          clock: Date.now,
          scanner: new DynamoDbCredentialScanner(client, sweepTable),
          writer: sweepTransitionWriter(sweepClient.client, sweepTable),
          checkpoints: new DynamoDbCheckpointStore(client, sweepTable),
        },
        { config, now: BENCH_NOW, runId, mode: 'enforce' },
      ),
    );
    const sent = sweepClient.statements;
    const plain = writes.map((write) => naiveStatement(floorTable, write));
    const sweepReplay = await costOf(emulatorPid, () =>
      replay(client, retargeted(sent, sweepTable, replayTable)),
    );
    const plainReplay = await costOf(emulatorPid, () => replay(client, plain));
    console.log(`round ${round}${round === 1 ? ' (the JVM compiling these paths)' : ''}:`);
    console.log(line('parallel read floor', floor));
    console.log(line(`sweep (${sent.length} statements sent)`, sweep));
    console.log(line(`sweep's statements, replayed (${meanLength(sent)} chars)`, sweepReplay, sent.length));
    console.log(line(`plain statements, replayed (${meanLength(plain)} chars)`, plainReplay, plain.length));
    await Promise.all([floorTable, sweepTable, replayTable].map((table) => dropTable(client, table)));
  }
} finally {
  client.destroy();
  await db.stop();
}
