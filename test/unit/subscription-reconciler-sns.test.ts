/**
 * The reconciler at the SNS client boundary (aws-sdk-client-mock): the exact
 * requests for listing (every page), reading attributes, creating, repairing
 * and removing owner subscriptions; nothing sent to admin or machine
 * subscribers; no write on a second run; only removals and repairs when the
 * quota would be passed; a subscription listed as `Deleted` (unsubscribed by
 * its link) is gone; an Unsubscribe answered NotFound is done; one refused
 * (InvalidParameter) for a subscription SNS reads as pending is reported as
 * such (SNS cannot delete one), any other refusal as SNS gave it. Listed at
 * addresses (`owners unsubscribe`), only the email subscriptions there are read
 * (their mailboxes, by the rule given: another spelling of a domain is one mailbox).
 */
import {
  GetSubscriptionAttributesCommand,
  InvalidParameterException,
  ListSubscriptionsByTopicCommand,
  NotFoundException,
  SetSubscriptionAttributesCommand,
  SNSClient,
  SubscribeCommand,
  UnsubscribeCommand,
} from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { SnsTopicSubscriptions } from '../../lambdas/aws/subscription-reconciler-sns';
import type { OwnerRecord } from '../../lambdas/hygiene/owner-directory';
import { PendingSubscriptionNotRemovableError } from '../../lambdas/hygiene/subscription-creations';
import { ownerFilterPolicy } from '../../lambdas/hygiene/subscription-plan';
import { FilterPolicyQuotaError } from '../../lambdas/hygiene/subscription-quota';
import { reconcileSubscriptions } from '../../lambdas/hygiene/subscription-reconciler';
import { mailboxKey } from '../../lambdas/relay/ses-address';
import { MemoryOwnerRegistry } from './support/memory-owner-registry';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:hygiene';
const sns = mockClient(SNSClient);
/** Every Subscribe, SetSubscriptionAttributes and Unsubscribe call sent. */
const writeCalls = () => [
  ...sns.commandCalls(SubscribeCommand),
  ...sns.commandCalls(SetSubscriptionAttributesCommand),
  ...sns.commandCalls(UnsubscribeCommand),
];

afterEach(() => {
  sns.reset();
});

const arn = (name: string) => `${TOPIC}:${name}`;
const owner = (userId: string, status: OwnerRecord['status'] = 'active'): OwnerRecord => ({
  userId,
  email: `${userId}@example.com`,
  status,
});

/** The topic as SNS lists it over two pages, with each subscription's attributes. */
function givenTopic(): void {
  sns
    .on(ListSubscriptionsByTopicCommand, { TopicArn: TOPIC })
    .resolves({
      Subscriptions: [
        { SubscriptionArn: arn('ada'), Protocol: 'email', Endpoint: 'ada@example.com', TopicArn: TOPIC },
        { SubscriptionArn: arn('bob'), Protocol: 'email', Endpoint: 'bob@example.com', TopicArn: TOPIC },
        {
          SubscriptionArn: 'PendingConfirmation',
          Protocol: 'email',
          Endpoint: 'cy@example.com',
          TopicArn: TOPIC,
        },
      ],
      NextToken: 'page-2',
    })
    .on(ListSubscriptionsByTopicCommand, { TopicArn: TOPIC, NextToken: 'page-2' })
    .resolves({
      Subscriptions: [
        { SubscriptionArn: arn('left'), Protocol: 'email', Endpoint: 'left@example.com', TopicArn: TOPIC },
        { SubscriptionArn: arn('security'), Protocol: 'email', Endpoint: 'sec@example.com', TopicArn: TOPIC },
        {
          SubscriptionArn: arn('queue'),
          Protocol: 'sqs',
          Endpoint: 'arn:aws:sqs:eu-west-1:1:q',
          TopicArn: TOPIC,
        },
        { SubscriptionArn: arn('vanished'), Protocol: 'email', Endpoint: 'v@example.com', TopicArn: TOPIC },
      ],
    });
  const attributes = (name: string, filterPolicy?: string, pending = false) =>
    sns.on(GetSubscriptionAttributesCommand, { SubscriptionArn: arn(name) }).resolves({
      Attributes: {
        SubscriptionArn: arn(name),
        PendingConfirmation: String(pending),
        ...(filterPolicy !== undefined && {
          FilterPolicy: filterPolicy,
          FilterPolicyScope: 'MessageAttributes',
        }),
      },
    });
  attributes('ada', ownerFilterPolicy('ada'));
  attributes('bob', '{"userId":["bob"]}'); // no audience: not recognisable, left alone
  attributes('left', ownerFilterPolicy('left'));
  attributes('security', '{"audience":["admin"]}');
  attributes('queue', '{"audience":["owner"]}');
  sns
    .on(GetSubscriptionAttributesCommand, { SubscriptionArn: arn('vanished') })
    .rejects(new NotFoundException({ message: 'gone', $metadata: {} }));
  sns.on(SubscribeCommand).resolves({ SubscriptionArn: arn('new') });
}

/** The topic's subscriptions over the mocked SNS client (`concurrency` as the reconciler's default unless given). */
const topicOnMock = (concurrency?: number) =>
  new SnsTopicSubscriptions(new SNSClient({ region: 'eu-west-1' }), TOPIC, concurrency);

const inputs = <T>(command: new (input: T) => unknown) =>
  sns.commandCalls(command as never).map((c) => (c.args[0] as { input: unknown }).input);

describe('SnsTopicSubscriptions with reconcileSubscriptions', () => {
  it('lists every page, reads attributes of subscriptions with an ARN, and sends exactly the planned changes', async () => {
    givenTopic();
    sns.on(GetSubscriptionAttributesCommand, { SubscriptionArn: arn('ada') }).resolves({
      Attributes: {
        PendingConfirmation: 'false',
        FilterPolicy: '{"userId":["ada","zed"],"audience":["owner"]}',
      },
    });
    const directory = new MemoryOwnerRegistry([
      owner('ada'),
      owner('cy'),
      owner('dee'),
      owner('left', 'departed'),
    ]);
    const topic = topicOnMock(2);

    const summary = await reconcileSubscriptions({ topic, directory }, { route: 'sns-email' });

    expect(inputs(ListSubscriptionsByTopicCommand)).toEqual([
      { TopicArn: TOPIC },
      { TopicArn: TOPIC, NextToken: 'page-2' },
    ]);
    expect(
      inputs(GetSubscriptionAttributesCommand)
        .map((i) => (i as { SubscriptionArn: string }).SubscriptionArn)
        .sort(),
    ).toEqual(['ada', 'bob', 'left', 'queue', 'security', 'vanished'].map(arn).sort());
    expect(inputs(UnsubscribeCommand)).toEqual([{ SubscriptionArn: arn('left') }]);
    expect(inputs(SetSubscriptionAttributesCommand)).toEqual([
      {
        SubscriptionArn: arn('ada'),
        AttributeName: 'FilterPolicy',
        AttributeValue: ownerFilterPolicy('ada'),
      },
    ]);
    expect(inputs(SubscribeCommand)).toEqual([
      {
        TopicArn: TOPIC,
        Protocol: 'email',
        Endpoint: 'dee@example.com',
        Attributes: {
          FilterPolicy: '{"userId":["dee"],"audience":["owner"],"ownerReach":["reachable","unverified"]}',
          FilterPolicyScope: 'MessageAttributes',
        },
        ReturnSubscriptionArn: true,
      },
    ]);
    expect(summary).toMatchObject({ created: 1, repaired: 1, removed: 1, untouched: 4, failed: [] });
    expect(directory.recorded).toEqual([
      [
        {
          userId: 'ada',
          state: 'confirmed',
          subscriptionArn: arn('ada'),
          email: 'ada@example.com',
          read: {},
          whileActive: true,
        },
        { userId: 'cy', state: 'pending', email: 'cy@example.com', read: {} },
        { userId: 'dee', state: 'pending', email: 'dee@example.com', read: {}, confirmationEmailsSent: 1 },
      ],
    ]);
  });

  it('makes no write call when the topic already matches the directory', async () => {
    givenTopic();
    const directory = new MemoryOwnerRegistry([
      { ...owner('ada'), subscription: 'confirmed', subscriptionArn: arn('ada') },
      { ...owner('cy'), subscription: 'pending' },
    ]);
    sns.on(GetSubscriptionAttributesCommand, { SubscriptionArn: arn('left') }).resolves({
      Attributes: {
        PendingConfirmation: 'false',
        FilterPolicy: '{"audience":["owner"],"eventTypes":["deleted-stale"]}',
      },
    });
    const topic = topicOnMock();

    const summary = await reconcileSubscriptions({ topic, directory }, { route: 'sns-email' });

    expect(writeCalls()).toEqual([]);
    expect(summary.operations).toEqual([]);
    expect(directory.recorded).toEqual([]);
  });

  it('sends the removals and repairs, and Subscribe only for the owners that fit, when the plan would pass the filter-policy quota', async () => {
    givenTopic();
    const directory = new MemoryOwnerRegistry([
      owner('ada'),
      owner('dee'),
      owner('eve'),
      owner('left', 'departed'),
    ]);
    const topic = topicOnMock();

    // 5 policies now (ada, bob, left, security, queue) + cy pending (counted) − left + dee + eve = 7; quota 7 less
    // the one kept free = 6: room for one
    const run = reconcileSubscriptions({ topic, directory }, { route: 'sns-email', filterPolicyQuota: 7 });

    await expect(run).rejects.toThrow(FilterPolicyQuotaError);
    await expect(run).rejects.toMatchObject({ quota: 7, needed: 7, creations: 2, leftOut: 1 });
    expect(inputs(SubscribeCommand)).toEqual([
      {
        TopicArn: TOPIC,
        Protocol: 'email',
        Endpoint: 'dee@example.com',
        Attributes: { FilterPolicy: ownerFilterPolicy('dee'), FilterPolicyScope: 'MessageAttributes' },
        ReturnSubscriptionArn: true,
      },
    ]);
    expect(inputs(UnsubscribeCommand)).toEqual([{ SubscriptionArn: arn('left') }]);
    expect(inputs(SetSubscriptionAttributesCommand)).toEqual([]);
    // the states observed are recorded, dee's pending (eve, not subscribed, stays none)
    expect(directory.recorded).toEqual([
      [
        {
          userId: 'ada',
          state: 'confirmed',
          subscriptionArn: arn('ada'),
          email: 'ada@example.com',
          read: {},
          whileActive: true,
        },
        { userId: 'dee', state: 'pending', email: 'dee@example.com', read: {}, confirmationEmailsSent: 1 },
      ],
    ]);
  });

  it('leaves out a subscription SNS lists as "Deleted" (unsubscribed by its link): its confirmed owner is recorded unsubscribed, not subscribed again; one confirmed on another topic is subscribed', async () => {
    sns.on(ListSubscriptionsByTopicCommand).resolves({
      Subscriptions: [
        { SubscriptionArn: 'Deleted', Protocol: 'email', Endpoint: 'ada@example.com', TopicArn: TOPIC },
        { SubscriptionArn: arn('bob'), Protocol: 'email', Endpoint: 'bob@example.com', TopicArn: TOPIC },
      ],
    });
    sns.on(GetSubscriptionAttributesCommand, { SubscriptionArn: arn('bob') }).resolves({
      Attributes: { PendingConfirmation: 'false', FilterPolicy: ownerFilterPolicy('bob') },
    });
    // What SNS answers when asked about "Deleted" (not an ARN).
    sns.on(GetSubscriptionAttributesCommand, { SubscriptionArn: 'Deleted' }).rejects(
      new InvalidParameterException({
        message: 'Invalid parameter: SubscriptionArn Reason: An ARN must have at least 6 elements, not 1',
        $metadata: {},
      }),
    );
    sns.on(SubscribeCommand).resolves({ SubscriptionArn: arn('cy-2') });
    const directory = new MemoryOwnerRegistry([
      { ...owner('ada'), subscription: 'confirmed', subscriptionArn: arn('ada') },
      { ...owner('bob'), subscription: 'confirmed', subscriptionArn: arn('bob') },
      // recorded by a run over the topic this stack used before: no evidence about this one
      { ...owner('cy'), subscription: 'confirmed', subscriptionArn: `${TOPIC}-old:cy` },
    ]);
    const topic = topicOnMock();

    const summary = await reconcileSubscriptions({ topic, directory }, { route: 'sns-email' });

    expect(summary.failed).toEqual([]);
    expect(inputs(GetSubscriptionAttributesCommand)).toEqual([{ SubscriptionArn: arn('bob') }]);
    expect(inputs(SubscribeCommand).map((i) => (i as { Endpoint: string }).Endpoint)).toEqual([
      'cy@example.com',
    ]);
    expect(directory.owners.map((o) => [o.userId, o.subscription])).toEqual([
      ['ada', 'unsubscribed'],
      ['bob', 'confirmed'],
      ['cy', 'pending'],
    ]);
  });

  /** The topic lists one confirmed owner subscription, of `left`, whom the directory records departed. */
  const givenDepartedOwnerSubscription = () => {
    sns.on(ListSubscriptionsByTopicCommand).resolves({
      Subscriptions: [
        { SubscriptionArn: arn('left'), Protocol: 'email', Endpoint: 'left@example.com', TopicArn: TOPIC },
      ],
    });
    sns.on(GetSubscriptionAttributesCommand).resolves({
      Attributes: { PendingConfirmation: 'false', FilterPolicy: ownerFilterPolicy('left') },
    });
  };

  it('counts an Unsubscribe answered NotFound (another run removed it first) as done, not as a failure', async () => {
    givenDepartedOwnerSubscription();
    sns.on(UnsubscribeCommand).rejects(new NotFoundException({ message: 'gone', $metadata: {} }));
    const directory = new MemoryOwnerRegistry([owner('left', 'departed')]);
    const topic = topicOnMock();

    const summary = await reconcileSubscriptions({ topic, directory }, { route: 'sns-email' });

    expect(inputs(UnsubscribeCommand)).toEqual([{ SubscriptionArn: arn('left') }]);
    expect(summary).toMatchObject({ removed: 1, failed: [] });
  });

  it('still reports an Unsubscribe SNS refuses for another reason', async () => {
    givenDepartedOwnerSubscription();
    sns.on(UnsubscribeCommand).rejects(new InvalidParameterException({ message: 'no', $metadata: {} }));
    const topic = topicOnMock();

    const summary = await reconcileSubscriptions(
      { topic, directory: new MemoryOwnerRegistry([owner('left', 'departed')]) },
      { route: 'sns-email' },
    );

    expect(summary.removed).toBe(0);
    expect(summary.failed.map((f) => f.error)).toEqual(['InvalidParameterException: no']);
  });
});

describe('SnsTopicSubscriptions.remove of a subscription pending confirmation', () => {
  const refused = new InvalidParameterException({ message: 'pending', $metadata: {} });
  const pendingIs = (pending: string) =>
    sns
      .on(GetSubscriptionAttributesCommand, { SubscriptionArn: arn('new') })
      .resolves({ Attributes: { SubscriptionArn: arn('new'), PendingConfirmation: pending } });

  it('reports an InvalidParameter refusal of a subscription SNS reads as pending as not removable', async () => {
    sns.on(UnsubscribeCommand).rejects(refused);
    pendingIs('true');

    const removal = topicOnMock().remove(arn('new'));

    await expect(removal).rejects.toBeInstanceOf(PendingSubscriptionNotRemovableError);
    await expect(removal).rejects.toMatchObject({ subscriptionArn: arn('new'), cause: refused });
    expect(inputs(GetSubscriptionAttributesCommand)).toEqual([{ SubscriptionArn: arn('new') }]);
  });

  it('keeps SNS’s refusal when the subscription is confirmed, or its state cannot be read', async () => {
    sns.on(UnsubscribeCommand).rejects(refused);
    pendingIs('false');
    await expect(topicOnMock().remove(arn('new'))).rejects.toBe(refused);

    sns
      .on(GetSubscriptionAttributesCommand)
      .rejects(new NotFoundException({ message: 'gone', $metadata: {} }));
    await expect(topicOnMock().remove(arn('new'))).rejects.toBe(refused);
  });

  it('asks nothing more for another refusal', async () => {
    const denied = new Error('AuthorizationError: denied');
    sns.on(UnsubscribeCommand).rejects(denied);
    pendingIs('true');

    await expect(topicOnMock().remove(arn('new'))).rejects.toBe(denied);
    expect(inputs(GetSubscriptionAttributesCommand)).toEqual([]);
  });
});

describe('SnsTopicSubscriptions.list at addresses (owners unsubscribe)', () => {
  /** 250 other owners' subscriptions over three pages, with ada's (two spellings), cy's pending one, and lookalikes. */
  function givenLargeTopic(): void {
    const others = Array.from({ length: 250 }, (_, i) => ({
      SubscriptionArn: arn(`other-${i}`),
      Protocol: 'email',
      Endpoint: `other-${i}@example.com`,
      TopicArn: TOPIC,
    }));
    const atAddresses = [
      { SubscriptionArn: arn('ada'), Protocol: 'email', Endpoint: 'ada@example.com', TopicArn: TOPIC },
      { SubscriptionArn: arn('ada-caps'), Protocol: 'email', Endpoint: ' Ada@Example.COM', TopicArn: TOPIC },
      {
        SubscriptionArn: 'PendingConfirmation',
        Protocol: 'email',
        Endpoint: 'cy@example.com',
        TopicArn: TOPIC,
      },
      // at ada's address, but not what the plan matches (another protocol), or gone (unsubscribed by its link)
      {
        SubscriptionArn: arn('ada-json'),
        Protocol: 'email-json',
        Endpoint: 'ada@example.com',
        TopicArn: TOPIC,
      },
      { SubscriptionArn: 'Deleted', Protocol: 'email', Endpoint: 'ada@example.com', TopicArn: TOPIC },
      // elsewhere: pending, or an address that merely contains ada's
      {
        SubscriptionArn: 'PendingConfirmation',
        Protocol: 'email',
        Endpoint: 'dee@example.com',
        TopicArn: TOPIC,
      },
      { SubscriptionArn: arn('not-ada'), Protocol: 'email', Endpoint: 'xada@example.com', TopicArn: TOPIC },
    ];
    const subscriptions = [...others.slice(0, 100), ...atAddresses, ...others.slice(100)];
    const pages = [subscriptions.slice(0, 100), subscriptions.slice(100, 200), subscriptions.slice(200)];
    sns.on(ListSubscriptionsByTopicCommand, { TopicArn: TOPIC }).resolves({
      Subscriptions: pages[0],
      NextToken: 'page-2',
    });
    sns.on(ListSubscriptionsByTopicCommand, { TopicArn: TOPIC, NextToken: 'page-2' }).resolves({
      Subscriptions: pages[1],
      NextToken: 'page-3',
    });
    sns.on(ListSubscriptionsByTopicCommand, { TopicArn: TOPIC, NextToken: 'page-3' }).resolves({
      Subscriptions: pages[2],
    });
    sns
      .on(GetSubscriptionAttributesCommand)
      .callsFake(({ SubscriptionArn }: { SubscriptionArn: string }) => ({
        Attributes: {
          SubscriptionArn,
          PendingConfirmation: 'false',
          FilterPolicy: ownerFilterPolicy(SubscriptionArn.slice(TOPIC.length + 1)),
          FilterPolicyScope: 'MessageAttributes',
        },
      }));
  }

  it('reads the attributes of the email subscriptions at the addresses only (trimmed, case-insensitive), keeping a pending one', async () => {
    givenLargeTopic();
    const topic = topicOnMock();

    const listed = await topic.list({ atAddresses: new Set(['  ADA@example.com ', 'Cy@Example.com']) });

    expect(inputs(ListSubscriptionsByTopicCommand)).toEqual([
      { TopicArn: TOPIC },
      { TopicArn: TOPIC, NextToken: 'page-2' },
      { TopicArn: TOPIC, NextToken: 'page-3' },
    ]);
    expect(inputs(GetSubscriptionAttributesCommand)).toEqual([
      { SubscriptionArn: arn('ada') },
      { SubscriptionArn: arn('ada-caps') },
    ]);
    expect(listed).toEqual([
      {
        arn: arn('ada'),
        protocol: 'email',
        endpoint: 'ada@example.com',
        pending: false,
        filterPolicy: ownerFilterPolicy('ada'),
        filterPolicyScope: 'MessageAttributes',
      },
      {
        arn: arn('ada-caps'),
        protocol: 'email',
        endpoint: ' Ada@Example.COM',
        pending: false,
        filterPolicy: ownerFilterPolicy('ada-caps'),
        filterPolicyScope: 'MessageAttributes',
      },
      { arn: 'PendingConfirmation', protocol: 'email', endpoint: 'cy@example.com', pending: true },
    ]);
  });

  it('reads nothing at an address no subscription is at; without addresses, every subscription with an ARN', async () => {
    givenLargeTopic();
    const topic = topicOnMock();

    expect(await topic.list({ atAddresses: new Set(['nobody@example.com']) })).toEqual([]);
    expect(inputs(GetSubscriptionAttributesCommand)).toEqual([]);

    const all = await topic.list();
    // 250 others, ada, ada-caps, ada-json, not-ada: each with an ARN is read; two pending listed unread
    expect(inputs(GetSubscriptionAttributesCommand)).toHaveLength(254);
    expect(all).toHaveLength(256);
  });

  it('with a mailbox rule, keeps the subscriptions at another spelling of the mailbox (a domain in Unicode for Punycode)', async () => {
    sns.on(ListSubscriptionsByTopicCommand, { TopicArn: TOPIC }).resolves({
      Subscriptions: [
        { SubscriptionArn: arn('bob'), Protocol: 'email', Endpoint: 'bob@bücher.example', TopicArn: TOPIC },
        { SubscriptionArn: arn('bob-x'), Protocol: 'email', Endpoint: 'bob@bucher.example', TopicArn: TOPIC },
      ],
    });
    sns.on(GetSubscriptionAttributesCommand).resolves({ Attributes: { PendingConfirmation: 'false' } });
    const atAddresses = new Set(['Bob@xn--bcher-kva.example']);

    const byRule = await topicOnMock().list({ atAddresses, mailboxKey });
    const byDefault = await topicOnMock().list({ atAddresses });

    expect(byRule.map((s) => s.arn)).toEqual([arn('bob')]);
    // without it, trimmed and case-insensitive only: the Unicode spelling is another address
    expect(byDefault).toEqual([]);
    expect(inputs(GetSubscriptionAttributesCommand)).toEqual([{ SubscriptionArn: arn('bob') }]);
  });
});

describe('SnsTopicSubscriptions.listUnread (the notifier’s live reach check)', () => {
  it('lists every page and reads nothing further: pending as listed, Deleted left out', async () => {
    sns
      .on(ListSubscriptionsByTopicCommand, { TopicArn: TOPIC })
      .resolves({
        Subscriptions: [
          { SubscriptionArn: arn('ada'), Protocol: 'email', Endpoint: 'ada@example.com', TopicArn: TOPIC },
          { SubscriptionArn: 'PendingConfirmation', Protocol: 'email', Endpoint: 'cy@example.com' },
        ],
        NextToken: 'page-2',
      })
      .on(ListSubscriptionsByTopicCommand, { TopicArn: TOPIC, NextToken: 'page-2' })
      .resolves({
        Subscriptions: [
          { SubscriptionArn: 'Deleted', Protocol: 'email', Endpoint: 'gone@example.com', TopicArn: TOPIC },
          { SubscriptionArn: arn('queue'), Protocol: 'sqs', Endpoint: 'arn:aws:sqs:eu-west-1:1:q' },
        ],
      });

    const listed = await topicOnMock().listUnread();

    expect(inputs(ListSubscriptionsByTopicCommand)).toEqual([
      { TopicArn: TOPIC },
      { TopicArn: TOPIC, NextToken: 'page-2' },
    ]);
    // Only ListSubscriptionsByTopic: the notifier's role may call nothing else on SNS but Publish.
    expect(sns.calls()).toHaveLength(2);
    expect(listed).toEqual([
      { arn: arn('ada'), protocol: 'email', endpoint: 'ada@example.com', pending: false },
      { arn: 'PendingConfirmation', protocol: 'email', endpoint: 'cy@example.com', pending: true },
      { arn: arn('queue'), protocol: 'sqs', endpoint: 'arn:aws:sqs:eu-west-1:1:q', pending: false },
    ]);
  });
});
