/**
 * The relay route on the wire (docs/notifications.md, "Email relay"): a real
 * sweep and drain (`ownerDelivery: relay`) on DynamoDB Local publish through the
 * real SDK SNS client and `SnsPublisher` to the SNS-compatible local server;
 * the relay queue's `sqs` subscription (filter `{"audience": ["owner"]}`)
 * receives each digest's notification as SNS would send it — without message
 * attributes, since the notifier publishes with `MessageStructure: 'json'` —
 * and the relay Lambda's handler (directory and ledger on DynamoDB Local, SESv2
 * mocked at the client boundary) emails the owner. A relay that read the
 * routing from the attributes would fail every record here.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { simpleParser } from 'mailparser';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createRelayLedgerTable } from '../../cli/aws/create-relay-ledger-table';
import { DynamoDbOutboxStore } from '../../lambdas/aws/outbox-store';
import { DynamoOwnerDirectory } from '../../lambdas/aws/owner-directory-store';
import { DynamoRelayLedger } from '../../lambdas/aws/relay-ledger-store';
import { SesEmailSender } from '../../lambdas/aws/ses-email-sender';
import { timerSleep } from '../../lambdas/aws/timer-sleep';
import { RELAY_METRIC } from '../../lambdas/handlers/metric-names';
import { runNotifier } from '../../lambdas/hygiene/notifier';
import { addDays, formatInstant } from '../../lambdas/hygiene/time';
import { ownedCredential } from '../support/owned-credential';
import { useTestDirectoryTable } from '../support/test-directory-table';
import { createLocalTable, dynamoDbEndpoint, useLocalTable, useTestTable } from '../support/test-table';
import { seedSweptFleet, useSnsPublisher } from './support/sns-wire';

type RelayModule = typeof import('../../lambdas/handlers/relay');

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:credential-hygiene';
const RELAY_QUEUE = 'arn:aws:sqs:us-east-1:123456789012:pc-hygiene-relay';
const FROM = 'PersonalClient Hygiene <hygiene@corp.example>';
const NOW = Date.parse('2026-11-26T02:00:00.000Z');

/** Unscoped and open to any source, expiring in five days: an expiry warning for its owner. */
const credential = (id: string, userId: string) =>
  ownedCredential(NOW, id, userId, {
    expiresTime: formatInstant(addDays(NOW, 5)),
    scopedRoles: undefined,
    allowSourceCidr: undefined,
  });

const ses = mockClient(SESv2Client);
let relayModule: RelayModule;

beforeAll(async () => {
  // The module builds its deployed dependencies at import: give it a valid environment first.
  Object.assign(process.env, {
    DIRECTORY_TABLE_NAME: 'unused',
    RELAY_LEDGER_TABLE_NAME: 'unused',
    RELAY_MAX_RECEIVE_COUNT: '5',
    TOPIC_ARN: TOPIC,
    HYGIENE_senderIdentity: FROM,
    AWS_REGION: 'us-east-1',
  });
  relayModule = await import('../../lambdas/handlers/relay');
});

beforeEach(() => {
  ses.reset();
});

describe('relay route over an SNS-compatible server: notifier → topic → relay queue → relay → SES', () => {
  const table = useTestTable('relay-wire', 'each');
  const owners = useTestDirectoryTable('relay-wire-owners', 'each');
  const ledger = useLocalTable(
    () =>
      createLocalTable(
        (client, name) => createRelayLedgerTable(client, name),
        'relay-wire-ledger',
        dynamoDbEndpoint(),
      ),
    'relay-wire-ledger',
    'each',
  );
  const wire = useSnsPublisher(TOPIC);

  /** The relay Lambda's handler on the local tables and the mocked SES client, and the metrics it recorded. */
  function relayHandler(directory: DynamoOwnerDirectory) {
    const metrics: Record<string, number> = {};
    const quiet = () => undefined;
    const handler = relayModule.createRelayHandler({
      logger: { info: quiet, warn: quiet, error: quiet } as unknown as Logger,
      metrics: {
        addMetric: (name: string, _unit: string, value: number) => {
          metrics[name] = value;
        },
      } as unknown as Metrics,
      tracer: {} as Tracer,
      relay: {
        directory,
        ledger: new DynamoRelayLedger(ledger.client, ledger.tableName),
        sender: new SesEmailSender(new SESv2Client({ region: 'us-east-1' }), {
          sleep: async () => undefined,
        }),
        clock: () => NOW + 60_000,
        from: FROM,
      },
      maxReceiveCount: 5,
      // No record here is refused for SES's daily quota: nothing to hold (relay-handler-quota-deferral.test.ts).
      visibility: { hideFor: async () => undefined },
    });
    return {
      metrics,
      invoke: (event: SQSEvent) => handler(event, { getRemainingTimeInMillis: () => 30_000 }),
    };
  }

  /** The SQS batch the relay queue's event source mapping delivers: each body is SNS's notification, as sent. */
  function sqsBatch(bodies: readonly string[]): SQSEvent {
    return {
      Records: bodies.map((body, i) => ({
        messageId: `sqs-${i}`,
        receiptHandle: `r-${i}`,
        body,
        attributes: {
          ApproximateReceiveCount: '1',
          SentTimestamp: String(NOW),
          SenderId: 'AIDAEXAMPLE',
          ApproximateFirstReceiveTimestamp: String(NOW),
        },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: RELAY_QUEUE,
        awsRegion: 'us-east-1',
      })),
    };
  }

  it("emails ada her digest, and skips carol's (judged unreachable and reported), from notifications without attributes", async () => {
    const directory = new DynamoOwnerDirectory(owners.client, owners.tableName);
    await seedSweptFleet(table, directory, NOW, {
      credentials: [credential('a1', 'ada'), credential('c1', 'carol')],
      owners: [{ userId: 'ada', email: 'ada@example.com', name: 'Ada Lovelace', status: 'active' }],
      subscriptions: {},
    });
    const queue = wire.sns.addSubscription({
      topicArn: TOPIC,
      protocol: 'sqs',
      endpoint: RELAY_QUEUE,
      filterPolicy: { audience: ['owner'] },
    });
    const admins = wire.sns.subscribe({ audience: ['admin'] });
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-ada' });

    const summary = await runNotifier(
      {
        outbox: new DynamoDbOutboxStore(table.client, table.tableName),
        publisher: wire.publisher,
        clock: () => NOW,
        directory,
        sleep: timerSleep,
      },
      { ownerDelivery: 'relay', drainId: 'drain-1' },
    );
    const notifications = wire.sns.notificationsTo(queue);
    const relay = relayHandler(directory);
    const response = await relay.invoke(sqsBatch(notifications.map((n) => JSON.stringify(n))));

    expect(summary).toMatchObject({ digests: 2, unreachableOwners: 1, eventsFailed: 0 });
    // The filter policy routed on the attributes as published: the owner digests reach the queue, the report does not.
    expect(queue.received.map((m) => m.attributes.userId?.value).sort()).toEqual(['ada', 'carol']);
    expect(admins.received).toHaveLength(1);
    // What SNS sends for a MessageStructure json publish: the document, no MessageAttributes.
    expect(notifications).toHaveLength(2);
    for (const n of notifications) {
      expect(n).toMatchObject({ Type: 'Notification', TopicArn: TOPIC });
      expect(n).not.toHaveProperty('MessageAttributes');
    }
    expect(response).toEqual({ batchItemFailures: [] });
    expect(relay.metrics).toMatchObject({
      [RELAY_METRIC.sent]: 1,
      [RELAY_METRIC.unreachable]: 1,
      [RELAY_METRIC.failed]: 0,
    });
    const calls = ses.commandCalls(SendEmailCommand);
    expect(calls.map((c) => c.args[0].input.Destination?.ToAddresses)).toEqual([['ada@example.com']]);
    const mail = await simpleParser(Buffer.from(calls[0]?.args[0].input.Content?.Raw?.Data ?? []));
    expect(mail.to).toMatchObject({ value: [{ address: 'ada@example.com', name: 'Ada Lovelace' }] });
    expect(mail.text).toContain('(id a1, client id client-a1)');
  });
});
