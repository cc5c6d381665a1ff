/**
 * The relay Lambda's handler end to end below SES: the owner directory and
 * the relay ledger on DynamoDB Local, SESv2 mocked at the client boundary
 * (aws-sdk-client-mock) with the exact `SendEmail` requests asserted. Covers
 * sending once across redeliveries, skipping unreachable owners (also one who
 * unsubscribed by an SNS email's link, until `owners resubscribe`), the partial
 * batch response, throttling then success, the permanent-failure (DLQ) path
 * (its last delivery counted as given up, `EmailRelayGaveUp`),
 * and a permanent bounce (SES events handler) making the owner unreachable.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import {
  MessageRejected,
  SESv2Client,
  SendEmailCommand,
  TooManyRequestsException,
} from '@aws-sdk/client-sesv2';
import { PublishBatchCommand, SNSClient } from '@aws-sdk/client-sns';
import { DeleteCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { SNSEvent, SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { simpleParser } from 'mailparser';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createOwnerDirectoryTable } from '../../cli/aws/create-owner-directory-table';
import { createRelayLedgerTable } from '../../cli/aws/create-relay-ledger-table';
import { resubscribeOwners } from '../../cli/use-cases/resubscribe-owners';
import { createDocumentClient } from '../../lambdas/aws/dynamodb-client';
import { DynamoOwnerDirectory } from '../../lambdas/aws/owner-directory-store';
import { DynamoRelayLedger } from '../../lambdas/aws/relay-ledger-store';
import { SesEmailSender } from '../../lambdas/aws/ses-email-sender';
import { SnsPublisher } from '../../lambdas/aws/sns-publisher';
import { RELAY_METRIC, SES_EVENTS_METRIC } from '../../lambdas/handlers/metric-names';
import type { OwnerReachVerdict } from '../../lambdas/hygiene/message';
import type { ImportedOwner } from '../../lambdas/hygiene/owner-import-rows';
import { digestFromSnsEnvelope } from '../../lambdas/relay/digest-message';
import { digestEmailTags, ownerTags } from '../../lambdas/relay/email-tags';
import { digestEventsKey } from '../../lambdas/relay/events-key';
import { relayKey } from '../../lambdas/relay/relay';
import { SAMPLE_NOW, sampleEntries, sampleEvent, snsEnvelope } from '../support/sample-digest';
import { dynamoDbEndpoint } from '../support/test-table';

type RelayModule = typeof import('../../lambdas/handlers/relay');
type SesEventsModule = typeof import('../../lambdas/handlers/ses-events');

const FROM = 'PersonalClient Hygiene <hygiene@corp.example>';
const CONFIG_SET = 'pc-hygiene-relay';
/** The relay queue's maxReceiveCount (the construct's default): a record failed on that delivery goes to the DLQ. */
const MAX_RECEIVE_COUNT = 5;
const OWNERS: ImportedOwner[] = [
  { userId: 'ada', email: 'ada@example.com', name: 'Ada Lovelace', status: 'active' },
  { userId: 'bob', email: 'bob@example.com', status: 'active' },
  { userId: 'cy', email: 'cy@example.com', status: 'departed' },
];

const ses = mockClient(SESv2Client);
const sns = mockClient(SNSClient);
const client = createDocumentClient({ endpoint: dynamoDbEndpoint() });
const directoryTable = `relay-directory-${randomUUID().slice(0, 8)}`;
const ledgerTable = `relay-ledger-${randomUUID().slice(0, 8)}`;
let relayModule: RelayModule;
let sesEventsModule: SesEventsModule;
let drain = 0;

beforeAll(async () => {
  // The modules build their deployed dependencies at import: give them a valid environment first.
  Object.assign(process.env, {
    DIRECTORY_TABLE_NAME: 'unused',
    RELAY_LEDGER_TABLE_NAME: 'unused',
    RELAY_MAX_RECEIVE_COUNT: '5',
    TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:unused',
    HYGIENE_senderIdentity: FROM,
    AWS_REGION: 'us-east-1',
  });
  relayModule = await import('../../lambdas/handlers/relay');
  sesEventsModule = await import('../../lambdas/handlers/ses-events');
  await createOwnerDirectoryTable(client, directoryTable);
  await createRelayLedgerTable(client, ledgerTable);
});

afterAll(async () => {
  await client.send(new DeleteTableCommand({ TableName: directoryTable }));
  await client.send(new DeleteTableCommand({ TableName: ledgerTable }));
  client.destroy();
});

beforeEach(async () => {
  ses.reset();
  sns.reset();
  drain += 1;
  // Each test starts from the owners as imported, with no route state: removed, then written as new.
  for (const { userId } of OWNERS) {
    await client.send(new DeleteCommand({ TableName: directoryTable, Key: { userId } }));
  }
  const seeded = await new DynamoOwnerDirectory(client, directoryTable).upsertOwners(
    OWNERS.map((owner) => ({ owner, existed: false, resetRoute: false })),
    '2026-11-01T00:00:00.000Z',
  );
  expect(seeded).toEqual({ written: OWNERS.length, refused: [] });
});

afterEach(() => {
  ses.reset();
});

function fakeTools() {
  const metrics: Record<string, number> = {};
  const logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
  return {
    metrics,
    tools: {
      logger: logger as unknown as Logger,
      metrics: {
        addMetric: (name: string, _unit: string, value: number) => {
          metrics[name] = value;
        },
      } as unknown as Metrics,
      tracer: {} as Tracer,
    },
  };
}

function relayHandler(now = SAMPLE_NOW + 60_000) {
  const { metrics, tools } = fakeTools();
  const handler = relayModule.createRelayHandler({
    ...tools,
    relay: {
      directory: new DynamoOwnerDirectory(client, directoryTable),
      ledger: new DynamoRelayLedger(client, ledgerTable),
      sender: new SesEmailSender(new SESv2Client({ region: 'eu-west-1' }), {
        configurationSetName: CONFIG_SET,
        sleep: async () => undefined,
      }),
      clock: () => now,
      from: FROM,
    },
    maxReceiveCount: MAX_RECEIVE_COUNT,
    // No record here is refused for SES's daily quota: nothing to hold (relay-handler-quota-deferral.test.ts).
    visibility: { hideFor: async () => undefined },
  });
  const context = { getRemainingTimeInMillis: () => 30_000 };
  return { metrics, invoke: (event: SQSEvent) => handler(event, context) };
}

/** An SQS record carrying `userId`'s digest (this test's drain, which judged the owner `ownerReach`). */
function sqsRecord(userId: string, ownerReach: OwnerReachVerdict = 'reachable') {
  const [entry] = sampleEntries(
    [sampleEvent('expiry-warning', `pc-${userId}`, {}, userId)],
    undefined,
    ownerReach,
  );
  if (entry === undefined) throw new Error('no entry');
  // A distinct drain per test, so ledger entries of one test never meet another's.
  const body = snsEnvelope(entry).replaceAll('3f0c9a52-8d7e-4f7e-9a51-2b8d3c1e0f11', `drain-${drain}`);
  return { messageId: `msg-${userId}`, receiptHandle: 'r', body } as SQSEvent['Records'][number];
}

function batch(...userIds: string[]): SQSEvent {
  return { Records: userIds.map((userId) => sqsRecord(userId)) };
}

/** `event` as SQS delivers it the `receive`th time (each record's `ApproximateReceiveCount`). */
function onDelivery(event: SQSEvent, receive: number): SQSEvent {
  return {
    Records: event.Records.map((r) => ({
      ...r,
      attributes: { ...r.attributes, ApproximateReceiveCount: String(receive) },
    })),
  };
}

describe('relay handler', () => {
  it('sends one SESv2 SendEmail with the raw MIME, identity, configuration set and owner tag', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-1' });
    const { invoke, metrics } = relayHandler();

    const response = await invoke(batch('ada'));

    expect(response).toEqual({ batchItemFailures: [] });
    const calls = ses.commandCalls(SendEmailCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]?.args[0].input;
    const { events } = digestFromSnsEnvelope(sqsRecord('ada').body).document;
    expect(input).toEqual({
      // the bare address: the MIME From header carries the name
      FromEmailAddress: 'hygiene@corp.example',
      Destination: { ToAddresses: ['ada@example.com'] },
      Content: { Raw: { Data: expect.any(Buffer) } },
      ConfigurationSetName: CONFIG_SET,
      EmailTags: Object.entries(
        digestEmailTags({
          userId: 'ada',
          drainId: `drain-${drain}`,
          part: 1,
          eventsKey: digestEventsKey(events),
        }),
      ).map(([Name, Value]) => ({ Name, Value })),
    });
    const mail = await simpleParser(Buffer.from(input?.Content?.Raw?.Data ?? []));
    expect(mail.to).toMatchObject({ value: [{ address: 'ada@example.com', name: 'Ada Lovelace' }] });
    expect(mail.headers.get('content-type')).toMatchObject({ value: 'multipart/alternative' });
    expect(mail.html).toContain('Ada Lovelace');
    expect(metrics).toMatchObject({ [RELAY_METRIC.sent]: 1, [RELAY_METRIC.failed]: 0 });
    const key = relayKey(digestFromSnsEnvelope(sqsRecord('ada').body));
    const entry = await client.send(new GetCommand({ TableName: ledgerTable, Key: { id: key } }));
    expect(entry.Item).toMatchObject({ state: 'sent', sesMessageId: 'ses-1' });
  });

  it('does not send a redelivered message again (ledger on DynamoDB)', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-1' });
    const first = relayHandler();
    const later = relayHandler(SAMPLE_NOW + 3_600_000);

    await first.invoke(batch('ada'));
    const again = await later.invoke(batch('ada'));

    expect(again).toEqual({ batchItemFailures: [] });
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(1);
    expect(later.metrics).toMatchObject({ [RELAY_METRIC.duplicates]: 1, [RELAY_METRIC.sent]: 0 });
  });

  it('reports only the one failed record of three, and skips unreachable owners without sending', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'ok' });
    ses
      .on(SendEmailCommand, { Destination: { ToAddresses: ['bob@example.com'] } })
      .rejects(new MessageRejected({ message: 'Email address is not verified.', $metadata: {} }));
    const { invoke, metrics } = relayHandler();

    // cy is unreachable, and the drain said so (its owner-unreachable report has cy's events).
    const response = await invoke({
      Records: [sqsRecord('ada'), sqsRecord('bob'), sqsRecord('cy', 'unreachable')],
    });

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'msg-bob' }] });
    expect(ses.commandCalls(SendEmailCommand).map((c) => c.args[0].input.Destination?.ToAddresses)).toEqual(
      expect.arrayContaining([['ada@example.com'], ['bob@example.com']]),
    );
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(2);
    expect(metrics).toMatchObject({
      [RELAY_METRIC.sent]: 1,
      [RELAY_METRIC.failed]: 1,
      [RELAY_METRIC.unreachable]: 1,
      // bob's failure is SES's rejection, not an owner nobody was told of.
      [RELAY_METRIC.unreportedUnreachable]: 0,
    });
  });

  it('does not email an owner who unsubscribed by an SNS email’s link, as for a bouncing one; owners resubscribe undoes it', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-after-resubscribe' });
    const directory = new DynamoOwnerDirectory(client, directoryTable);
    // What the sns-email reconciler records when ada's confirmed subscription vanished (before a switch to relay).
    const recorded = await directory.recordSubscription({
      userId: 'ada',
      email: 'ada@example.com',
      state: 'unsubscribed',
      subscriptionArn: 'arn:aws:sns:us-east-1:123456789012:hygiene:ada-sub',
      read: {},
    });
    expect(recorded).toBe(true);
    const relay = relayHandler();

    // A digest the drain judged reachable (the admins were not told), then one it judged unreachable.
    const unreported = await relay.invoke(batch('ada'));
    const unreportedMetrics = { ...relay.metrics };
    const reported = await relay.invoke({ Records: [sqsRecord('ada', 'unreachable')] });
    const reportedMetrics = { ...relay.metrics };

    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
    // Not acknowledged unheard: retried by SQS, then the DLQ and its alarm.
    expect(unreported).toEqual({ batchItemFailures: [{ itemIdentifier: 'msg-ada' }] });
    expect(unreportedMetrics).toMatchObject({
      [RELAY_METRIC.failed]: 1,
      [RELAY_METRIC.unreportedUnreachable]: 1,
      [RELAY_METRIC.unreachable]: 0,
    });
    expect(reported).toEqual({ batchItemFailures: [] });
    expect(reportedMetrics).toMatchObject({
      [RELAY_METRIC.sent]: 0,
      [RELAY_METRIC.unreachable]: 1,
      [RELAY_METRIC.unreportedUnreachable]: 0,
    });

    // The operator's way back: state none, and on relay ada is emailed again at once.
    expect(await resubscribeOwners(directory, ['ada'])).toEqual({
      resubscribed: ['ada'],
      notChanged: [],
    });
    const again = await relay.invoke(batch('ada'));

    expect(again).toEqual({ batchItemFailures: [] });
    expect(ses.commandCalls(SendEmailCommand).map((c) => c.args[0].input.Destination?.ToAddresses)).toEqual([
      ['ada@example.com'],
    ]);
  });

  it('retries SES throttling with backoff inside the invocation, then sends', async () => {
    ses
      .on(SendEmailCommand)
      .rejectsOnce(new TooManyRequestsException({ message: 'Maximum sending rate exceeded.', $metadata: {} }))
      .rejectsOnce(new TooManyRequestsException({ message: 'Maximum sending rate exceeded.', $metadata: {} }))
      .resolves({ MessageId: 'ses-after-throttle' });
    const { invoke } = relayHandler();

    const response = await invoke(batch('ada'));

    expect(response).toEqual({ batchItemFailures: [] });
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(3);
  });

  it('fails a permanently rejected message on every delivery (SQS then moves it to the DLQ), keeping no claim, the last counted as given up', async () => {
    ses.on(SendEmailCommand).rejects(new MessageRejected({ message: 'Illegal address', $metadata: {} }));
    const { invoke, metrics } = relayHandler();

    const deliveries: unknown[] = [];
    const gaveUp: (number | undefined)[] = [];
    for (let receive = 1; receive <= MAX_RECEIVE_COUNT; receive++) {
      deliveries.push(await invoke(onDelivery(batch('ada'), receive)));
      gaveUp.push(metrics[RELAY_METRIC.gaveUp]);
    }

    expect(deliveries).toEqual(
      Array(MAX_RECEIVE_COUNT).fill({ batchItemFailures: [{ itemIdentifier: 'msg-ada' }] }),
    );
    // Only the delivery after which SQS moves it to the DLQ: EmailRelayGaveUp's alarm tells the admins of it.
    expect(gaveUp).toEqual([0, 0, 0, 0, 1]);
    // No retry inside an invocation for a permanent error: one attempt per delivery.
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(MAX_RECEIVE_COUNT);
    const key = relayKey(digestFromSnsEnvelope(sqsRecord('ada').body));
    const entry = await client.send(new GetCommand({ TableName: ledgerTable, Key: { id: key } }));
    expect(entry.Item).toBeUndefined();
  });
});

describe('SES events handler', () => {
  function sesEvent(message: object): SNSEvent {
    return { Records: [{ Sns: { Message: JSON.stringify(message) } }] } as unknown as SNSEvent;
  }

  it('marks the owner bouncing on a permanent bounce, after which the relay skips them', async () => {
    const { metrics, tools } = fakeTools();
    sns.on(PublishBatchCommand).callsFake((input: { PublishBatchRequestEntries: { Id: string }[] }) => ({
      Successful: input.PublishBatchRequestEntries.map((e) => ({ Id: e.Id, MessageId: 'sns-1' })),
    }));
    const raw = sesEventsModule.createSesEventsHandler({
      ...tools,
      directory: new DynamoOwnerDirectory(client, directoryTable),
      bouncedDigests: {
        ledger: new DynamoRelayLedger(client, ledgerTable),
        publisher: new SnsPublisher(new SNSClient({ region: 'eu-west-1' }), 'arn:aws:sns:eu-west-1:1:topic'),
        // The hold after a report (≤ 200 ms) is test/unit/ses-events-report-hold.test.ts's subject: no real wait here.
        sleep: async () => undefined,
      },
      clock: () => SAMPLE_NOW,
    });
    const handler = (event: SNSEvent) => raw(event, { getRemainingTimeInMillis: () => 30_000 });
    const bounce = {
      eventType: 'Bounce',
      bounce: {
        bounceType: 'Permanent',
        bouncedRecipients: [{ emailAddress: 'bob@example.com' }],
        timestamp: '2026-11-26T03:00:00.000Z',
      },
      mail: { tags: { 'pc-hygiene-user': [ownerTags('bob')['pc-hygiene-user']] } },
    };
    const transient = { ...bounce, bounce: { ...bounce.bounce, bounceType: 'Transient' } };

    const summary = await handler(sesEvent(transient));
    const marked = await handler(sesEvent(bounce));
    ses.on(SendEmailCommand).resolves({ MessageId: 'x' });
    const relay = relayHandler();
    // A digest judged reachable before the bounce, then one from a drain that judged bob unreachable.
    const unreported = await relay.invoke(batch('bob'));
    const unreportedMetrics = { ...relay.metrics };
    const reported = await relay.invoke({ Records: [sqsRecord('bob', 'unreachable')] });

    expect(summary).toMatchObject({ bounces: 0, marked: 0 });
    expect(marked).toMatchObject({ bounces: 1, marked: 1, unattributed: 0 });
    expect(metrics[SES_EVENTS_METRIC.bounces]).toBe(1);
    const [bob] = (await new DynamoOwnerDirectory(client, directoryTable).getMany(['bob'])).values();
    expect(bob?.bouncingSince).toBe('2026-11-26T03:00:00.000Z');
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
    // Not acknowledged unheard: retried by SQS, then the DLQ and its alarm.
    expect(unreported).toEqual({ batchItemFailures: [{ itemIdentifier: 'msg-bob' }] });
    expect(reported).toEqual({ batchItemFailures: [] });
    expect(unreportedMetrics).toMatchObject({
      [RELAY_METRIC.failed]: 1,
      [RELAY_METRIC.unreportedUnreachable]: 1,
      [RELAY_METRIC.unreachable]: 0,
    });
    expect(relay.metrics).toMatchObject({
      [RELAY_METRIC.unreachable]: 1,
      [RELAY_METRIC.unreportedUnreachable]: 0,
    });
  });
});
