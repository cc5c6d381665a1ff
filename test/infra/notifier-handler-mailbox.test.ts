/**
 * The notifier Lambda's live subscription check (`sns-email`) never matches an
 * owner by address: an owner recorded `confirmed` without an ARN (a record
 * older than recorded ARNs) is `no-subscription` even when a confirmed
 * subscription is listed at their mailbox, in any spelling — it may be the
 * admins' or another owner's, whose filter never admits their digest
 * (docs/notifications.md, "Owner reach"). So the handler reports their events
 * to the admins instead of marking an undeliverable digest sent. The matching
 * itself: test/unit/notifier-live-subscriptions.test.ts.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { TopicSubscription } from '../../lambdas/hygiene/subscription-plan';
import { InMemoryOutbox, outboxEvent, RecordingPublisher } from '../unit/outbox-fakes';
import { InMemoryOwnerDirectory, reachableOwner } from '../unit/owner-directory-fake';
import { PUNYCODE, UNICODE } from '../unit/support/bob-mailbox';
import { fakeTools, importNotifierHandler } from './handler-tools';

type HandlerModule = typeof import('../../lambdas/handlers/notifier');
let handlerModule: HandlerModule;

beforeAll(async () => {
  handlerModule = await importNotifierHandler();
});

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:hygiene';

describe.each([
  ['Unicode listed, Punycode in the directory', UNICODE, PUNYCODE],
  ['the same spelling listed and in the directory', PUNYCODE, PUNYCODE],
])('the notifier handler on sns-email (%s)', (_name, listed, directory) => {
  it('reports an owner recorded confirmed without an ARN as no-subscription, a subscription at their mailbox or not', async () => {
    const outbox = new InMemoryOutbox();
    outbox.append('bob-pc', [outboxEvent({ credentialId: 'bob-pc', userId: 'bob' })]);
    const subscription: TopicSubscription = {
      arn: `${TOPIC}:admins`,
      protocol: 'email',
      endpoint: listed,
      pending: false,
    };
    let listings = 0;
    const handler = handlerModule.createNotifierHandler({
      ...fakeTools().tools,
      outbox,
      publisher: new RecordingPublisher(),
      clock: () => Date.parse('2026-12-05T03:15:00Z'),
      // recorded confirmed before ARNs were recorded
      directory: new InMemoryOwnerDirectory([{ ...reachableOwner('bob'), email: directory }]),
      topicSubscriptions: {
        topicArn: TOPIC,
        listUnread: async () => {
          listings += 1;
          return [subscription];
        },
      },
      ownerDelivery: 'sns-email',
    });

    const summary = await handler({}, { getRemainingTimeInMillis: () => 300_000 });

    expect(listings).toBe(1);
    expect(summary).toMatchObject({
      subscriptionCheck: 'listed',
      unreachableOwners: 1,
      unreachableReasons: { 'no-subscription': 1 },
      reportParts: 1,
    });
  });
});
