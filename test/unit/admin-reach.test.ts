/**
 * Which subscriptions of the notification topic deliver every admin message (lambdas/hygiene/admin-reach.ts;
 * docs/notifications.md, "Subscription reconciler", "Admin reach"): confirmed, and no filter policy or one on message
 * attributes whose only key is `audience` naming `admin` exactly. A policy that narrows, body scope, a pending
 * subscription, an owner policy or one that is not JSON does not count; any protocol does.
 */
import { describe, expect, it } from 'vitest';
import { countAdminSubscriptions, deliversEveryAdminMessage } from '../../lambdas/hygiene/admin-reach';
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
    ['no filter policy (receives everything)', subscription()],
    ['{"audience":["admin"]}', subscription('{"audience":["admin"]}')],
    [
      '{"audience":["admin"]} on MessageAttributes scope, said',
      subscription('{"audience":["admin"]}', { filterPolicyScope: 'MessageAttributes' }),
    ],
    ['{"audience":["admin","owner"]} (owner messages too)', subscription('{"audience":["admin","owner"]}')],
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
  ])('counts %s', (_case, s) => {
    expect(deliversEveryAdminMessage(s)).toBe(true);
  });

  it.each([
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

describe('countAdminSubscriptions', () => {
  it('counts the subscriptions that deliver every admin message, on any protocol', () => {
    const topic = [
      subscription('{"audience":["admin"]}'),
      subscription(undefined, { protocol: 'sqs', endpoint: 'arn:aws:sqs:us-east-1:123456789012:ops' }),
      subscription('{"audience":["admin"],"eventTypes":["guard-tripped"]}'),
      subscription(ownerFilterPolicy('ada'), { endpoint: 'ada@example.com' }),
      subscription(undefined, { arn: 'PendingConfirmation', pending: true, endpoint: 'new@example.com' }),
    ];

    expect(countAdminSubscriptions(topic)).toBe(2);
    expect(countAdminSubscriptions([])).toBe(0);
  });
});
