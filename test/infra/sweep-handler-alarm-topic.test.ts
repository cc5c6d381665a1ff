/**
 * The sweep Lambda checks the alarm topic's reach after its run, before the admin run summary
 * (lambdas/handlers/alarm-topic-check.ts; docs/deploy.md, "Runbook: Alarm delivery"):
 * - the deployed module, built at import with `ALARM_TOPIC_ARN` set, sends `ListSubscriptionsByTopic` on that
 *   topic, every page, and its summary says what it found; a listing SNS refuses is reported in the summary, which
 *   is still published (SNS and DynamoDB through `aws-sdk-client-mock`);
 * - over explicit dependencies: the count as a metric, the check's time taken from the handler's margin only (a
 *   listing that hangs is left behind within it, none is started without time), and no check without a topic.
 */
import {
  AuthorizationErrorException,
  ListSubscriptionsByTopicCommand,
  PublishBatchCommand,
  SNSClient,
} from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { HANDLER_ENV } from '../../lambdas/handlers/environment';
import { SWEEP_SAFETY_MARGIN_MS } from '../../lambdas/handlers/safety-margins';
import { parseConfig } from '../../lambdas/hygiene/config';
import type { TopicSubscriptionListing } from '../../lambdas/hygiene/subscription-ports';
import type { AlarmTopicReach } from '../../lambdas/render/alarm-topic-text';
import { deliveredDocument, deliveredTo } from '../support/sns-delivery';
import { fakeTools } from './handler-tools';
import { importSweepHandler } from './sweep-handler-module';

const ALARM_TOPIC = 'arn:aws:sns:us-east-1:123456789012:Hygiene-AlarmTopic-1A2B3C';
/** What importSweepHandler gives as the notification topic. */
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:unused';
const context = { getRemainingTimeInMillis: () => 600_000 };

const sns = mockClient(SNSClient);
const ddb = mockClient(DynamoDBDocumentClient);
const saved = { ...process.env };
// Read by the module at import (importSweepHandler, while the suites below are collected): set first.
process.env[HANDLER_ENV.alarmTopicArn] = ALARM_TOPIC;
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED = 'true';

afterEach(() => {
  vi.useRealTimers();
  sns.reset();
  ddb.reset();
});

afterAll(() => {
  process.env = saved;
  sns.restore();
  ddb.restore();
});

/** An empty credentials table (every DynamoDB call answers nothing) and an SNS that accepts every publish. */
function emptyTableAndTopic() {
  ddb.onAnyCommand().resolves({});
  sns.on(PublishBatchCommand).callsFake((input: { PublishBatchRequestEntries: { Id: string }[] }) => ({
    Successful: input.PublishBatchRequestEntries.map(({ Id }) => ({ Id, MessageId: `m-${Id}` })),
    Failed: [],
  }));
}

/** The one admin summary the run published: its topic, severity, text and document. */
function publishedSummary() {
  const calls = sns.commandCalls(PublishBatchCommand);
  expect(calls).toHaveLength(1);
  const input = calls[0]!.args[0].input;
  const entry = input.PublishBatchRequestEntries?.[0];
  if (entry?.Message === undefined) throw new Error('no entry published');
  return {
    topicArn: input.TopicArn,
    severity: entry.MessageAttributes?.severity?.StringValue,
    subject: entry.Subject,
    text: deliveredTo(entry.Message, 'email'),
    document: deliveredDocument<{ alarmTopic?: AlarmTopicReach }>(entry.Message),
  };
}

describe('the deployed sweep module with ALARM_TOPIC_ARN', async () => {
  const { sweepHandler } = await importSweepHandler();

  it('lists the alarm topic page by page, then says in the published summary that alarms reach no one', async () => {
    emptyTableAndTopic();
    sns
      .on(ListSubscriptionsByTopicCommand, { TopicArn: ALARM_TOPIC })
      .resolves({
        Subscriptions: [
          { SubscriptionArn: 'PendingConfirmation', Protocol: 'email', Endpoint: 'sec@example.com' },
          // Unsubscribed by the link of an alarm email: listed for a while, gone.
          { SubscriptionArn: 'Deleted', Protocol: 'email', Endpoint: 'ops@example.com' },
        ],
        NextToken: 'page-2',
      })
      .on(ListSubscriptionsByTopicCommand, { TopicArn: ALARM_TOPIC, NextToken: 'page-2' })
      .resolves({ Subscriptions: [] });

    await sweepHandler({}, context);

    expect(sns.commandCalls(ListSubscriptionsByTopicCommand).map((c) => c.args[0].input)).toEqual([
      { TopicArn: ALARM_TOPIC },
      { TopicArn: ALARM_TOPIC, NextToken: 'page-2' },
    ]);
    const summary = publishedSummary();
    expect(summary.topicArn).toBe(TOPIC);
    expect(summary.severity).toBe('warning');
    expect(summary.subject).toMatch(/^\[ALARMS REACH NO ONE\] /);
    expect(summary.text).toMatch(
      /^ALARMS REACH NO ONE: the alarm topic has no confirmed subscription \(1 awaiting confirmation\);\n/,
    );
    expect(summary.document.alarmTopic).toEqual({
      status: 'checked',
      topicArn: ALARM_TOPIC,
      confirmed: 0,
      pending: 1,
    });
  });

  it('counts a confirmed subscription on a later page: one short line, severity as the run has it', async () => {
    emptyTableAndTopic();
    sns
      .on(ListSubscriptionsByTopicCommand, { TopicArn: ALARM_TOPIC })
      .resolves({ Subscriptions: [], NextToken: 'page-2' })
      .on(ListSubscriptionsByTopicCommand, { TopicArn: ALARM_TOPIC, NextToken: 'page-2' })
      .resolves({
        Subscriptions: [
          { SubscriptionArn: `${ALARM_TOPIC}:0f1e`, Protocol: 'email', Endpoint: 'sec@example.com' },
        ],
      });

    await sweepHandler({}, context);

    expect(sns.commandCalls(ListSubscriptionsByTopicCommand)).toHaveLength(2);
    const summary = publishedSummary();
    expect(summary.severity).toBe('info');
    expect(summary.text).not.toContain('ALARMS REACH NO ONE');
    expect(summary.text).toContain('\nAlarm topic: 1 confirmed subscription\n');
  });

  it('a listing SNS refuses: the summary is still published, saying the check failed and why', async () => {
    emptyTableAndTopic();
    sns.on(ListSubscriptionsByTopicCommand).rejects(
      new AuthorizationErrorException({
        message: 'User is not authorized to perform: SNS:ListSubscriptionsByTopic',
        $metadata: {},
      }),
    );

    await expect(sweepHandler({}, context)).resolves.toMatchObject({ status: 'complete' });

    const summary = publishedSummary();
    expect(summary.text).toContain(
      "\nThe alarm topic's subscriptions could not be checked (AuthorizationErrorException: User is not authorized " +
        'to perform: SNS:ListSubscriptionsByTopic):\n',
    );
    expect(summary.document.alarmTopic).toMatchObject({ status: 'unchecked', topicArn: ALARM_TOPIC });
  });
});

describe('the sweep handler’s alarm topic check over explicit dependencies', async () => {
  const { createSweepHandler } = await importSweepHandler();
  const { ALARM_TOPIC_CHECK_MAX_MS } = await import('../../lambdas/handlers/alarm-topic-check');

  function handlerWith(alarmTopic: TopicSubscriptionListing | undefined) {
    const fake = fakeTools();
    const published: (AlarmTopicReach | undefined)[] = [];
    const handler = createSweepHandler({
      ...fake.tools,
      config: parseConfig({}),
      scanner: {
        async *scan() {
          yield { segment: 0, items: [] };
        },
      },
      writer: { apply: async () => ({ status: 'applied' }) },
      ...(alarmTopic !== undefined && { alarmTopic }),
      publishAdminSummary: async (_summary, reach) => {
        published.push(reach);
        return { published: true };
      },
      clock: () => Date.UTC(2026, 10, 26, 3, 0, 5),
    });
    return { handler, published, ...fake };
  }

  const listing = (list: TopicSubscriptionListing['listUnread']) => {
    const calls: number[] = [];
    const topic: TopicSubscriptionListing = {
      topicArn: ALARM_TOPIC,
      listUnread: () => {
        calls.push(1);
        return list();
      },
    };
    return { topic, calls };
  };

  it('emits the confirmed count as AlarmTopicSubscriptions and logs an alarm topic no one hears as an error', async () => {
    const none = handlerWith(listing(async () => []).topic);
    await none.handler({}, context);
    expect(none.metrics.AlarmTopicSubscriptions).toBe(0);
    expect(none.logs).toContainEqual({
      level: 'error',
      message: 'alarm topic has no confirmed subscription',
    });

    const two = handlerWith(
      listing(async () => [
        { arn: `${ALARM_TOPIC}:a`, protocol: 'email', endpoint: 'a@example.com', pending: false },
        { arn: `${ALARM_TOPIC}:b`, protocol: 'https', endpoint: 'https://chat.example', pending: false },
        { arn: 'PendingConfirmation', protocol: 'email', endpoint: 'c@example.com', pending: true },
      ]).topic,
    );
    await two.handler({}, context);
    expect(two.metrics.AlarmTopicSubscriptions).toBe(2);
    expect(two.published).toEqual([{ status: 'checked', topicArn: ALARM_TOPIC, confirmed: 2, pending: 1 }]);
    expect(two.logs.filter((l) => l.level === 'error')).toEqual([]);
  });

  it('leaves a hanging listing behind within the handler’s margin: the summary goes out, saying it ran out of time', async () => {
    // 50 ms beyond what the margin keeps for the publish once the check has had its share.
    const leftForCheck = 50;
    const remaining = SWEEP_SAFETY_MARGIN_MS - ALARM_TOPIC_CHECK_MAX_MS + leftForCheck;
    const hanging = listing(() => new Promise(() => undefined));
    const { handler, published, metrics, logs } = handlerWith(hanging.topic);

    // Virtual time: the handler waits for the check exactly its share, then goes on without it.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    let settled = false;
    const run = handler({}, { getRemainingTimeInMillis: () => remaining }).finally(() => {
      settled = true;
    });
    await vi.advanceTimersByTimeAsync(leftForCheck - 1);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(settled).toBe(true);
    await run;

    expect(hanging.calls).toHaveLength(1);
    expect(published).toEqual([
      {
        status: 'unchecked',
        topicArn: ALARM_TOPIC,
        error: `AlarmTopicCheckTimeoutError: no answer within ${leftForCheck} ms`,
      },
    ]);
    expect(metrics).not.toHaveProperty('AlarmTopicSubscriptions');
    expect(metrics.AdminSummaryPublishFailed).toBe(0);
    expect(logs).toContainEqual({ level: 'warn', message: 'alarm topic subscriptions not checked' });
  });

  it('starts no listing when the margin has no time left for it', async () => {
    const notStarted = listing(async () => []);
    const late = handlerWith(notStarted.topic);
    await late.handler(
      {},
      { getRemainingTimeInMillis: () => SWEEP_SAFETY_MARGIN_MS - ALARM_TOPIC_CHECK_MAX_MS },
    );
    expect(notStarted.calls).toEqual([]);
    expect(late.published).toEqual([
      { status: 'unchecked', topicArn: ALARM_TOPIC, error: 'no time left after the run' },
    ]);
  });

  it('without an alarm topic makes no check and passes nothing to the summary', async () => {
    const { handler, published, metrics } = handlerWith(undefined);
    await handler({}, context);
    expect(published).toEqual([undefined]);
    expect(metrics).not.toHaveProperty('AlarmTopicSubscriptions');
  });
});
