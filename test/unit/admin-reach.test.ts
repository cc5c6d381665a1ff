/**
 * Which subscriptions of the notification topic deliver every admin message (lambdas/hygiene/admin-reach.ts;
 * docs/notifications.md, "Subscription reconciler", "Admin reach"): confirmed, and no filter policy or one on message
 * attributes whose only key is `audience` naming `admin` exactly. A policy that narrows, body scope, a pending
 * subscription, an owner policy or one that is not JSON does not count. Nor does an `email` or `email-json`
 * subscription that also receives owner digests (no filter, `owner` in its `audience`): SNS suspends an email
 * subscription past 10 messages a second, which one drain's owner digests pass; it is counted apart. Other
 * protocols (SQS, Lambda, HTTPS, Firehose) count without a filter. The alarm topic's check is a rule of its own
 * (lambdas/handlers/alarm-topic-check.ts): alarms carry no attributes, so an unfiltered email subscription there counts.
 */
import { describe, expect, it } from 'vitest';
import { checkAlarmTopic } from '../../lambdas/handlers/alarm-topic-check';
import {
  adminReachOf,
  deliversEveryAdminMessage,
  receivesOwnerDigestsByEmail,
} from '../../lambdas/hygiene/admin-reach';
import { ownerFilterPolicy, type TopicSubscription } from '../../lambdas/hygiene/subscription-plan';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:hygiene';

/** A confirmed email subscription of security@example.com with `filterPolicy` (none when undefined). */
function subscription(filterPolicy?: string, extra: Partial<TopicSubscription> = {}): TopicSubscription {
  return {
    arn: `${TOPIC}:1`,
    protocol: 'email',
    endpoint: 'security@example.com',
    ...(filterPolicy !== undefined && { filterPolicy }),
    pending: false,
    ...extra,
  };
}

describe('deliversEveryAdminMessage', () => {
  it.each([
    ['{"audience":["admin"]}', subscription('{"audience":["admin"]}')],
    [
      'an email-json endpoint with {"audience":["admin"]}',
      subscription('{"audience":["admin"]}', { protocol: 'email-json' }),
    ],
    [
      'an email with {"audience":["admin","other"]} (no owner)',
      subscription('{"audience":["admin","other"]}'),
    ],
    [
      '{"audience":["admin"]} on MessageAttributes scope, said',
      subscription('{"audience":["admin"]}', { filterPolicyScope: 'MessageAttributes' }),
    ],
    [
      'an SQS queue with {"audience":["admin"]}',
      subscription('{"audience":["admin"]}', {
        protocol: 'sqs',
        endpoint: 'arn:aws:sqs:us-east-1:123456789012:ops',
      }),
    ],
    [
      'an HTTPS endpoint without a filter',
      subscription(undefined, { protocol: 'https', endpoint: 'https://chat.example.com/hook' }),
    ],
    // No rate limit on these protocols: receiving the owner digests too does not get them suspended.
    [
      'an SQS queue without a filter',
      subscription(undefined, { protocol: 'sqs', endpoint: 'arn:aws:sqs:us-east-1:123456789012:ops' }),
    ],
    [
      'a Lambda function with {"audience":["admin","owner"]}',
      subscription('{"audience":["admin","owner"]}', {
        protocol: 'lambda',
        endpoint: 'arn:aws:lambda:us-east-1:123456789012:function:ops',
      }),
    ],
    [
      'a Firehose stream without a filter',
      subscription(undefined, {
        protocol: 'firehose',
        endpoint: 'arn:aws:firehose:us-east-1:123456789012:deliverystream/ops',
      }),
    ],
  ])('counts %s', (_case, s) => {
    expect(deliversEveryAdminMessage(s)).toBe(true);
  });

  it.each([
    // These used to count: they admit every admin message, but every owner digest too (up to 10 in one
    // PublishBatch, 4 calls in flight), and SNS suspends an email subscription past 10 messages a second.
    ['an email without a filter policy (receives owner digests too)', subscription()],
    ['an email with {"audience":["admin","owner"]}', subscription('{"audience":["admin","owner"]}')],
    ['an email-json endpoint without a filter', subscription(undefined, { protocol: 'email-json' })],
    [
      'an email-json endpoint with {"audience":["owner","admin"]}',
      subscription('{"audience":["owner","admin"]}', { protocol: 'email-json' }),
    ],
    // An operator beside admin may match owner (not evaluated): the safe direction, a false alarm.
    [
      'an email with {"audience":["admin",{"prefix":"o"}]}',
      subscription('{"audience":["admin",{"prefix":"o"}]}'),
    ],
    [
      'narrowed by eventTypes (a pager for guard trips only)',
      subscription('{"audience":["admin"],"eventTypes":["guard-tripped"]}'),
    ],
    ['narrowed by severity', subscription('{"audience":["admin"],"severity":["high"]}')],
    ['on MessageBody scope', subscription('{"audience":["admin"]}', { filterPolicyScope: 'MessageBody' })],
    [
      'pending confirmation (listed without its ARN)',
      subscription(undefined, { arn: 'PendingConfirmation', pending: true }),
    ],
    [
      'pending confirmation, with the admin filter',
      subscription('{"audience":["admin"]}', { pending: true }),
    ],
    ['an owner policy', subscription(ownerFilterPolicy('ada'))],
    ['{"audience":["owner"]}', subscription('{"audience":["owner"]}')],
    // Operators and $or are not evaluated: not counted although SNS may match them for every admin message (the safe
    // direction, a false alarm; docs/notifications.md, "Admin reach": add a plain admin subscription beside it).
    ['an operator instead of the exact string', subscription('{"audience":[{"prefix":"adm"}]}')],
    ['anything-but owner', subscription('{"audience":[{"anything-but":"owner"}]}')],
    ['an exists operator', subscription('{"audience":[{"exists":true}]}')],
    ['$or', subscription('{"$or":[{"audience":["admin"]},{"severity":["high"]}]}')],
    ['another letter case', subscription('{"audience":["Admin"]}')],
    ['a value that is not a list', subscription('{"audience":"admin"}')],
    ['unparsable JSON', subscription('{"audience":["admin"]')],
    ['JSON that is not an object', subscription('["admin"]')],
  ])('does not count %s', (_case, s) => {
    expect(deliversEveryAdminMessage(s)).toBe(false);
  });
});

describe('receivesOwnerDigestsByEmail', () => {
  it.each([
    ['an email without a filter', subscription(), true],
    ['an email with {"audience":["admin","owner"]}', subscription('{"audience":["admin","owner"]}'), true],
    ['an email-json endpoint without a filter', subscription(undefined, { protocol: 'email-json' }), true],
    ['an email with {"audience":["admin"]}', subscription('{"audience":["admin"]}'), false],
    ['an owner subscription (no admin message)', subscription(ownerFilterPolicy('ada')), false],
    [
      'a pending email without a filter (delivers nothing yet)',
      subscription(undefined, { pending: true }),
      false,
    ],
    ['a narrowed email pager', subscription('{"audience":["admin","owner"],"severity":["high"]}'), false],
    ['an SQS queue without a filter', subscription(undefined, { protocol: 'sqs' }), false],
    [
      'an HTTPS endpoint with {"audience":["admin","owner"]}',
      subscription('{"audience":["admin","owner"]}', { protocol: 'https' }),
      false,
    ],
  ])('%s: %s', (_case, s, expected) => {
    expect(receivesOwnerDigestsByEmail(s)).toBe(expected);
  });
});

describe('adminReachOf', () => {
  it('counts the subscriptions that deliver every admin message, and apart the email ones that receive owner digests too', () => {
    const topic = [
      subscription('{"audience":["admin"]}'),
      subscription(undefined, { protocol: 'sqs', endpoint: 'arn:aws:sqs:us-east-1:123456789012:ops' }),
      subscription(undefined, { protocol: 'https', endpoint: 'https://chat.example.com/hook' }),
      subscription(undefined, { endpoint: 'team@example.com' }),
      subscription('{"audience":["admin","owner"]}', {
        protocol: 'email-json',
        endpoint: 'https://x.example',
      }),
      subscription('{"audience":["admin"],"eventTypes":["guard-tripped"]}'),
      subscription(ownerFilterPolicy('ada'), { endpoint: 'ada@example.com' }),
      subscription(undefined, { arn: 'PendingConfirmation', pending: true, endpoint: 'new@example.com' }),
    ];

    expect(adminReachOf(topic)).toEqual({ adminSubscriptions: 3, emailSubscriptionsWithOwnerDigests: 2 });
    expect(adminReachOf([])).toEqual({ adminSubscriptions: 0, emailSubscriptionsWithOwnerDigests: 0 });
  });
});

describe("the alarm topic's check (its own rule, unchanged)", () => {
  it('counts an unfiltered email subscription of the alarm topic as confirmed: alarms carry no attributes', async () => {
    const alarmTopic = 'arn:aws:sns:us-east-1:123456789012:hygiene-alarms';
    const listed: TopicSubscription[] = [
      { arn: `${alarmTopic}:1`, protocol: 'email', endpoint: 'oncall@example.com', pending: false },
      { arn: 'PendingConfirmation', protocol: 'email', endpoint: 'new@example.com', pending: true },
    ];

    const reach = await checkAlarmTopic({ topicArn: alarmTopic, listUnread: async () => listed }, 1_000);

    expect(reach).toEqual({ status: 'checked', topicArn: alarmTopic, confirmed: 1, pending: 1 });
  });
});
