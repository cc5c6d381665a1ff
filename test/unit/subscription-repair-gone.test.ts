/**
 * A filter-policy repair whose subscription is gone by the time it is sent
 * (the owner clicked the unsubscribe link between the listing and the
 * repair) is done, as an Unsubscribe answered NotFound is: no false
 * `SubscriptionOperationsFailed`, and the owner's recorded `confirmed` with
 * the subscription's ARN stays, so the next run reads the opt-out instead of
 * subscribing them again. At the SNS client boundary (aws-sdk-client-mock).
 */
import {
  GetSubscriptionAttributesCommand,
  InvalidParameterException,
  ListSubscriptionsByTopicCommand,
  NotFoundException,
  SetSubscriptionAttributesCommand,
  SNSClient,
  SubscribeCommand,
} from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { SnsTopicSubscriptions } from '../../lambdas/aws/subscription-reconciler-sns';
import type { OwnerRecord } from '../../lambdas/hygiene/owner-directory';
import { ownerFilterPolicy } from '../../lambdas/hygiene/subscription-plan';
import { reconcileSubscriptions } from '../../lambdas/hygiene/subscription-reconciler';
import { MemoryOwnerRegistry } from './support/memory-owner-registry';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:hygiene';
const sns = mockClient(SNSClient);
const arn = (name: string) => `${TOPIC}:${name}`;

afterEach(() => {
  sns.reset();
});

/** Two confirmed owners, as the directory records them. */
function directory(): MemoryOwnerRegistry {
  const confirmed = (userId: string): OwnerRecord => ({
    userId,
    email: `${userId}@example.com`,
    status: 'active',
    subscription: 'confirmed',
    subscriptionArn: arn(userId),
  });
  return new MemoryOwnerRegistry([confirmed('ada'), confirmed('bob')]);
}

/**
 * The topic lists `names`' confirmed subscriptions. Ada's filter policy holds back some of her digests (an extra
 * condition): a repair, and, were it refused, `confirmed` would not be true of her (she would be recorded `none`).
 */
function givenListed(...names: string[]): void {
  sns.on(ListSubscriptionsByTopicCommand).resolves({
    Subscriptions: names.map((name) => ({
      SubscriptionArn: arn(name),
      Protocol: 'email',
      Endpoint: `${name}@example.com`,
      TopicArn: TOPIC,
    })),
  });
  sns.on(GetSubscriptionAttributesCommand, { SubscriptionArn: arn('ada') }).resolves({
    Attributes: {
      PendingConfirmation: 'false',
      FilterPolicy: '{"userId":["ada"],"audience":["owner"],"severity":["high"]}',
    },
  });
  sns.on(GetSubscriptionAttributesCommand, { SubscriptionArn: arn('bob') }).resolves({
    Attributes: { PendingConfirmation: 'false', FilterPolicy: ownerFilterPolicy('bob') },
  });
}

const reconcile = (owners: MemoryOwnerRegistry) =>
  reconcileSubscriptions(
    { topic: new SnsTopicSubscriptions(new SNSClient({ region: 'eu-west-1' }), TOPIC), directory: owners },
    { route: 'sns-email' },
  );

describe('a repair whose subscription is gone (NotFound)', () => {
  it('is done, not a failure; the next run, listing it gone, records the opt-out and subscribes no one', async () => {
    const owners = directory();
    givenListed('ada', 'bob');
    sns
      .on(SetSubscriptionAttributesCommand)
      .rejects(new NotFoundException({ message: 'Subscription does not exist', $metadata: {} }));

    const first = await reconcile(owners);

    expect(sns.commandCalls(SetSubscriptionAttributesCommand).map((c) => c.args[0].input)).toEqual([
      {
        SubscriptionArn: arn('ada'),
        AttributeName: 'FilterPolicy',
        AttributeValue: ownerFilterPolicy('ada'),
      },
    ]);
    expect(first.failed).toEqual([]);
    expect(owners.owners.find((o) => o.userId === 'ada')).toMatchObject({
      subscription: 'confirmed',
      subscriptionArn: arn('ada'),
    });

    sns.reset();
    givenListed('bob');
    await reconcile(owners);

    expect(sns.commandCalls(SubscribeCommand)).toEqual([]);
    expect(owners.owners.map((o) => [o.userId, o.subscription])).toEqual([
      ['ada', 'unsubscribed'],
      ['bob', 'confirmed'],
    ]);
  });

  it('a repair SNS refuses for another reason still fails, and is reported', async () => {
    givenListed('ada', 'bob');
    sns
      .on(SetSubscriptionAttributesCommand)
      .rejects(new InvalidParameterException({ message: 'bad policy', $metadata: {} }));

    const summary = await reconcile(directory());

    expect(summary.repaired).toBe(0);
    expect(summary.failed.map((f) => [f.operation.kind, f.error])).toEqual([
      ['repair', 'InvalidParameterException: bad policy'],
    ]);
  });
});
