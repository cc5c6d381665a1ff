/**
 * The notifier Lambda's live subscription check (`sns-email`) tells mailboxes
 * apart as the reconciler does (`mailboxKey`, wired by the handler): an owner
 * recorded `confirmed` without an ARN, whose directory address spells the
 * domain in Punycode while the topic lists their confirmed subscription in
 * Unicode (or back), is reachable, so their digest is not reported to the
 * admins as `no-subscription`. The matching itself: test/unit/notifier-live-subscriptions.test.ts.
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
  ['Punycode listed, Unicode in the directory', PUNYCODE, UNICODE],
])('the notifier handler on sns-email (%s)', (_name, listed, directory) => {
  it('counts the confirmed subscription of an owner with no recorded ARN at another spelling of their mailbox', async () => {
    const outbox = new InMemoryOutbox();
    outbox.append('bob-pc', [outboxEvent({ credentialId: 'bob-pc', userId: 'bob' })]);
    const subscription: TopicSubscription = {
      arn: `${TOPIC}:bob`,
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
      // recorded confirmed before ARNs were recorded: matched by address
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
      digests: 1,
      unreachableOwners: 0,
      reportParts: 0,
    });
  });
});
