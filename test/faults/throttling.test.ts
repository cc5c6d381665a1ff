/**
 * Throttling: a fraction of every DynamoDB and SNS attempt fails with the
 * services' throttling errors (client middleware inside the SDK's retries).
 * Every run must either complete correctly thanks to the SDK's retries, or
 * fail loudly (an exception, or failed writes / deliveries listed in its
 * summary) with nothing half-applied. Repeated cycles under throttling reach
 * the same end state as a clean run: each transition once, no event lost,
 * none sent more than twice.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sweepTransitionWriter } from '../../lambdas/aws/batched-transition-writer';
import { DynamoDbCheckpointStore } from '../../lambdas/aws/checkpoint-store';
import { DynamoDbCredentialScanner } from '../../lambdas/aws/credential-scanner';
import { createDocumentClient } from '../../lambdas/aws/dynamodb-client';
import { DynamoDbOutboxStore } from '../../lambdas/aws/outbox-store';
import { SnsPublisher } from '../../lambdas/aws/sns-publisher';
import { timerSleep } from '../../lambdas/aws/timer-sleep';
import { runNotifier } from '../../lambdas/hygiene/notifier';
import { runSweep } from '../../lambdas/hygiene/sweep';
import { type SnsStub, startSnsStub } from '../infra/sns-stub';
import { createTestTable, type TestTable } from '../support/test-table';
import * as cycle from './support/cycle';
import { writeFigures } from './support/figures';
import { Ledger } from './support/ledger';
import { comparable, notExactlyOnce, outboxIndexIds, readTable } from './support/table-check';
import { injectThrottling, seededRandom, stubSnsClient, type ThrottleCounts } from './support/throttling';

const TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:hygiene-faults';
const RATES = [0.1, 0.25, 0.4] as const;
const MAX_CYCLES = 12;

interface RateFigures {
  cycles: number;
  completed: number;
  failedLoudly: number;
  dynamo: ThrottleCounts;
  sns: ThrottleCounts;
  duplicates: number;
}

describe('throttled DynamoDB and SNS', () => {
  let sns: SnsStub;
  const byRate = new Map<number, RateFigures>();
  let table: TestTable | undefined;

  beforeAll(async () => {
    sns = await startSnsStub();
  });
  afterEach(async () => {
    await table?.drop();
    table = undefined;
  });
  afterAll(async () => {
    await sns.stop();
    if (byRate.size === 0) return;
    const all = [...byRate.values()];
    const sum = (f: (r: RateFigures) => number) => all.reduce((n, r) => n + f(r), 0);
    writeFigures({
      scenario: 'throttling',
      cases: {
        'throttle rates': byRate.size,
        'sweep + notify cycles': sum((r) => r.cycles),
        'cycles that completed cleanly': sum((r) => r.completed),
        'cycles that failed loudly': sum((r) => r.failedLoudly),
      },
      faults: {
        'DynamoDB attempts': sum((r) => r.dynamo.attempts),
        'DynamoDB throttles injected': sum((r) => r.dynamo.injected),
        'SNS attempts': sum((r) => r.sns.attempts),
        'SNS throttles injected': sum((r) => r.sns.injected),
      },
      wrongDeletions: 0,
      lostEvents: 0,
      duplicateEvents: sum((r) => r.duplicates),
      notes: { rates: RATES.join(', ') },
    });
  });

  it.each(RATES)(
    '%s of all attempts throttled: complete or fail loudly, never half-applied',
    async (rate) => {
      table = await createTestTable(undefined, `throttling-${rate}`);
      const records = cycle.realisticFleet(50, 8, Math.round(rate * 100));
      const original = await cycle.seed(table, records);
      const ledger = new Ledger();
      const random = seededRandom(Math.round(rate * 1000));
      const dynamoClient = createDocumentClient({ endpoint: table.endpoint });
      const snsClient = stubSnsClient(sns.endpoint);
      const figures: RateFigures = {
        cycles: 0,
        completed: 0,
        failedLoudly: 0,
        dynamo: injectThrottling(dynamoClient, 'dynamodb', rate, random),
        // The fleet's 8 owners make only a few SNS requests per rate, too few for a seeded draw to throttle
        // one at every rate: the first SNS attempt always is, so each rate exercises SNS throttling.
        sns: injectThrottling(snsClient, 'sns', rate, throttleFirst(random)),
        duplicates: 0,
      };
      byRate.set(rate, figures);
      try {
        for (let round = 1; round <= MAX_CYCLES; round++) {
          figures.cycles++;
          let loud = false;
          let quiet = false;
          try {
            const summary = await runSweep(
              {
                clock: Date.now,
                scanner: new DynamoDbCredentialScanner(dynamoClient, table.tableName, { pageSize: 8 }),
                writer: ledger.writer(sweepTransitionWriter(dynamoClient, table.tableName)),
                checkpoints: new DynamoDbCheckpointStore(dynamoClient, table.tableName),
              },
              {
                config: cycle.FAULT_CONFIG,
                now: cycle.FAULT_NOW,
                runId: `throttled-${round}`,
                mode: 'enforce',
              },
            );
            loud ||= summary.failed.count > 0 || summary.status !== 'complete';
            quiet = Object.values(summary.applied).every((n) => n === 0) && summary.failed.count === 0;
          } catch (error: unknown) {
            // Loud: the run threw (a throttled Scan page after every retry, or too many failed writes).
            expect(error).toBeInstanceOf(Error);
            loud = true;
          }
          await expectConsistent(table, original);

          const drainAt = cycle.FAULT_NOW + round * 2 * cycle.LEASE_MS;
          const drain = await runNotifier(
            {
              outbox: new DynamoDbOutboxStore(dynamoClient, table.tableName, { pageSize: 8 }),
              publisher: ledger.publisher(new SnsPublisher(snsClient, TOPIC_ARN)),
              clock: () => drainAt,
              sleep: timerSleep,
            },
            // One digest per PublishBatch call: more SNS requests to throttle.
            { leaseMs: cycle.LEASE_MS, drainId: `throttled-drain-${round}`, maxBatchEntries: 1 },
          ).catch((error: unknown) => {
            expect(error).toBeInstanceOf(Error);
            return undefined;
          });
          loud ||= drain === undefined || drain.eventsFailed > 0 || drain.storeErrors > 0;
          await expectConsistent(table, original);

          if (loud) figures.failedLoudly++;
          else figures.completed++;
          if (quiet && !loud && (await outboxIndexIds(table)).size === 0) break;
        }

        // Whatever throttling left undone, clean runs finish; the end state is a clean run's.
        await cycle.converge(table, ledger);
        const reference = await referenceState(records);
        const final = await readTable(table);
        for (const [id, item] of final) expect(comparable(item), id).toEqual(comparable(reference.get(id)));
        expect(notExactlyOnce(original, ledger.commits, cycle.FAULT_CONFIG, cycle.FAULT_NOW)).toEqual([]);
        expect(ledger.lostEvents()).toEqual([]);
        expect(ledger.phantomEvents()).toEqual([]);
        expect(ledger.duplicates().filter(([, n]) => n > 2)).toEqual([]);
        expect(figures.dynamo.injected).toBeGreaterThan(0);
        // SNS was reached and throttled: at least by throttleFirst's first attempt, whatever the rate. It proves
        // no more than that (not that the rate's own draws throttled SNS).
        expect(figures.sns.injected).toBeGreaterThan(0);
        figures.duplicates = ledger.duplicates().length;
      } finally {
        dynamoClient.destroy();
        snsClient.destroy();
      }
    },
  );
});

/** `random`, except that its first draw is 0 (below every rate: that attempt is throttled). */
function throttleFirst(random: () => number): () => number {
  let first = true;
  return () => {
    if (!first) return random();
    first = false;
    return 0;
  };
}

async function expectConsistent(
  table: TestTable,
  original: Map<string, Record<string, unknown>>,
): Promise<void> {
  const now = await cycle.inspectTable(table, original);
  expect(now.violations).toEqual([]);
  expect(now.wrongDeletions).toEqual([]);
}

/** The end state of one clean cycle over the same records. */
async function referenceState(
  records: readonly Record<string, unknown>[],
): Promise<Map<string, Record<string, unknown>>> {
  const reference = await createTestTable(undefined, 'throttling-ref');
  try {
    await cycle.seed(reference, records);
    await cycle.converge(reference, new Ledger());
    return await readTable(reference);
  } finally {
    await reference.drop();
  }
}
