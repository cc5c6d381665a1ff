/**
 * Lost responses: a fraction of DynamoDB and SNS requests take effect, then
 * their response is lost (a connection reset), so the SDK retries a request
 * that already happened (never on every attempt of one request: its last
 * attempt is answered, support/throttling.ts). A retried transition meets its
 * own change and fails its condition; a retried claim or mark finds its work done; a retried
 * PublishBatch publishes again. The data must still be exactly a clean run's,
 * no event lost, none received by SNS more often than the SDK attempts one
 * request (3), and the run summary must still
 * count as applied every transition the run can prove it made (all but
 * silent unflags, which carry no run id).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbCheckpointStore } from '../../lambdas/aws/checkpoint-store';
import { DynamoDbCredentialScanner } from '../../lambdas/aws/credential-scanner';
import { createDocumentClient } from '../../lambdas/aws/dynamodb-client';
import { DynamoDbOutboxStore } from '../../lambdas/aws/outbox-store';
import { SnsPublisher } from '../../lambdas/aws/sns-publisher';
import { parseCredential } from '../../lambdas/hygiene/credential';
import { eventsFor, type OutboxEvent } from '../../lambdas/hygiene/events';
import { runNotifier } from '../../lambdas/hygiene/notifier';
import { decide } from '../../lambdas/hygiene/policy';
import { runSweep } from '../../lambdas/hygiene/sweep';
import { type SnsStub, startSnsStub } from '../infra/sns-stub';
import { deliveredDocument } from '../support/sns-delivery';
import { createTestTable } from '../support/test-table';
import { TRANSITION_WRITERS } from '../support/transition-writers';
import { converge, FAULT_CONFIG, FAULT_NOW, LEASE_MS, realisticFleet, seed } from './support/cycle';
import { writeFigures } from './support/figures';
import { eventKey, Ledger } from './support/ledger';
import { comparable, consistencyViolations, outboxIndexIds, readTable } from './support/table-check';
import { injectLostResponses, seededRandom, stubSnsClient } from './support/throttling';

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
        // recorder (cycle.ts), so an event the lossy drain could not publish (a claim or PublishBatch
        // still failing after the SDK's attempts) reaches only the recovery publisher.
        const lossyDrain = new Ledger();
        const recovery = new Ledger();

        const summary = await runSweep(
          {
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
          },
          // One digest per PublishBatch call: more SNS requests whose response can be lost.
          { leaseMs: LEASE_MS, maxBatchEntries: 1 },
        );
        expect(consistencyViolations(await readTable(table), await outboxIndexIds(table), original)).toEqual(
          [],
        );
        await converge(table, recovery);

        const final = await readTable(table);
        const expected = await readTable(reference);
        for (const [id, item] of final) expect(comparable(item), id).toEqual(comparable(expected.get(id)));
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
