/**
 * A relay email that bounces permanently reaches the admins (docs/notifications.md,
 * "Email relay"): the relay (its real use case, a recording SES sender) emails
 * a digest part, claiming it in the ledger on DynamoDB Local; SES then reports
 * a permanent bounce of that email, and the SES events handler (the owner
 * directory and the ledger on DynamoDB Local, SNS mocked at the client
 * boundary with the exact `PublishBatch` request asserted) publishes one
 * `owner-unreachable` report with exactly the part's events, reason `bouncing`
 * (`email-undelivered` for a bounce that marks no one, below), once: a redelivered bounce publishes nothing, a `Transient`/`General` bounce
 * without DSN fields (an automatic reply: counted) or a complaint nothing, a
 * `MailboxFull` one, a `Transient`/`General` one SES gave up on (`action`
 * `failed`, status `4.4.7`: the DSN-failure rule), an `Undetermined` one or a
 * `Reject` (SES found a virus) the report without marking the owner, an untagged bounce a notice that
 * the events could not be read back, and a failed publish fails the
 * invocation so that the retry publishes it once.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { PublishBatchCommand, SNSClient } from '@aws-sdk/client-sns';
import { DeleteCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { SNSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createOwnerDirectoryTable } from '../../cli/aws/create-owner-directory-table';
import { createRelayLedgerTable } from '../../cli/aws/create-relay-ledger-table';
import { createDocumentClient } from '../../lambdas/aws/dynamodb-client';
import { DynamoOwnerDirectory } from '../../lambdas/aws/owner-directory-store';
import { DynamoRelayLedger } from '../../lambdas/aws/relay-ledger-store';
import { SnsPublisher } from '../../lambdas/aws/sns-publisher';
import { SES_EVENTS_METRIC } from '../../lambdas/handlers/metric-names';
import type { OutboxEvent } from '../../lambdas/hygiene/events';
import { reachabilityOf } from '../../lambdas/hygiene/owner-directory';
import { BounceReportPublishError } from '../../lambdas/relay/bounced-digest';
import { digestFromSnsEnvelope } from '../../lambdas/relay/digest-message';
import { OWNER_TAG } from '../../lambdas/relay/email-tags';
import type { OutgoingEmail } from '../../lambdas/relay/ports';
import { relayBatch, relayKey } from '../../lambdas/relay/relay';
import {
  SAMPLE_DRAIN_ID,
  SAMPLE_NOW,
  sampleEntries,
  sampleEvent,
  snsEnvelope,
} from '../support/sample-digest';
import { deliveredDocument, deliveredTo } from '../support/sns-delivery';
import { dynamoDbEndpoint } from '../support/test-table';
import { RecordingSender } from '../unit/support/relay-fakes';

type SesEventsModule = typeof import('../../lambdas/handlers/ses-events');

const FROM = 'PersonalClient Hygiene <hygiene@corp.example>';
const TOPIC_ARN = 'arn:aws:sns:eu-west-1:123456789012:hygiene';
const BOUNCED_AT = '2026-11-26T03:00:00.000Z';
const NOW = Date.parse('2026-11-26T03:00:05.000Z');

const sns = mockClient(SNSClient);
const client = createDocumentClient({ endpoint: dynamoDbEndpoint() });
const directoryTable = `bounced-directory-${randomUUID().slice(0, 8)}`;
const ledgerTable = `bounced-ledger-${randomUUID().slice(0, 8)}`;
const directory = new DynamoOwnerDirectory(client, directoryTable);
const ledger = new DynamoRelayLedger(client, ledgerTable);
let sesEventsModule: SesEventsModule;
let drainId: string;

beforeAll(async () => {
  // The module builds its deployed dependencies at import: give it a valid environment first.
  Object.assign(process.env, {
    DIRECTORY_TABLE_NAME: 'unused',
    RELAY_LEDGER_TABLE_NAME: 'unused',
    TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:unused',
    AWS_REGION: 'us-east-1',
  });
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
  sns.reset();
  sns.on(PublishBatchCommand).callsFake(accept);
  // A drain of its own per test, so one test's ledger entries never meet another's.
  drainId = randomUUID();
  await client.send(new DeleteCommand({ TableName: directoryTable, Key: { userId: 'ada' } }));
  const seeded = await directory.upsertOwners(
    [
      {
        owner: { userId: 'ada', email: 'ada@example.com', name: 'Ada Lovelace', status: 'active' },
        existed: false,
        resetRoute: false,
      },
    ],
    '2026-11-01T00:00:00.000Z',
  );
  expect(seeded).toEqual({ written: 1, refused: [] });
});

/** SNS accepting every entry of a `PublishBatch`. */
function accept(input: { PublishBatchRequestEntries: { Id: string }[] }) {
  return {
    Successful: input.PublishBatchRequestEntries.map((e) => ({ Id: e.Id, MessageId: `sns-${e.Id}` })),
  };
}

/** ada's digest part 1 of this test's drain, as the relay's queue receives it (the drain judged her reachable). */
function digestRecord() {
  const events = [
    sampleEvent('deleted-expired', 'pc-0c21', { displayName: 'old terraform' }, 'ada'),
    sampleEvent('expiry-warning', 'pc-7f3a', {}, 'ada'),
  ];
  const [entry] = sampleEntries(events, undefined, 'reachable');
  if (entry === undefined) throw new Error('no entry');
  const body = snsEnvelope(entry).replaceAll(SAMPLE_DRAIN_ID, drainId);
  return { messageId: 'sqs-1', body };
}

/** The relay (its real use case) emails ada's digest part; returns the email and the events it carried. */
async function relayDigest(
  ledgerUsed = ledger,
): Promise<{ email: OutgoingEmail; sesMessageId: string; events: OutboxEvent[] }> {
  const sender = new RecordingSender();
  const record = digestRecord();
  const result = await relayBatch(
    { directory, ledger: ledgerUsed, sender, clock: () => SAMPLE_NOW, from: FROM, leaseMs: 60_000 },
    [record],
  );
  expect(result.batchItemFailures).toEqual([]);
  const [email] = sender.sent;
  if (email === undefined) throw new Error('nothing sent');
  // SES's message id: one per email, so one per test.
  const sesMessageId = `0100019a-${drainId}-000000`;
  return { email, sesMessageId, events: [...digestFromSnsEnvelope(record.body).document.events] };
}

/** The DSN fields SES copies into a bounced recipient: a hard bounce's unless a test gives others (none: `{}`). */
const HARD_DSN = { action: 'failed', status: '5.1.1' };

/**
 * SES's event for `email` (event publishing: the tags as lists, SES's own tags among them); a bounce's recipient
 * carries `dsn`.
 */
function sesEvent(
  email: OutgoingEmail,
  sesMessageId: string,
  event:
    | { eventType: 'Bounce'; bounceType: string; bounceSubType?: string; dsn?: Record<string, string> }
    | { eventType: 'Complaint' }
    | { eventType: 'Reject' },
  tags: Readonly<Record<string, string>> = email.tags,
): SNSEvent {
  const mail = {
    timestamp: '2026-11-26T02:16:00.000Z',
    messageId: sesMessageId,
    source: 'hygiene@corp.example',
    destination: [email.to],
    tags: {
      'ses:configuration-set': ['pc-hygiene-relay'],
      ...Object.fromEntries(Object.entries(tags).map(([name, value]) => [name, [value]])),
    },
  };
  const message =
    event.eventType === 'Bounce'
      ? {
          eventType: 'Bounce',
          bounce: {
            bounceType: event.bounceType,
            bounceSubType: event.bounceSubType ?? 'General',
            bouncedRecipients: [{ emailAddress: email.to, ...(event.dsn ?? HARD_DSN) }],
            timestamp: BOUNCED_AT,
          },
          mail,
        }
      : event.eventType === 'Reject'
        ? { eventType: 'Reject', reject: { reason: 'Bad content' }, mail }
        : { eventType: 'Complaint', complaint: { complainedRecipients: [{ emailAddress: email.to }] }, mail };
  return { Records: [{ Sns: { Message: JSON.stringify(message) } }] } as unknown as SNSEvent;
}

/** The SES events handler with the ledger and directory on DynamoDB Local and SNS at the client boundary. */
function sesEventsHandler() {
  const metrics: Record<string, number> = {};
  const quiet = { info: () => undefined, warn: () => undefined };
  const handler = sesEventsModule.createSesEventsHandler({
    logger: quiet as unknown as Logger,
    metrics: {
      addMetric: (name: string, _unit: string, value: number) => {
        metrics[name] = value;
      },
    } as unknown as Metrics,
    tracer: {} as Tracer,
    directory,
    bouncedDigests: {
      ledger,
      publisher: new SnsPublisher(new SNSClient({ region: 'eu-west-1' }), TOPIC_ARN),
      // The hold after a report (≤ 200 ms) is test/unit/ses-events-report-hold.test.ts's subject: no real wait here.
      sleep: async () => undefined,
    },
    clock: () => NOW,
  });
  return { metrics, invoke: (event: SNSEvent) => handler(event, { getRemainingTimeInMillis: () => 30_000 }) };
}

/** Every `PublishBatch` request made. */
function publishRequests() {
  return sns.commandCalls(PublishBatchCommand).map((call) => call.args[0].input);
}

/** The document (as `sqs` receives it) and the email text of a published entry. */
function published(entry: { Message?: string } | undefined): {
  document: Record<string, unknown>;
  text: string;
} {
  const message = entry?.Message ?? '{}';
  return { document: deliveredDocument(message), text: deliveredTo(message, 'email') };
}

const ADMIN_ATTRIBUTES = (severity: string) => ({
  eventTypes: { DataType: 'String.Array', StringValue: '["owner-unreachable"]' },
  severity: { DataType: 'String', StringValue: severity },
  audience: { DataType: 'String', StringValue: 'admin' },
});

describe('a bounce of a relay email', () => {
  it('gives the admins one owner-unreachable report with exactly the bounced part’s events, reason bouncing', async () => {
    const { email, sesMessageId, events } = await relayDigest();
    const handler = sesEventsHandler();

    const summary = await handler.invoke(
      sesEvent(email, sesMessageId, { eventType: 'Bounce', bounceType: 'Permanent' }),
    );

    const requests = publishRequests();
    expect(requests).toEqual([
      {
        TopicArn: TOPIC_ARN,
        PublishBatchRequestEntries: [
          {
            Id: 'bounce-p1',
            Subject: 'Hygiene: 1 owner unreachable, 2 notices for the admins',
            Message: expect.any(String),
            MessageStructure: 'json',
            MessageAttributes: ADMIN_ATTRIBUTES('high'),
          },
        ],
      },
    ]);
    const { document, text } = published(requests[0]?.PublishBatchRequestEntries?.[0]);
    expect(document).toEqual({
      schema: 'personal-client-hygiene/owner-unreachable',
      version: 1,
      audience: 'admin',
      eventTypes: ['owner-unreachable'],
      severity: 'high',
      generatedAt: new Date(NOW).toISOString(),
      drainId,
      route: 'relay',
      part: 1,
      parts: 1,
      owners: [{ userId: 'ada', name: 'Ada Lovelace', reason: 'bouncing', events }],
      invalidEvents: [],
      bouncedEmail: {
        userId: 'ada',
        drainId,
        part: 1,
        sentTo: ['ada@example.com'],
        bouncedAt: BOUNCED_AT,
        sesMessageId,
        eventsReadBack: true,
      },
    });
    expect(text).toContain(
      `The relay's email of digest part 1 of drain ${drainId} to owner ada (Ada Lovelace) at ada@example.com bounced: ` +
        `SES reported a permanent bounce at ${BOUNCED_AT}, SES message id ${sesMessageId}.`,
    );
    expect(text).toContain(
      '* ada (Ada Lovelace): the email address bounces (or SES suppresses sends to it: on the account’s suppression list) [bouncing]',
    );
    // The owner's line is short; the suppression list's advice comes once, after the owners.
    expect(text).toContain(
      '\nWhat to do, by reason:\n  [bouncing] SES keeps an address that bounced or complained',
    );
    expect(text).toContain('"old terraform" (id pc-0c21, client id client-pc-0c21)');
    // the directory mark stays as it was
    expect(reachabilityOf((await directory.getMany(['ada'])).get('ada'), 'relay')).toEqual({
      reachable: false,
      reason: 'bouncing',
    });
    expect(summary).toMatchObject({ bounces: 1, marked: 1, digestsReported: 1, digestsUnreadable: 0 });
    expect(handler.metrics).toMatchObject({
      [SES_EVENTS_METRIC.digestsReported]: 1,
      [SES_EVENTS_METRIC.digestsUnreadable]: 0,
    });
  });

  it('publishes nothing when SNS delivers the same bounce again', async () => {
    const { email, sesMessageId } = await relayDigest();
    const bounce = sesEvent(email, sesMessageId, { eventType: 'Bounce', bounceType: 'Permanent' });
    const handler = sesEventsHandler();

    await handler.invoke(bounce);
    const again = await handler.invoke(bounce);

    expect(publishRequests()).toHaveLength(1);
    expect(again).toMatchObject({ bounces: 1, digestsReported: 0, reportsRepeated: 1 });
    const key = relayKey(digestFromSnsEnvelope(digestRecord().body));
    const entry = await client.send(
      new GetCommand({ TableName: ledgerTable, Key: { id: key }, ConsistentRead: true }),
    );
    expect(entry.Item).toMatchObject({
      state: 'sent',
      bounceReport: 'reported',
      bounceReportedAt: '2026-11-26T03:00:05.000Z',
    });
  });

  it('publishes nothing for a Transient/General bounce without DSN fields (an automatic reply: counted) or a complaint, only for the permanent bounce after them', async () => {
    const { email, sesMessageId } = await relayDigest();
    const handler = sesEventsHandler();

    const transient = await handler.invoke(
      sesEvent(email, sesMessageId, {
        eventType: 'Bounce',
        bounceType: 'Transient',
        bounceSubType: 'General',
        dsn: {},
      }),
    );
    const transientMetrics = { ...handler.metrics };
    const complaint = await handler.invoke(sesEvent(email, sesMessageId, { eventType: 'Complaint' }));
    const nothing = publishRequests();
    // the address stops working for good later: that bounce is reported (neither event used the report up)
    await handler.invoke(sesEvent(email, sesMessageId, { eventType: 'Bounce', bounceType: 'Permanent' }));

    expect(nothing).toEqual([]);
    expect(transient).toMatchObject({
      bounces: 0,
      transient: 1,
      transientTypes: { 'Transient/General': 1 },
      digestsReported: 0,
    });
    expect(transientMetrics).toMatchObject({
      [SES_EVENTS_METRIC.bounces]: 0,
      [SES_EVENTS_METRIC.transient]: 1,
      [SES_EVENTS_METRIC.digestsReported]: 0,
    });
    expect(complaint).toMatchObject({ complaints: 1, optedOut: 1, digestsReported: 0 });
    expect(publishRequests()).toHaveLength(1);
  });

  it('reports a MailboxFull bounce’s events without marking the owner, once; a permanent bounce after it marks her and publishes nothing more', async () => {
    const { email, sesMessageId, events } = await relayDigest();
    const mailboxFull = sesEvent(email, sesMessageId, {
      eventType: 'Bounce',
      bounceType: 'Transient',
      bounceSubType: 'MailboxFull',
    });
    const handler = sesEventsHandler();

    const summary = await handler.invoke(mailboxFull);
    const metrics = { ...handler.metrics };
    const again = await handler.invoke(mailboxFull);
    const ada = (await directory.getMany(['ada'])).get('ada');

    const requests = publishRequests();
    expect(requests).toHaveLength(1);
    expect(requests[0]?.PublishBatchRequestEntries?.[0]).toMatchObject({
      Subject: 'Hygiene: 1 owner unreachable, 2 notices for the admins',
      MessageAttributes: ADMIN_ATTRIBUTES('high'),
    });
    const { document, text } = published(requests[0]?.PublishBatchRequestEntries?.[0]);
    expect(document).toMatchObject({
      drainId,
      owners: [{ userId: 'ada', name: 'Ada Lovelace', reason: 'email-undelivered', events }],
      bouncedEmail: {
        userId: 'ada',
        drainId,
        part: 1,
        sentTo: ['ada@example.com'],
        bouncedAt: BOUNCED_AT,
        sesMessageId,
        bounceType: 'Transient',
        bounceSubType: 'MailboxFull',
        eventsReadBack: true,
      },
    });
    expect(text).toContain(
      `The relay's email of digest part 1 of drain ${drainId} to owner ada (Ada Lovelace) at ada@example.com was ` +
        'not delivered: SES gave up on it and reported a transient bounce, subtype MailboxFull (the mailbox is ' +
        `full), at ${BOUNCED_AT}, SES message id ${sesMessageId}. The notices it carried reached no one. The owner ` +
        'was not marked bouncing',
    );
    // the address may work next time: ada stays reachable
    expect(reachabilityOf(ada, 'relay')).toEqual({ reachable: true });
    expect(summary).toMatchObject({
      bounces: 0,
      marked: 0,
      unattributed: 0,
      transient: 1,
      digestsReported: 1,
    });
    expect(metrics).toMatchObject({
      [SES_EVENTS_METRIC.bounces]: 0,
      [SES_EVENTS_METRIC.marked]: 0,
      [SES_EVENTS_METRIC.transient]: 1,
      [SES_EVENTS_METRIC.digestsReported]: 1,
    });
    expect(again).toMatchObject({ digestsReported: 0, reportsRepeated: 1 });

    // Her mailbox turns out to be gone for good: the owner is marked, the events already reached the admins.
    const permanent = await handler.invoke(
      sesEvent(email, sesMessageId, { eventType: 'Bounce', bounceType: 'Permanent' }),
    );
    expect(permanent).toMatchObject({ bounces: 1, marked: 1, digestsReported: 0, reportsRepeated: 1 });
    expect(reachabilityOf((await directory.getMany(['ada'])).get('ada'), 'relay')).toEqual({
      reachable: false,
      reason: 'bouncing',
    });
    expect(publishRequests()).toHaveLength(1);
  });

  it('reports a Transient/General bounce SES gave up on (action failed, status 4.4.7) as a MailboxFull one, once, without marking the owner', async () => {
    const { email, sesMessageId, events } = await relayDigest();
    const gaveUp = sesEvent(email, sesMessageId, {
      eventType: 'Bounce',
      bounceType: 'Transient',
      bounceSubType: 'General',
      dsn: { action: 'failed', status: '4.4.7', diagnosticCode: 'smtp; 421 4.4.7 try later' },
    });
    const handler = sesEventsHandler();

    const summary = await handler.invoke(gaveUp);
    const again = await handler.invoke(gaveUp);

    const requests = publishRequests();
    expect(requests).toHaveLength(1);
    const { document, text } = published(requests[0]?.PublishBatchRequestEntries?.[0]);
    expect(document).toMatchObject({
      owners: [{ userId: 'ada', reason: 'email-undelivered', events }],
      bouncedEmail: { bounceType: 'Transient', bounceSubType: 'General', eventsReadBack: true },
    });
    expect(text).toContain(
      'was not delivered: SES gave up on it and reported a transient bounce, subtype General, at ' +
        `${BOUNCED_AT}, SES message id ${sesMessageId}. The notices it carried reached no one. The owner was not ` +
        'marked bouncing',
    );
    expect(summary).toMatchObject({
      bounces: 0,
      marked: 0,
      transient: 1,
      transientTypes: { 'Transient/General': 1 },
      digestsReported: 1,
    });
    expect(again).toMatchObject({ digestsReported: 0, reportsRepeated: 1 });
    expect(reachabilityOf((await directory.getMany(['ada'])).get('ada'), 'relay')).toEqual({
      reachable: true,
    });
  });

  it('reports a Reject’s events (SES found a virus and sent nothing) without marking the owner', async () => {
    const { email, sesMessageId, events } = await relayDigest();

    const summary = await sesEventsHandler().invoke(sesEvent(email, sesMessageId, { eventType: 'Reject' }));

    const { document } = published(publishRequests()[0]?.PublishBatchRequestEntries?.[0]);
    expect(document).toMatchObject({
      owners: [{ userId: 'ada', reason: 'email-undelivered', events }],
      bouncedEmail: {
        sesMessageId,
        // when SES took the email (mail.timestamp): a reject names no instant of its own
        bouncedAt: '2026-11-26T02:16:00.000Z',
        bounceType: 'Undetermined',
        bounceSubType: 'Reject',
        eventsReadBack: true,
      },
    });
    expect(summary).toMatchObject({ bounces: 0, marked: 0, transient: 1, digestsReported: 1 });
    expect(reachabilityOf((await directory.getMany(['ada'])).get('ada'), 'relay')).toEqual({
      reachable: true,
    });
  });

  it('reports an Undetermined bounce’s events without marking the owner', async () => {
    const { email, sesMessageId, events } = await relayDigest();

    const summary = await sesEventsHandler().invoke(
      sesEvent(email, sesMessageId, {
        eventType: 'Bounce',
        bounceType: 'Undetermined',
        bounceSubType: 'Undetermined',
      }),
    );

    const { document } = published(publishRequests()[0]?.PublishBatchRequestEntries?.[0]);
    expect(document).toMatchObject({
      owners: [{ userId: 'ada', reason: 'email-undelivered', events }],
      bouncedEmail: { bounceType: 'Undetermined', bounceSubType: 'Undetermined', eventsReadBack: true },
    });
    expect(summary).toMatchObject({ marked: 0, transient: 1, digestsReported: 1 });
    expect(reachabilityOf((await directory.getMany(['ada'])).get('ada'), 'relay')).toEqual({
      reachable: true,
    });
  });

  it('reports nothing for a bounce of mail without any relay tag (other mail through the configuration set): counted only', async () => {
    const { email, sesMessageId } = await relayDigest();
    const handler = sesEventsHandler();

    const summary = await handler.invoke(
      sesEvent(email, sesMessageId, { eventType: 'Bounce', bounceType: 'Permanent' }, {}),
    );

    expect(summary).toMatchObject({ bounces: 1, unattributed: 1, digestsReported: 0 });
    expect(publishRequests()).toEqual([]);
  });

  it('tells the admins what is known of an email without the drain and part tags, once', async () => {
    const { email, sesMessageId } = await relayDigest();
    // an email the relay sent before it tagged the drain and the part
    const untagged = sesEvent(
      email,
      sesMessageId,
      { eventType: 'Bounce', bounceType: 'Permanent' },
      {
        [OWNER_TAG]: email.tags[OWNER_TAG] as string,
      },
    );
    const handler = sesEventsHandler();

    const summary = await handler.invoke(untagged);
    const metrics = { ...handler.metrics };
    const again = await handler.invoke(untagged);

    const requests = publishRequests();
    expect(requests).toEqual([
      {
        TopicArn: TOPIC_ARN,
        PublishBatchRequestEntries: [
          {
            Id: 'bounce-p1',
            Subject: 'Hygiene: a relay email bounced; its notices could not be read back',
            Message: expect.any(String),
            MessageStructure: 'json',
            MessageAttributes: ADMIN_ATTRIBUTES('high'),
          },
        ],
      },
    ]);
    const { document, text } = published(requests[0]?.PublishBatchRequestEntries?.[0]);
    expect(document).toMatchObject({
      schema: 'personal-client-hygiene/owner-unreachable',
      drainId: '',
      owners: [{ userId: 'ada', name: 'Ada Lovelace', reason: 'bouncing', events: [] }],
      bouncedEmail: {
        userId: 'ada',
        sentTo: ['ada@example.com'],
        sesMessageId,
        eventsReadBack: false,
        problem: expect.stringMatching(/do not name its drainId, part/),
      },
    });
    expect(text).toContain(
      "The relay's email of digest part (part not tagged) of a drain not tagged to owner ada (Ada Lovelace) at ada@example.com bounced",
    );
    expect(text).toContain(
      "The events could not be read back: the email's tags do not name its drainId, part",
    );
    expect(summary).toMatchObject({ digestsReported: 1, digestsUnreadable: 1 });
    expect(metrics).toMatchObject({ [SES_EVENTS_METRIC.digestsUnreadable]: 1 });
    // recorded by SES's message id: the redelivery publishes nothing
    expect(again).toMatchObject({ digestsReported: 0, reportsRepeated: 1 });
  });

  it('says the events could not be read back when the part’s ledger entry has expired', async () => {
    const { email, sesMessageId } = await relayDigest();
    const key = relayKey(digestFromSnsEnvelope(digestRecord().body));
    await client.send(new DeleteCommand({ TableName: ledgerTable, Key: { id: key } }));

    await sesEventsHandler().invoke(
      sesEvent(email, sesMessageId, { eventType: 'Bounce', bounceType: 'Permanent' }),
    );

    const { document } = published(publishRequests()[0]?.PublishBatchRequestEntries?.[0]);
    expect(document).toMatchObject({
      drainId,
      bouncedEmail: { drainId, part: 1, eventsReadBack: false, problem: expect.stringMatching(/no entry/) },
    });
  });

  it('reports the events although the relay could not mark the part sent (the claim kept them)', async () => {
    const failingMark = Object.assign(Object.create(ledger) as DynamoRelayLedger, {
      markSent: async () => {
        throw new Error('throttled');
      },
    });
    const { email, sesMessageId, events } = await relayDigest(failingMark);

    await sesEventsHandler().invoke(
      sesEvent(email, sesMessageId, { eventType: 'Bounce', bounceType: 'Permanent' }),
    );

    const { document } = published(publishRequests()[0]?.PublishBatchRequestEntries?.[0]);
    expect(document).toMatchObject({
      owners: [{ userId: 'ada', events }],
      bouncedEmail: { eventsReadBack: true },
    });
  });

  it('fails the invocation when SNS refuses the report, and the retry publishes it once', async () => {
    const { email, sesMessageId, events } = await relayDigest();
    sns
      .on(PublishBatchCommand)
      .rejectsOnce(Object.assign(new Error('Service unavailable'), { name: 'InternalErrorException' }))
      .callsFake(accept);
    const bounce = sesEvent(email, sesMessageId, { eventType: 'Bounce', bounceType: 'Permanent' });
    const handler = sesEventsHandler();

    await expect(handler.invoke(bounce)).rejects.toThrow(BounceReportPublishError);
    await handler.invoke(bounce); // Lambda's retry
    await handler.invoke(bounce); // and a redelivery

    const requests = publishRequests();
    expect(requests).toHaveLength(2);
    expect(requests[0]?.PublishBatchRequestEntries).toEqual(requests[1]?.PublishBatchRequestEntries);
    expect(published(requests[1]?.PublishBatchRequestEntries?.[0]).document).toMatchObject({
      owners: [{ userId: 'ada', reason: 'bouncing', events }],
    });
  });
});
