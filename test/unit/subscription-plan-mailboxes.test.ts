/**
 * The subscription plan tells addresses apart by the mailbox rule it is given
 * (`SubscriptionPlanInput.mailboxKey`; docs/notifications.md, "Subscription
 * reconciler"). With the relay's Punycode-aware `mailboxKey` (what the
 * reconciler Lambda and `owners sync-subscriptions` pass), a directory address
 * re-spelled with its domain in Punycode or Unicode is the subscription's
 * mailbox: no removal, no new subscription (no confirmation email to click
 * again). A real change of mailbox is still replaced, the exact spelling is
 * still preferred among duplicates, and without a rule the plan compares
 * case-insensitively only, as before.
 */
import { describe, expect, it } from 'vitest';
import type { OwnerRecord } from '../../lambdas/hygiene/owner-directory';
import {
  ownerFilterPolicy,
  PENDING_CONFIRMATION_ARN,
  planSubscriptions,
  type SubscriptionPlanInput,
  type TopicSubscription,
} from '../../lambdas/hygiene/subscription-plan';
import { mailboxKey } from '../../lambdas/relay/ses-address';
import { bobAt, ELSEWHERE, PUNYCODE, UNICODE } from './support/bob-mailbox';

const TOPIC = 'arn:aws:sns:eu-west-1:111122223333:pc-hygiene';

/** A confirmed owner subscription of `userId` at `endpoint`, with the ARN id `id`. */
const ownerSub = (userId: string, endpoint: string, id: string): TopicSubscription => ({
  arn: `${TOPIC}:${id}`,
  protocol: 'email',
  endpoint,
  filterPolicy: ownerFilterPolicy(userId),
  pending: false,
});

/** Bob recorded `confirmed` with `subscription`, at `email`. */
const confirmedBob = (email: string, subscription: TopicSubscription): OwnerRecord =>
  bobAt(email, { subscription: 'confirmed', subscriptionArn: subscription.arn });

/** The plan on `sns-email` with the relay's mailbox rule (unless `rule` says otherwise). */
const plan = (
  owners: readonly OwnerRecord[],
  subscriptions: readonly TopicSubscription[],
  rule: Pick<SubscriptionPlanInput, 'mailboxKey'> = { mailboxKey },
) => planSubscriptions({ owners, subscriptions, topicArn: TOPIC, route: 'sns-email', ...rule });

describe.each([
  ['Unicode subscribed, Punycode in the directory', UNICODE, PUNYCODE],
  ['Punycode subscribed, Unicode in the directory', PUNYCODE, UNICODE],
])('an address re-spelled with its domain the other way (%s)', (_name, subscribed, directory) => {
  it('keeps the confirmed subscription: no removal, no creation, the state unchanged', () => {
    const bobs = ownerSub('bob', subscribed, 'bob');

    const result = plan([confirmedBob(directory, bobs)], [bobs]);

    expect(result.operations).toEqual([]);
    expect(result.states).toEqual([{ userId: 'bob', state: 'confirmed', subscriptionArn: bobs.arn }]);
    expect(result.filterPolicies).toEqual({ current: 1, planned: 1 });
  });

  it('keeps the directory’s exact spelling of two subscriptions of the mailbox, removing the other as a duplicate', () => {
    const other = ownerSub('bob', subscribed, 'a-other');
    const exact = ownerSub('bob', directory, 'b-exact');

    const result = plan([confirmedBob(directory, exact)], [other, exact]);

    expect(result.operations).toEqual([
      {
        kind: 'remove',
        subscriptionArn: other.arn,
        endpoint: subscribed,
        userId: 'bob',
        reason: 'duplicate',
      },
    ]);
    expect(result.states).toEqual([{ userId: 'bob', state: 'confirmed', subscriptionArn: exact.arn }]);
  });

  it('counts an arn-less pending subscription of the other spelling as the owner’s pending one', () => {
    const pending: TopicSubscription = {
      arn: PENDING_CONFIRMATION_ARN,
      protocol: 'email',
      endpoint: subscribed,
      pending: true,
    };

    const result = plan([bobAt(directory)], [pending]);

    expect(result.operations).toEqual([]);
    expect(result.states).toEqual([{ userId: 'bob', state: 'pending' }]);
  });

  it('takes two owners at the two spellings for owners sharing one address', () => {
    const bobs = ownerSub('bob', subscribed, 'bob');
    const cid = { ...bobAt(directory), userId: 'cid' };

    const result = plan([confirmedBob(subscribed, bobs), cid], [bobs]);

    expect(result.operations).toEqual([]);
    expect(result.conflicts).toEqual([
      { userId: 'cid', email: directory, reason: 'shared-address', sharedWith: 'bob' },
    ]);
  });
});

describe('a real change of mailbox, with the relay’s rule', () => {
  it('replaces the subscription as before: removed (address-changed), a new one created', () => {
    const bobs = ownerSub('bob', UNICODE, 'bob');

    const result = plan([confirmedBob(ELSEWHERE, bobs)], [bobs]);

    expect(result.operations).toEqual([
      {
        kind: 'remove',
        subscriptionArn: bobs.arn,
        endpoint: UNICODE,
        userId: 'bob',
        reason: 'address-changed',
      },
      { kind: 'create', userId: 'bob', email: ELSEWHERE, filterPolicy: ownerFilterPolicy('bob') },
    ]);
    expect(result.states).toEqual([{ userId: 'bob', state: 'pending' }]);
  });
});

describe('without a mailbox rule (the default: trimmed and case-insensitive only)', () => {
  it('keeps a subscription whose address differs in letter case only', () => {
    const bobs = ownerSub('bob', 'Bob@Example.com', 'bob');

    expect(plan([confirmedBob('bob@example.com', bobs)], [bobs], {}).operations).toEqual([]);
  });

  it('tells the Unicode and Punycode spellings apart', () => {
    const bobs = ownerSub('bob', UNICODE, 'bob');

    const result = plan([confirmedBob(PUNYCODE, bobs)], [bobs], {});

    expect(result.operations.map((o) => o.kind)).toEqual(['remove', 'create']);
  });
});
