/**
 * Crash at every DynamoDB write *request* (and every publish) of a realistic
 * sweep + notify cycle: the same experiment as crash-boundaries.test.ts, one
 * level lower. The process's own DynamoDB client dies at its k-th write
 * request, before it is sent or after DynamoDB applied it, so every request
 * any adapter makes is a boundary (a port that needed two requests for one
 * transition would show here). Judged without trusting the process at all:
 * the end state must equal a clean run's, and the events published must be
 * exactly the clean run's events, none lost, none more than twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchedTransitionWriter } from '../../lambdas/aws/batched-transition-writer';
import { DynamoDbCheckpointStore } from '../../lambdas/aws/checkpoint-store';
import { DynamoDbCredentialScanner } from '../../lambdas/aws/credential-scanner';
import { DynamoDbOutboxStore } from '../../lambdas/aws/outbox-store';
import { timerSleep } from '../../lambdas/aws/timer-sleep';
import { DynamoDbTransitionWriter } from '../../lambdas/aws/transition-writer';
import { parseCredential } from '../../lambdas/hygiene/credential';
import { CHECKPOINT_ID } from '../../lambdas/hygiene/data-contract';
import { eventsFor } from '../../lambdas/hygiene/events';
import type { OutgoingMessage } from '../../lambdas/hygiene/message';
import { runNotifier } from '../../lambdas/hygiene/notifier';
import { decide } from '../../lambdas/hygiene/policy';
import { runSweep } from '../../lambdas/hygiene/sweep';
import { mapWithConcurrency } from '../../lambdas/hygiene/task-pool';
import { createTestTable, type TestTable } from '../support/test-table';
import { RecordingPublisher } from '../unit/outbox-fakes';
import * as cycle from './support/cycle';
import { writeFigures } from './support/figures';
import { eventKey, Ledger } from './support/ledger';
import { type CrashTiming, ProcessCrash } from './support/process-crash';
import { requestCrashingClient } from './support/request-crash';
import { comparable } from './support/table-check';

const FLEET = cycle.realisticFleet(30, 6, 8);
const PARALLEL_CASES = 3;

/** How the crashing process's sweep runs. */
interface Variant {
  readonly name: string;
  readonly scanSegments: number;
  /**
   * With a time budget: the budget looks ample for this many checks, then exhausted, so the
   * run stops at a page boundary, defers its deletions and saves a checkpoint (one scan
   * segment keeps the pages, so the writes, in the same order on every run).
   */
  readonly ampleBudgetChecks?: number;
  /** How the sweep writes transitions: one `UpdateItem` each, or batched PartiQL statements (as deployed). */
  readonly writer: 'per-item' | 'batched';
  /** Items per scan page. */
  readonly pageSize: number;
  /** The least write requests a clean cycle makes (the experiment must cover that many boundaries). */
  readonly minRequests: number;
}

const BUDGET = 'a run stopped by its time budget (checkpoint saved, deletions deferred)';
/**
 * The batched variants scan one segment in pages of 16 or more: how transitions group into calls
 * follows the order pages and responses arrive in, and every case must make the clean cycle's
 * requests in the same order. One page (or one page, then the budget stops the run) groups the
 * same way every time.
 */
const VARIANTS: readonly Variant[] = [
  { name: 'a full run', scanSegments: 2, pageSize: 8, writer: 'per-item', minRequests: 20 },
  { name: BUDGET, scanSegments: 1, pageSize: 8, ampleBudgetChecks: 2, writer: 'per-item', minRequests: 20 },
  { name: 'a full run, batched', scanSegments: 1, pageSize: 64, writer: 'batched', minRequests: 12 },
  {
    name: `${BUDGET}, batched`,
    scanSegments: 1,
    pageSize: 16,
    ampleBudgetChecks: 0,
    writer: 'batched',
    minRequests: 8,
  },
];

/** One sweep + notify cycle of a process whose client (and publisher) crash at write k; never throws. */
async function crashingCycle(
  table: TestTable,
  ledger: Ledger,
  crash: ProcessCrash,
  variant: Variant,
): Promise<void> {
  let budgetChecks = 0;
  const budget = variant.ampleBudgetChecks;
  const client = requestCrashingClient(table.endpoint, crash);
  const published = ledger.publisher(new RecordingPublisher());
  try {
    await runSweep(
      {
        clock: Date.now,
        scanner: new DynamoDbCredentialScanner(client, table.tableName, { pageSize: variant.pageSize }),
        // The batched writer without the sweep's linger: calls group by turn of the event loop, not by a timer,
        // so every case sends the same requests and each crash point is the same request.
        writer:
          variant.writer === 'batched'
            ? new BatchedTransitionWriter(client, table.tableName)
            : new DynamoDbTransitionWriter(client, table.tableName),
        checkpoints: new DynamoDbCheckpointStore(client, table.tableName),
        ...(budget !== undefined && { remainingMs: () => (++budgetChecks <= budget ? 3_600_000 : 0) }),
      },
      {
        config: { ...cycle.FAULT_CONFIG, scanSegments: variant.scanSegments },
        now: cycle.FAULT_NOW,
        runId: 'crashing-run',
        mode: 'enforce',
      },
    );
    crash.alive('the notifier');
    await runNotifier(
      {
        outbox: new DynamoDbOutboxStore(client, table.tableName, { pageSize: 8 }),
        publisher: {
          limits: published.limits,
          publishBatch: (messages: readonly OutgoingMessage[]) =>
            crash.write('PublishBatch', `${messages.length} entries`, () => published.publishBatch(messages)),
        },
        clock: () => cycle.FAULT_NOW,
        sleep: timerSleep,
      },
      // One owner per chunk (and per PublishBatch): a lease, then per chunk a read, a publish and a mark
      // request, so a crash lands between chunks as well as inside one.
      { leaseMs: cycle.LEASE_MS, drainId: 'crashing-drain', maxBatchEntries: 1, readBatchItems: 1 },
    );
  } catch (error: unknown) {
    if (!crash.isDead) throw error;
  } finally {
    await crash.settled();
    client.destroy();
  }
}

/** `credentialId/eventId` of every event the policy plans for `records` at cycle.FAULT_NOW. */
function plannedEventKeys(records: readonly Record<string, unknown>[]): Set<string> {
  const keys = new Set<string>();
  for (const record of records) {
    const parsed = parseCredential(record);
    if (!parsed.ok) continue;
    const actions = decide(parsed.credential, cycle.FAULT_CONFIG, cycle.FAULT_NOW);
    for (const event of eventsFor(parsed.credential, actions, { runId: 'any', now: cycle.FAULT_NOW }))
      keys.add(eventKey(event));
  }
  return keys;
}

interface Outcome {
  readonly crashed: boolean;
  readonly operation: string;
  readonly violations: readonly string[];
  readonly lost: number;
  readonly duplicates: number;
}

describe.each(VARIANTS)(
  'a crash at every DynamoDB write request of a sweep + notify cycle: $name',
  (variant) => {
    let reference: Map<string, Record<string, unknown>>;
    let referenceEvents: Set<string>;
    let requestsPerCycle = 0;
    const outcomes: Outcome[] = [];

    beforeAll(async () => {
      const clean = await cycle.cleanRun('crash-requests-reference', FLEET, (table, ledger, counter) =>
        crashingCycle(table, ledger, counter, variant),
      );
      requestsPerCycle = clean.counter.writeCount;
      console.log('REQ', variant.name, requestsPerCycle, clean.counter.log.join(' | '));
      if (variant.ampleBudgetChecks !== undefined) {
        // The budgeted run loads, then saves the checkpoint: both are boundaries too.
        expect(clean.counter.log.filter((write) => write.endsWith(CHECKPOINT_ID))).toHaveLength(2);
      }
      reference = clean.state;
      referenceEvents = new Set(clean.ledger.publishedEvents.keys());
      // The clean run itself must publish exactly the events the pure domain plans.
      expect(referenceEvents).toEqual(plannedEventKeys(FLEET));
    });

    afterAll(() => {
      if (outcomes.length === 0) return;
      const byOperation: Record<string, number> = {};
      for (const o of outcomes) byOperation[o.operation] = (byOperation[o.operation] ?? 0) + 1;
      writeFigures({
        scenario: `crash-requests${variant.ampleBudgetChecks === undefined ? '' : '-budget'}${variant.writer === 'batched' ? '-batched' : ''}`,
        cases: { 'write requests per clean cycle': requestsPerCycle, 'crash points tried': outcomes.length },
        faults: { 'crashes injected': outcomes.filter((o) => o.crashed).length, ...byOperation },
        wrongDeletions: 0,
        lostEvents: outcomes.reduce((n, o) => n + o.lost, 0),
        duplicateEvents: outcomes.reduce((n, o) => n + o.duplicates, 0),
        notes: { 'cases with a duplicate': outcomes.filter((o) => o.duplicates > 0).length },
      });
    });

    async function runCase(k: number, timing: CrashTiming): Promise<Outcome> {
      const table = await createTestTable(undefined, `crash-request-${timing}-${k}`);
      try {
        const original = await cycle.seed(table, FLEET);
        const ledger = new Ledger();
        const crash = new ProcessCrash(k, timing);
        await crashingCycle(table, ledger, crash, variant);
        const label = `crash ${timing} request ${k} (${crash.crashed?.operation ?? 'none'} ${crash.crashed?.target ?? ''})`;
        const afterCrash = await cycle.inspectTable(table, original);
        const violations = [...afterCrash.violations, ...afterCrash.wrongDeletions].map(
          (v) => `after the crash: ${v}`,
        );

        await cycle.converge(table, ledger);
        const final = await cycle.inspectTable(table, original);
        violations.push(...final.violations, ...final.wrongDeletions);
        for (const [id, item] of final.items) {
          if (JSON.stringify(comparable(item)) !== JSON.stringify(comparable(reference.get(id)))) {
            violations.push(`${id}: final state differs from a clean run's`);
          }
        }
        const published = ledger.publishedEvents;
        const lost = [...referenceEvents].filter((e) => !published.has(e));
        violations.push(
          ...lost.map((e) => `never published: ${e}`),
          ...[...published.keys()]
            .filter((e) => !referenceEvents.has(e))
            .map((e) => `not a clean run's event: ${e}`),
          ...ledger
            .duplicates()
            .filter(([, n]) => n > 2)
            .map(([e, n]) => `published ${n} times: ${e}`),
        );
        return {
          crashed: crash.crashed !== undefined,
          operation: crash.crashed?.operation ?? 'none',
          violations: violations.map((v) => `${label}: ${v}`),
          lost: lost.length,
          duplicates: ledger.duplicates().length,
        };
      } finally {
        await table.drop();
      }
    }

    it.each(['before', 'after'] as const)(
      'crash %s each request: same end state and events as a clean run',
      async (timing) => {
        expect(requestsPerCycle).toBeGreaterThan(variant.minRequests);
        const points = Array.from({ length: requestsPerCycle }, (_, i) => i + 1);

        const results = await mapWithConcurrency(points, PARALLEL_CASES, (k) => runCase(k, timing));
        outcomes.push(...results);

        expect(results.filter((r) => r.crashed)).toHaveLength(requestsPerCycle);
        expect(results.flatMap((r) => r.violations)).toEqual([]);
      },
    );
  },
);
