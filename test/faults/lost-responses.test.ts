/**
 * Lost responses: a fraction of DynamoDB and SNS requests take effect, then
 * their response is lost (a connection reset), so the SDK retries a request
 * that already happened (never on every attempt of one request: its last
 * attempt is answered, support/throttling.ts). A retried transition meets its
 * own change and fails its condition; a retried lease write or mark finds its work done; a retried
 * PublishBatch publishes again. The data must still be exactly a clean run's,
 * no event lost, none received by SNS more often than the SDK attempts one
 * request (3), the run summary must still
 * count as applied every transition the run can prove it made (all but
 * silent unflags, which carry no run id), and the drain must count no
 * duplicate for a mark it retried itself. A batched mark call that fails on
 * its first attempt is judged by the same rule (lambdas/aws/may-have-applied.ts):
 * ended by a transient error it may have applied (its own removals are no
 * duplicates), refused outright it applied nothing (events found gone are).
 */
import { BatchExecuteStatementCommand, DynamoDBServiceException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbCheckpointStore } from '../../lambdas/aws/checkpoint-store';
import { DynamoDbCredentialScanner } from '../../lambdas/aws/credential-scanner';
import { createDocumentClient } from '../../lambdas/aws/dynamodb-client';
import { DynamoDbOutboxStore } from '../../lambdas/aws/outbox-store';
import { SnsPublisher } from '../../lambdas/aws/sns-publisher';
import { timerSleep } from '../../lambdas/aws/timer-sleep';
import { parseCredential } from '../../lambdas/hygiene/credential';
import { OUTBOX_ATTR } from '../../lambdas/hygiene/data-contract';
import { eventsFor, type OutboxEvent } from '../../lambdas/hygiene/events';
import { runNotifier } from '../../lambdas/hygiene/notifier';
import { decide } from '../../lambdas/hygiene/policy';
import { runSweep } from '../../lambdas/hygiene/sweep';
import { type SnsStub, startSnsStub } from '../infra/sns-stub';
import { putItems } from '../support/items';
import { deliveredDocument } from '../support/sns-delivery';
import { createTestTable } from '../support/test-table';
import { TRANSITION_WRITERS } from '../support/transition-writers';
import { RecordingPublisher } from '../unit/outbox-fakes';
import { converge, FAULT_CONFIG, FAULT_NOW, LEASE_MS, realisticFleet, seed } from './support/cycle';
import { writeFigures } from './support/figures';
import { eventKey, Ledger } from './support/ledger';
import {
  comparable,
  consistencyViolations,
  outboxIndexIds,
  readTable,
  wrongDeletions,
} from './support/table-check';
import { injectLostResponses, loseFirstResponse, seededRandom, stubSnsClient } from './support/throttling';

const TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:hygiene-faults';
const RATE = 0.2;
/** The SDK's standard retry mode: one request is attempted at most 3 times. */
const SDK_MAX_ATTEMPTS = 3;

describe('responses lost after the request took effect', () => {
  let sns: SnsStub;
  const figures = {
    requests: 0,
    lost: 0,
    snsRequests: 0,
    snsLost: 0,
    transitions: 0,
    misreported: 0,
    duplicates: 0,
  };
  beforeAll(async () => {
    sns = await startSnsStub();
  });
  afterAll(async () => {
    await sns.stop();
    if (figures.requests === 0) return;
    writeFigures({
      scenario: 'lost-responses',
      cases: {
        'planned transitions': figures.transitions,
        'DynamoDB requests': figures.requests,
        'SNS requests': figures.snsRequests,
      },
      faults: { 'DynamoDB responses lost': figures.lost, 'SNS responses lost': figures.snsLost },
      wrongDeletions: 0,
      lostEvents: 0,
      duplicateEvents: figures.duplicates,
      notes: {
        rate: RATE,
        'retried own writes reported skipped-changed (silent unflags only: no proof)': figures.misreported,
      },
    });
  });

  it.each(TRANSITION_WRITERS)(
    'changes the table exactly as a clean run, loses no event, and counts its own writes as applied (%s)',
    async (_name, makeWriter) => {
      const records = realisticFleet(60, 8, 31);
      // The stub serves every case of this file: count only what this case's drain sent.
      const firstMessage = sns.messages.length;
      const table = await createTestTable(undefined, 'lost-responses');
      const reference = await createTestTable(undefined, 'lost-responses-ref');
      const random = seededRandom(31);
      const client = createDocumentClient({ endpoint: table.endpoint });
      const snsClient = stubSnsClient(sns.endpoint);
      try {
        await seed(reference, records);
        await converge(reference, new Ledger());
        const original = await seed(table, records);
        const dynamo = injectLostResponses(client, RATE, random);
        const snsCounts = injectLostResponses(snsClient, RATE, random);
        // The lossy drain publishes to the SNS stub; the recovery rounds publish to an in-memory
        // recorder (cycle.ts), so an event the lossy drain could not publish (the lease write or a PublishBatch
        // still failing after the SDK's attempts) reaches only the recovery publisher.
        const lossyDrain = new Ledger();
        const recovery = new Ledger();

        const summary = await runSweep(
          {
            clock: Date.now,
            scanner: new DynamoDbCredentialScanner(client, table.tableName, { pageSize: 8 }),
            writer: makeWriter(client, table.tableName),
            checkpoints: new DynamoDbCheckpointStore(client, table.tableName),
          },
          { config: FAULT_CONFIG, now: FAULT_NOW, runId: 'lossy-run', mode: 'enforce' },
        );
        const drain = await runNotifier(
          {
            outbox: new DynamoDbOutboxStore(client, table.tableName, { pageSize: 8 }),
            publisher: lossyDrain.publisher(new SnsPublisher(snsClient, TOPIC_ARN)),
            clock: () => FAULT_NOW,
            sleep: timerSleep,
          },
          // One digest per PublishBatch call and one owner per chunk (its own read and mark calls): more
          // SNS and DynamoDB requests whose response can be lost.
          { leaseMs: LEASE_MS, maxBatchEntries: 1, readBatchItems: 1 },
        );
        expect(consistencyViolations(await readTable(table), await outboxIndexIds(table), original)).toEqual(
          [],
        );
        await converge(table, recovery);

        const final = await readTable(table);
        const expected = await readTable(reference);
        for (const [id, item] of final) expect(comparable(item), id).toEqual(comparable(expected.get(id)));
        // The loop above reads only the items still there: every item seeded must be too (none vanished).
        expect(wrongDeletions(original, final, FAULT_CONFIG, FAULT_NOW)).toEqual([]);
        const planned = new Map<string, string[]>();
        const plannedEvents = new Set<string>();
        for (const record of records) {
          const parsed = parseCredential(record);
          if (!parsed.ok) continue;
          const actions = decide(parsed.credential, FAULT_CONFIG, FAULT_NOW);
          if (actions.length > 0)
            planned.set(
              parsed.credential.id,
              actions.map((a) => a.type),
            );
          for (const e of eventsFor(parsed.credential, actions, { runId: 'x', now: FAULT_NOW }))
            plannedEvents.add(eventKey(e));
        }
        // What SNS itself received (a retried PublishBatch arrives again), not what the publisher was told.
        const received = new Map<string, number>();
        for (const message of sns.messages.slice(firstMessage)) {
          const document = deliveredDocument<{ events: OutboxEvent[] }>(message.message);
          for (const event of document.events)
            received.set(eventKey(event), (received.get(eventKey(event)) ?? 0) + 1);
        }
        const recovered = [...recovery.publishedEvents.keys()];
        // Every planned event reached SNS (lossy drain) or the recovery publisher; none invented.
        expect(new Set([...received.keys(), ...recovered])).toEqual(plannedEvents);
        expect(new Set([...lossyDrain.publishedEvents.keys(), ...recovered])).toEqual(plannedEvents);
        // What the lossy drain's publisher reported accepted, SNS did receive.
        expect([...lossyDrain.publishedEvents.keys()].filter((key) => !received.has(key))).toEqual([]);
        // A PublishBatch whose response is lost is re-sent by the SDK: SNS may receive it once per
        // attempt (standard retry mode: at most 3). The owner groups drain concurrently, so which
        // requests lose their response varies between runs; the bound does not.
        expect([...received].filter(([, n]) => n > SDK_MAX_ATTEMPTS)).toEqual([]);
        expect(dynamo.injected).toBeGreaterThan(0);
        // Nobody else wrote: each planned transition was this run's, whatever its response said.
        expect(summary.failed.records).toEqual([]);
        // The lossy drain's own account matches what its publisher saw accepted.
        expect(drain.eventsPublished).toBe(
          [...lossyDrain.publishedEvents.values()].reduce((a, b) => a + b, 0),
        );
        // One drain, no crash: a mark the SDK retried after a lost response finds its own removal done,
        // which is no duplicate sent (DuplicateEventsSent would alarm an operator for nothing).
        expect(drain.eventsAlreadyMarked).toBe(0);
        figures.requests = dynamo.attempts;
        figures.lost = dynamo.injected;
        figures.snsRequests = snsCounts.attempts;
        figures.snsLost = snsCounts.injected;
        figures.transitions = planned.size;
        figures.misreported = summary.skippedChanged.count;
        figures.duplicates = [...received].filter(([, n]) => n > 1).length;
        // A retried write the run can prove is its own counts as applied (a deletion carries the run id,
        // events carry it too); only a silent unflag has no such proof and may be reported skipped-changed.
        for (const skipped of summary.skippedChanged.records) {
          expect(planned.get(skipped.id), `${skipped.id} reported skipped-changed`).toEqual(['unflag-stale']);
        }
      } finally {
        client.destroy();
        snsClient.destroy();
        await table.drop();
        await reference.drop();
      }
    },
  );
});

describe('a mark whose response was lost', () => {
  /** A credential item with one pending notice (a compact entry) for `userId`. */
  const pendingItem = (id: string, userId: string) => ({
    id,
    userId,
    displayName: `Key ${id}`,
    clientId: `c-${id}`,
    [OUTBOX_ATTR.events]: [storedNotice(7)],
    [OUTBOX_ATTR.owner]: userId,
    [OUTBOX_ATTR.since]: '2026-11-26T02:00:00.000Z',
  });
  const storedNotice = (stageDays: number) => ({
    eventId: `expiry-warning:2026-12-03T00:00:00.000Z:${stageDays}`,
    type: 'expiry-warning',
    runId: 'run-1',
    occurredAt: '2026-11-26T02:00:00.000Z',
    stageDays,
    expiresTime: '2026-12-03T00:00:00.000Z',
  });

  it('counts the events its own retried BatchExecuteStatement removed as sent once', async () => {
    const table = await createTestTable(undefined, 'lost-mark-batch');
    const client = createDocumentClient({ endpoint: table.endpoint });
    try {
      await putItems(table.client, table.tableName, [pendingItem('pc-1', 'ada'), pendingItem('pc-2', 'bob')]);
      const lost = loseFirstResponse(client, (input) => 'Statements' in input);
      const publisher = new RecordingPublisher();

      const drain = await runNotifier(
        {
          outbox: new DynamoDbOutboxStore(client, table.tableName),
          publisher,
          clock: () => FAULT_NOW,
          sleep: timerSleep,
        },
        { drainId: 'd1' },
      );

      expect(lost.injected).toBe(1);
      expect(publisher.delivered).toHaveLength(2);
      expect(drain).toMatchObject({ eventsPublished: 2, eventsAlreadyMarked: 0, storeErrors: 0 });
      expect(await outboxIndexIds(table)).toEqual(new Set());
    } finally {
      client.destroy();
      await table.drop();
    }
  });

  it('counts the events its own retried per-item UpdateItem removed as sent once', async () => {
    const table = await createTestTable(undefined, 'lost-mark-item');
    const client = createDocumentClient({ endpoint: table.endpoint });
    try {
      await putItems(table.client, table.tableName, [pendingItem('pc-1', 'ada')]);
      // A sweep appends a notice between the drain's read and its mark: the batched statement (the whole
      // list, guarded by its size) fails, and the item is marked on its own, by an UpdateItem.
      const publisher = new RecordingPublisher();
      const publish = publisher.publishBatch.bind(publisher);
      publisher.publishBatch = async (messages) => {
        await table.client.send(
          new UpdateCommand({
            TableName: table.tableName,
            Key: { id: 'pc-1' },
            UpdateExpression: 'SET #events = list_append(#events, :late)',
            ExpressionAttributeNames: { '#events': OUTBOX_ATTR.events },
            ExpressionAttributeValues: { ':late': [storedNotice(1)] },
          }),
        );
        return publish(messages);
      };
      const lost = loseFirstResponse(
        client,
        (input) => 'UpdateExpression' in input && JSON.stringify(input.Key).includes('pc-1'),
      );

      const drain = await runNotifier(
        {
          outbox: new DynamoDbOutboxStore(client, table.tableName),
          publisher,
          clock: () => FAULT_NOW,
          sleep: timerSleep,
        },
        { drainId: 'd1' },
      );

      expect(lost.injected).toBe(1);
      expect(drain).toMatchObject({ eventsPublished: 1, eventsAlreadyMarked: 0, storeErrors: 0 });
      // The published notice is gone, the appended one pending.
      const item = (await readTable(table)).get('pc-1');
      expect(item?.[OUTBOX_ATTR.events]).toEqual([storedNotice(1)]);
    } finally {
      client.destroy();
      await table.drop();
    }
  });
});

describe('a batched mark call that fails on its first attempt', () => {
  const pendingItem = (id: string, userId: string) => ({
    id,
    userId,
    displayName: `Key ${id}`,
    clientId: `c-${id}`,
    [OUTBOX_ATTR.events]: [
      {
        eventId: 'expiry-warning:2026-12-03T00:00:00.000Z:7',
        type: 'expiry-warning',
        runId: 'run-1',
        occurredAt: '2026-11-26T02:00:00.000Z',
        stageDays: 7,
        expiresTime: '2026-12-03T00:00:00.000Z',
      },
    ],
    [OUTBOX_ATTR.owner]: userId,
    [OUTBOX_ATTR.since]: '2026-11-26T02:00:00.000Z',
  });

  /** `client` with its `BatchExecuteStatement` calls answered by `batch` (the other commands go through). */
  const withBatch = (
    client: DynamoDBDocumentClient,
    batch: (command: BatchExecuteStatementCommand) => Promise<unknown>,
  ): DynamoDBDocumentClient =>
    new Proxy(client, {
      get: (target, property, receiver) =>
        property === 'send'
          ? (command: unknown) =>
              command instanceof BatchExecuteStatementCommand
                ? batch(command)
                : client.send(command as UpdateCommand)
          : Reflect.get(target, property, receiver),
    });

  /** Drains the two items `pc-1` (ada) and `pc-2` (bob) through a store over `client`. */
  async function drainWith(
    label: string,
    client: (
      real: DynamoDBDocumentClient,
      table: Awaited<ReturnType<typeof createTestTable>>,
    ) => DynamoDBDocumentClient,
  ) {
    const table = await createTestTable(undefined, label);
    const real = createDocumentClient({ endpoint: table.endpoint });
    try {
      await putItems(table.client, table.tableName, [pendingItem('pc-1', 'ada'), pendingItem('pc-2', 'bob')]);
      const publisher = new RecordingPublisher();
      const drain = await runNotifier(
        {
          outbox: new DynamoDbOutboxStore(client(real, table), table.tableName),
          publisher,
          clock: () => FAULT_NOW,
          sleep: timerSleep,
        },
        { drainId: 'd1' },
      );
      return { drain, publisher, indexed: await outboxIndexIds(table) };
    } finally {
      real.destroy();
      await table.drop();
    }
  }

  it('refused outright (AccessDenied, one attempt): events another drain removed meanwhile count as duplicates sent', async () => {
    const { drain, publisher, indexed } = await drainWith('mark-refused', (real, table) =>
      withBatch(real, async () => {
        // Another drain (one whose lease lapsed) marks both items meanwhile; this call applies nothing.
        for (const id of ['pc-1', 'pc-2']) {
          await table.client.send(
            new UpdateCommand({
              TableName: table.tableName,
              Key: { id },
              UpdateExpression: 'REMOVE #events, #owner, #since',
              ExpressionAttributeNames: {
                '#events': OUTBOX_ATTR.events,
                '#owner': OUTBOX_ATTR.owner,
                '#since': OUTBOX_ATTR.since,
              },
            }),
          );
        }
        throw new DynamoDBServiceException({
          name: 'AccessDeniedException',
          $fault: 'client',
          message: 'not authorized to perform: dynamodb:PartiQLUpdate (injected)',
          $metadata: { httpStatusCode: 400, attempts: 1 },
        });
      }),
    );

    expect(publisher.delivered).toHaveLength(2);
    expect(drain).toMatchObject({ eventsPublished: 2, eventsAlreadyMarked: 2, storeErrors: 0 });
    expect(indexed).toEqual(new Set());
  });

  it('ended by a transient error after one attempt (the retry quota spent): its own removals are no duplicates', async () => {
    const { drain, publisher, indexed } = await drainWith('mark-transient', (real) =>
      withBatch(real, async (command) => {
        // The call takes effect; its response is lost, and the SDK has no retry left to try again.
        await real.send(command);
        throw Object.assign(new Error('socket hang up (response lost, injected by the fault tests)'), {
          code: 'ECONNRESET',
          $metadata: { attempts: 1 },
        });
      }),
    );

    expect(publisher.delivered).toHaveLength(2);
    expect(drain).toMatchObject({ eventsPublished: 2, eventsAlreadyMarked: 0, storeErrors: 0 });
    expect(indexed).toEqual(new Set());
  });
});
